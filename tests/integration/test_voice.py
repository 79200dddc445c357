"""Texting a contact by voice and from an LLM: HA's own conversation agent and Assist API.

Every test goes through Home Assistant's real default agent or its real LLM API, and the
simulator is the only thing outside: an SMS sent is an SMS in its outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from homeassistant.components import conversation
from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES
from homeassistant.components.homeassistant.exposed_entities import (
    async_expose_entity,
    async_should_expose,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    chat_session,
    device_registry as dr,
    entity_registry as er,
    intent,
    issue_registry as ir,
    llm,
    translation,
)
from homeassistant.helpers.json import json_bytes
from homeassistant.setup import async_setup_component
from hypothesis import given, strategies as st
import probatio
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.ovh_http2sms.assist import original_tail
from custom_components.ovh_http2sms.const import (
    CONF_MAX_SENDS_PER_SECOND,
    CONF_REPEAT_WINDOW,
    DOMAIN,
    EVENT_SMS_FAILED,
)
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import account_entry, async_add_contact, async_notify, contact

TOOL = f"{DOMAIN}__send_sms"


@pytest.fixture
def config_entry(simulator: RunningSimulator) -> MockConfigEntry:
    """Alice, Bob (flash, STOP mention), two Martins and Zoé: names to tell apart by voice."""
    return account_entry(
        simulator.endpoint,
        more_contacts=[
            contact("Paul Martin", "06 11 11 11 11", unique_id="0033611111111"),
            contact("Paula Martin", "06 22 22 22 22", unique_id="0033622222222"),
            contact("Zoé", "06 33 33 33 33", unique_id="0033633333333"),
        ],
    )


@pytest.fixture
async def assist(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """Assist set up as default_config does, with every contact but Bob exposed."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    for entity_id in (
        "notify.alice",
        "notify.paul_martin",
        "notify.paula_martin",
        "notify.zoe",
    ):
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    return init_integration


async def _say(hass: HomeAssistant, text: str, language: str) -> str:
    """Say `text` to Home Assistant's own agent; return what it answers."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language=language
    )
    speech: str = result.response.speech["plain"]["speech"]
    return speech


async def _tool_names(hass: HomeAssistant) -> list[str]:
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _llm_context())
    return [tool.name for tool in api.tools]


def _llm_context(language: str = "en") -> llm.LLMContext:
    return llm.LLMContext(
        platform="test",
        context=Context(),
        language=language,
        assistant=conversation.DOMAIN,
        device_id=None,
    )


async def _call_tool(
    hass: HomeAssistant, args: dict[str, Any], language: str = "en"
) -> llm.ToolResult:
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _llm_context(language))
    return await api.async_call_tool(llm.ToolInput(tool_name=TOOL, tool_args=args))


# --- Exposure ---------------------------------------------------------------------------------


async def test_a_new_contact_is_not_exposed_to_assist(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An SMS costs money and reaches a person: Home Assistant does not expose notify entities."""
    assert await async_setup_component(hass, "homeassistant", {})
    # Even with "Expose new entities" on: notify is not among the domains it exposes.
    assert hass.data[DATA_EXPOSED_ENTITIES].async_get_expose_new_entities(
        conversation.DOMAIN
    )
    assert not async_should_expose(hass, conversation.DOMAIN, "notify.alice")
    assert not async_should_expose(
        hass, conversation.DOMAIN, "sensor.sms_ab1234_1_credits"
    )


# --- Home Assistant's own agent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "answer", "text"),
    [
        (
            "Send an SMS to Alice saying the door is open",
            "en",
            "Sent to Alice.",
            "the door is open",
        ),
        (
            "send a text to alice saying: the door is open, come back!",
            "en",
            "Sent to Alice.",
            "the door is open, come back!",
        ),
        ("Text Alice: dinner at 8", "en", "Sent to Alice.", "dinner at 8"),
        ("SMS Alice the door is open.", "en", "Sent to Alice.", "the door is open."),
        (
            "Envoie un SMS à Alice : la porte est ouverte",
            "fr",
            "SMS envoyé à Alice.",
            "la porte est ouverte",
        ),
        (
            "envoie un texto à alice disant que la porte, c'est ouverte ?",
            "fr",
            "SMS envoyé à Alice.",
            "la porte, c'est ouverte ?",
        ),
        ("Texte à Alice : j'arrive", "fr", "SMS envoyé à Alice.", "j'arrive"),
        (
            "SMS à Alice la porte est ouverte",
            "fr",
            "SMS envoyé à Alice.",
            "la porte est ouverte",
        ),
        (
            "Envoie à Alice un SMS : le colis est là",
            "fr",
            "SMS envoyé à Alice.",
            "le colis est là",
        ),
        (
            "Send Alice a text saying the parcel is here",
            "en",
            "Sent to Alice.",
            "the parcel is here",
        ),
        ("Send a text to Alice: dinner at 8", "en", "Sent to Alice.", "dinner at 8"),
        ("Message Alice: call me", "en", "Sent to Alice.", "call me"),
        (
            "Écris un message à Alice pour lui dire qu'il pleut",
            "fr",
            "SMS envoyé à Alice.",
            "il pleut",
        ),
    ],
)
async def test_a_sentence_sends_one_sms(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
    language: str,
    answer: str,
    text: str,
) -> None:
    """Each sentence asking to text Alice sends her the message in one SMS and confirms it."""
    assert await _say(hass, sentence, language) == answer

    [sms] = simulator.outbox
    assert sms.recipient == "0033612345678"
    assert sms.message == text
    assert not sms.flash
    assert sms.no_stop


async def test_the_answer_follows_the_language_of_the_request(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The server speaks English; a French request gets a French answer."""
    assert hass.config.language == "en"
    assert await _say(hass, "SMS à Alice coucou", "fr") == "SMS envoyé à Alice."


@pytest.mark.parametrize(
    ("sentence", "pipeline", "answer"),
    [
        ("SMS à Alice coucou", "en", "SMS envoyé à Alice."),
        ("Envoie un SMS à Zoé : à ce soir", "en", "SMS envoyé à Zoé."),
        ("Text Alice: see you", "fr", "Sent to Alice."),
        (
            "Envoie un SMS à Personne : coucou",
            "en",
            "Il n’y a pas de contact nommé Personne.",
        ),
        ("SMS à Alice coucou", "fr-CA", "SMS envoyé à Alice."),
    ],
)
async def test_the_answer_follows_the_language_of_the_sentence(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
    pipeline: str,
    answer: str,
) -> None:
    """A French sentence said to an English pipeline is answered in French, and back."""
    assert await _say(hass, sentence, pipeline) == answer


async def test_a_contact_keeps_its_own_settings(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Bob's flash and STOP settings apply by voice as they do through notify."""
    async_expose_entity(hass, conversation.DOMAIN, "notify.bob", True)

    assert await _say(hass, "text Bob: intruder", "en") == "Sent to Bob."

    [sms] = simulator.outbox
    assert sms.recipient == "00447911123456"
    assert sms.flash
    assert not sms.no_stop


async def test_names_match_whatever_the_case_and_accents(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A contact's name matches whatever its letter case and accents."""
    assert await _say(hass, "SMS ZOE: hello", "en") == "Sent to Zoé."
    assert await _say(hass, "envoie un SMS à zoé : salut", "fr") == "SMS envoyé à Zoé."

    assert [sms.recipient for sms in simulator.outbox] == ["0033633333333"] * 2


async def test_an_alias_reaches_its_contact(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An alias of a contact's entity sends to that contact."""
    er.async_get(hass).async_update_entity(
        "notify.alice", aliases=[er.COMPUTED_NAME, "Maman"]
    )

    assert await _say(hass, "Envoie un SMS à maman : j'arrive", "fr") == (
        "SMS envoyé à Alice."
    )

    assert await _say(hass, "SMS maman coucou", "fr") == "SMS envoyé à Alice."

    assert [(sms.recipient, sms.message) for sms in simulator.outbox] == [
        ("0033612345678", "j'arrive"),
        ("0033612345678", "coucou"),
    ]


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("SMS are expensive", "en"),
        ("text me when the door opens", "en"),
        ("message of the day", "en"),
        ("texte à trous", "fr"),
    ],
)
async def test_short_sentences_without_a_contact_go_to_other_intents(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
    language: str,
) -> None:
    """Only the explicit "send an SMS to" sentences answer for an unknown name."""
    result = await conversation.async_converse(
        hass, sentence, None, Context(), language=language
    )

    # Home Assistant's own answer ("Sorry, I couldn't understand that" or the like).
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("sentence", "answer", "recipient"),
    [
        ("text Paula Martin: hi", "Sent to Paula Martin.", "0033622222222"),
        # Paula Martin's first word is another word than "Paul".
        ("SMS Paul: hi", "Sent to Paul Martin.", "0033611111111"),
    ],
    ids=["full_name", "first_word"],
)
async def test_a_name_shared_in_part_finds_the_one_contact_it_fits(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
    answer: str,
    recipient: str,
) -> None:
    """A full name, or first words, send to the one contact they fit, though names overlap."""
    assert await _say(hass, sentence, "en") == answer

    [sms] = simulator.outbox
    assert sms.recipient == recipient


async def test_an_ambiguous_name_is_refused_with_the_candidates(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A name fitting several contacts is refused with the candidates, and nothing is sent."""
    er.async_get(hass).async_update_entity(
        "notify.paul_martin", aliases=[er.COMPUTED_NAME, "Martin"]
    )
    er.async_get(hass).async_update_entity(
        "notify.paula_martin", aliases=[er.COMPUTED_NAME, "Martin"]
    )

    assert await _say(hass, "text Martin: hi", "en") == (
        "Several contacts match Martin: Paul Martin, Paula Martin. Say the full name."
    )
    answer = await _say(hass, "SMS à Martin : salut", "fr")
    assert answer.startswith("Plusieurs contacts")
    assert "Paul Martin" in answer
    assert "Paula Martin" in answer
    assert simulator.outbox == []


async def test_an_unknown_contact_is_refused(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A name that fits no contact is refused aloud in both languages, without a request."""
    assert await _say(hass, "Send a text to Charlie saying hi", "en") == (
        "There is no contact named Charlie."
    )
    assert await _say(hass, "Envoie un SMS à Charlie : salut", "fr") == (
        "Il n’y a pas de contact nommé Charlie."
    )
    assert simulator.outbox == []
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("sentence", "language", "answer"),
    [
        (
            "send an SMS to 0612345678 saying hello",
            "en",
            "There is no contact named …78.",
        ),
        (
            "send an SMS to 06 12 34 56 78: hello",
            "en",
            "There is no contact named …78.",
        ),
        (
            "Envoie un SMS à 06/12/34/56/78 : bonjour",
            "fr",
            "Il n’y a pas de contact nommé …78.",
        ),
        (
            "Envoie un SMS au 0612345678 : bonjour",
            "fr",
            "Il n’y a pas de contact nommé …78.",
        ),
    ],
)
async def test_a_number_heard_as_a_name_is_said_back_masked(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
    language: str,
    answer: str,
) -> None:
    """A phone number said where a name was expected is said back with its last two digits."""
    assert await _say(hass, sentence, language) == answer
    assert simulator.requests == []


async def test_a_new_contact_can_be_texted_by_its_name_once_exposed(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A contact added in the contact flow joins the short sentences, as it is named."""
    result = await async_add_contact(hass, assist, "Claude", "07 81 23 45 67")
    assert result["type"] is FlowResultType.CREATE_ENTRY

    assert await _say(hass, "SMS Claude on arrive", "fr") == (
        "Le contact Claude n’est pas exposé à Assist. Exposez-le dans Paramètres >"
        " Assistants vocaux pour lui envoyer des SMS à la voix."
    )
    async_expose_entity(hass, conversation.DOMAIN, "notify.claude", True)
    assert await _say(hass, "SMS Claude on arrive", "fr") == "SMS envoyé à Claude."

    [sms] = simulator.outbox
    assert sms.recipient == "0033781234567"
    assert sms.message == "on arrive"


async def test_a_renamed_contact_answers_to_its_new_name(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Renaming the contact's device (its name in Home Assistant) renames it for Assist."""
    device_registry = dr.async_get(hass)
    entity = er.async_get(hass).async_get("notify.alice")
    assert entity is not None
    assert entity.device_id is not None
    device_registry.async_update_device(entity.device_id, name_by_user="Maman")
    await hass.async_block_till_done()

    assert await _say(hass, "SMS Maman coucou", "fr") == "SMS envoyé à Maman."

    [sms] = simulator.outbox
    assert sms.recipient == "0033612345678"


@pytest.mark.parametrize(
    "sentence",
    [
        "Send a text to Bartholomew-Maximilian Featherstonehaugh-Smythe the third: hi",
        "Send a text to ?!: hi",
        "Send a text to \ud800\x1b: hi",
        "Send a text to \u200b\u202e: hi",
    ],
)
async def test_an_unknown_name_is_said_back_short_and_printable(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
) -> None:
    """An unknown name is said back short and printable, without a request."""
    answer = await _say(hass, sentence, "en")

    assert answer.startswith("There is no contact named ")
    assert len(answer) <= len("There is no contact named .") + 40
    assert answer.isprintable()
    assert simulator.requests == []


async def test_an_unexposed_contact_is_refused_without_a_request(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A contact not exposed to Assist is refused with how to expose it, without a request."""
    answer = await _say(hass, "Send an SMS to Bob saying hi", "en")

    assert answer == (
        "The contact Bob is not exposed to Assist. Expose it in Settings > Voice"
        " assistants to text it by voice."
    )
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        (
            "en",
            (
                "The contact Alice is not exposed to Assist. Expose it in Settings > Voice"
                " assistants to text it by voice."
            ),
        ),
        (
            "fr",
            (
                "Le contact Alice n’est pas exposé à Assist. Exposez-le dans Paramètres >"
                " Assistants vocaux pour lui envoyer des SMS à la voix."
            ),
        ),
        (
            "es",
            (
                "El contacto Alice no está expuesto a Assist. Exponlo en Configuración >"
                " Asistentes de voz para enviarle SMS por voz."
            ),
        ),
        (
            "it",
            (
                "Il contatto Alice non è esposto ad Assist. Esponilo in Impostazioni >"
                " Assistenti vocali per inviargli SMS con la voce."
            ),
        ),
        (
            "pl",
            (
                "Kontakt Alice nie jest udostępniony dla Assist. Udostępnij go w sekcji"
                " Ustawienia > Asystenci głosowi, aby wysyłać do niego SMS-y głosem."
            ),
        ),
    ],
)
async def test_the_not_exposed_answer_fits_any_name(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    language: str,
    answer: str,
) -> None:
    """ "Alice n’est pas exposé" is wrong: the sentence is about the contact, whoever it is."""
    async_expose_entity(hass, conversation.DOMAIN, "notify.alice", False)
    response = await intent.async_handle(
        hass,
        "test",
        "OvhHttp2SmsSend",
        {"contact": {"value": "Alice"}, "message": {"value": "hi"}},
        language=language,
        assistant=conversation.DOMAIN,
    )

    assert response.speech["plain"]["speech"] == answer
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        (
            "en",
            (
                "Alice already got this very SMS within the repeat guard's window: it was not"
                " sent again."
            ),
        ),
        (
            "fr",
            (
                "Le contact Alice a déjà reçu ce même SMS dans le délai de l’anti-répétition"
                "\u00a0: il n’a pas été renvoyé."
            ),
        ),
        (
            "es",
            (
                "El contacto Alice ya recibió este mismo SMS dentro del plazo de la protección"
                " contra repeticiones: no se ha vuelto a enviar."
            ),
        ),
        (
            "it",
            (
                "Il contatto Alice ha già ricevuto proprio questo SMS entro la finestra della"
                " protezione dalle ripetizioni: non è stato inviato di nuovo."
            ),
        ),
        (
            "pl",
            (
                "Kontakt Alice dostał już ten sam SMS w oknie ochrony przed powtórzeniami: nie"
                " został wysłany ponownie."
            ),
        ),
    ],
)
async def test_the_repeat_guard_s_answer_holds_for_any_window(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    language: str,
    answer: str,
) -> None:
    """The window can be a day long: "a moment ago" would be untrue; the answer needs none."""
    hass.config_entries.async_update_entry(assist, options={CONF_REPEAT_WINDOW: 1440})
    await hass.async_block_till_done()
    speeches = []
    for _ in range(2):
        response = await intent.async_handle(
            hass,
            "test",
            "OvhHttp2SmsSend",
            {"contact": {"value": "Alice"}, "message": {"value": "Door open"}},
            language=language,
            assistant=conversation.DOMAIN,
        )
        speeches.append(response.speech["plain"]["speech"])

    assert speeches[1] == answer
    assert len(simulator.outbox) == 1


async def test_a_dictated_message_over_the_part_limit_is_refused_aloud(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A dictated message over the part limit is refused aloud, without a request."""
    words = ("la porte est ouverte " * 50)[:1000]

    answer = await _say(hass, f"Envoie un SMS à Alice : {words}", "fr")

    assert answer.startswith("Ce message demande 7 parties de SMS en 7 bits")
    assert simulator.requests == []


async def test_several_parts_say_what_they_cost(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A message sent in several parts says how many, each billed as one SMS."""
    words = "the door is open " * 12

    answer = await _say(hass, f"text Alice: {words}", "en")

    assert answer == "Sent to Alice in 2 parts, each billed as one SMS."
    assert len(simulator.outbox) == 1


async def test_a_gateway_error_is_spoken(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A gateway error is spoken in the request's language, with its HTTP status."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR, http_status=503))

    answer = await _say(hass, "Envoie un SMS à Alice : la porte", "fr")

    assert "503" in answer
    assert answer.startswith("La passerelle http2sms")
    assert simulator.outbox == []


@pytest.mark.parametrize("status", [202, 241, 999])
async def test_a_gateway_refusal_never_repeats_the_number_or_the_text(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """OVHcloud's reason may echo the number and the text: spoken, to a model or in an error,
    the number shows only its last two digits and the text not at all; debug logs keep it all.
    """
    caplog.set_level(logging.DEBUG, logger="custom_components.ovh_http2sms")
    texts: list[str] = []
    for heard in ("by voice", "by a model", "by an action"):
        message = f"The garage door is open, sent {heard}"
        reason = f"Invalid receiver 0033612345678 for text {message}"
        simulator.inject(
            Fault(
                kind=FaultKind.MALFORMED,
                body=json.dumps({"status": status, "message": reason}),
            )
        )
        if heard == "by voice":
            texts.append(await _say(hass, f"text Alice: {message}", "en"))
        elif heard == "by a model":
            result = await _call_tool(hass, {"contact": "Alice", "message": message})
            assert result.error
            texts.append(json_bytes(result.data).decode())
        else:
            with pytest.raises(HomeAssistantError) as raised:
                await async_notify(hass, "notify.alice", message)
            texts.append(str(raised.value))
        assert "78" in texts[-1], texts[-1]  # the number is recognisable, nothing more
        for private in ("0033612345678", "612345678", message, "garage door"):
            assert private not in texts[-1], texts[-1]
    assert simulator.outbox == []
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("0033612345678 for text The garage door" in line for line in debug)


@pytest.mark.parametrize(
    ("message", "shown", "count"),
    [
        ("我家的门开着请回来", "我, 家, 的", "9"),
        ("Код двери 4821 открыт", "К, о, д", "10"),
        ("Door open ☕", "☕", "1"),
    ],
)
async def test_characters_a_7_bit_account_cannot_carry_are_never_repeated_aloud(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    message: str,
    shown: str,
    count: str,
) -> None:
    """The person who typed the text sees a few of them; voice and a model hear none."""
    entry = account_entry(simulator.endpoint, coding="gsm7")
    await hass.config.async_update(country="FR")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    async_expose_entity(hass, conversation.DOMAIN, "notify.alice", True)

    with pytest.raises(HomeAssistantError) as raised:
        await async_notify(hass, "notify.alice", message)
    answer = await _say(hass, f"text Alice: {message}", "en")
    answer_fr = await _say(hass, f"Envoie un SMS à Alice : {message}", "fr")
    result = await _call_tool(hass, {"contact": "Alice", "message": message})

    assert raised.value.translation_placeholders == {
        "count": count,
        "characters": shown,
    }
    assert answer == (
        "The SMS to Alice was not sent: the account sends only in the 7-bit alphabet,"
        " and the message has characters it cannot carry."
    )
    assert answer_fr.startswith("Le SMS à Alice n’a pas été envoyé")
    assert result.error
    outside = {char for char in message if not char.isascii()}
    for text in (answer, answer_fr, json_bytes(result.data).decode()):
        assert not outside & set(text), text
    assert simulator.requests == []


async def test_a_7_bit_refusal_read_later_holds_none_of_the_characters(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """The failure repair issue and the failed event name none of the message's characters."""
    entry = account_entry(simulator.endpoint, coding="gsm7")
    await hass.config.async_update(country="FR")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    failed = async_capture_events(hass, EVENT_SMS_FAILED)
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "drill": {
                    "sequence": [
                        {
                            "action": "notify.send_message",
                            "target": {"entity_id": "notify.alice"},
                            "data": {"message": "我家的门开着请回来"},
                        }
                    ]
                }
            }
        },
    )

    await hass.services.async_call("script", "drill", blocking=False)
    await hass.async_block_till_done()

    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"send_failed_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "send_failed_input"
    assert not set("我家的门开着请回来") & set(
        json.dumps(
            [issue.translation_placeholders, [event.data for event in failed]],
            ensure_ascii=False,
        )
    )
    assert [event.data["reason"] for event in failed] == ["not_gsm7"]
    assert simulator.requests == []


@pytest.mark.parametrize(
    "sentence",
    [
        "SMS Alice",
        "text Alice:",
        "Envoie un SMS à Alice :   ",
        "text Alice: \ud800",
        "text Alice: bell \x07 rings",
        "text Alice: nul \x00 byte",
    ],
)
async def test_hostile_messages_are_refused_aloud(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    sentence: str,
) -> None:
    """Empty or unprintable messages are refused aloud, without a traceback or a request."""
    answer = await _say(hass, sentence, "en")

    assert answer
    assert "Traceback" not in answer
    assert "Sent" not in answer
    assert simulator.requests == []


# Typed or dictated text: plain words, what phones and speech-to-text add, and the worst.
MESSAGE_CHARS = st.one_of(
    st.sampled_from("abc xyz ,.:;!?'’…«»éçœ€🔥\n"),
    st.sampled_from(["\x00", "\x07", "\x1b", "\ud800", "\udfff", "\u200b", "\ufeff"]),
    st.characters(codec="utf-8"),
)
MESSAGES = st.one_of(
    st.text(MESSAGE_CHARS, max_size=60),
    st.builds(
        lambda word, count: word * count,
        st.sampled_from(["a ", "é ", "🔥"]),
        st.integers(0, 700),
    ),
)


async def test_whatever_is_dictated_is_sent_once_or_refused_aloud(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Any message after "text Alice:" sends one SMS with it, or gets a spoken refusal.

    Hypothesis runs in the executor and each example on the hass loop, as in test_bad_input.
    The answer always goes out as JSON, as the HTTP conversation API sends it.
    """
    hass.config_entries.async_update_entry(
        assist, options={CONF_MAX_SENDS_PER_SECOND: 100_000}
    )
    await hass.async_block_till_done()
    refusals = {
        text.partition("{")[0]
        for text in (
            *(
                text
                for key, text in (await _texts(hass, "en", "common")).items()
                if key.startswith(f"component.{DOMAIN}.common.assist_")
            ),
            *(await _texts(hass, "en", "exceptions")).values(),
        )
    }

    async def example(message: str) -> None:
        simulator.reset()
        result = await conversation.async_converse(
            hass, f"text Alice: {message}", None, Context(), language="en"
        )
        answer = result.response.speech["plain"]["speech"]
        json_bytes(result.as_dict())
        if answer.startswith("Sent to Alice"):
            [sms] = simulator.outbox
            assert sms.recipient == "0033612345678"
            assert sms.message.strip()
        else:
            assert any(answer.startswith(refusal) for refusal in refusals), answer
            assert simulator.outbox == []

    @given(MESSAGES)
    def property_holds(message: str) -> None:
        asyncio.run_coroutine_threadsafe(example(message), hass.loop).result()

    await hass.async_add_executor_job(property_holds)


async def _texts(hass: HomeAssistant, language: str, category: str) -> dict[str, str]:
    return await translation.async_get_translations(hass, language, category, [DOMAIN])


async def test_the_credit_is_not_a_sentence_of_this_integration(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Sentences about SMS credit fall through to Home Assistant's own intents."""
    answer = await _say(hass, "combien de crédits SMS me reste-t-il ?", "fr")

    assert "SMS envoyé" not in answer
    assert simulator.requests == []


async def test_the_credit_answers_home_assistant_s_own_questions_once_exposed(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The credit sensor, exposed with an alias, answers the built-in "what is" sentences.

    Home Assistant has no "how many ... are left" sentence for a sensor: that question is not
    understood, which docs/voice.md says.
    """
    await _say(hass, "SMS Alice: hi", "en")
    credit = "sensor.sms_ab1234_1_credits"
    async_expose_entity(hass, conversation.DOMAIN, credit, True)
    er.async_get(hass).async_update_entity(
        credit, aliases=[er.COMPUTED_NAME, "SMS credits", "crédits SMS"]
    )
    await hass.async_block_till_done()

    assert "99" in await _say(hass, "what is the SMS credits", "en")
    assert "99" in await _say(hass, "quelle est la valeur de crédits SMS", "fr")
    assert "99" not in await _say(hass, "combien de crédits SMS me reste-t-il ?", "fr")
    # An LLM reads it with Home Assistant's own live context tool.
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _llm_context())
    live = await api.async_call_tool(
        llm.ToolInput(tool_name="homeassistant__GetLiveContext", tool_args={})
    )
    assert "SMS credits" in str(live.data)
    assert "99" in str(live.data)
    assert len(simulator.outbox) == 1


def test_the_message_keeps_the_punctuation_the_matcher_dropped() -> None:
    """The matcher hands over words; the SMS is the text as typed, or the words if they differ."""
    assert original_tail("Text Alice: hi, it’s me!", "Alice hi it s me") == (
        "Alice: hi, it’s me!"
    )
    assert original_tail("Text Alice: hi", "Alice hi") == "Alice: hi"
    assert original_tail("Alice", "Alice") == "Alice"
    assert original_tail("Text Alice: 8 pm", "Alice eight pm") == "Alice eight pm"
    assert original_tail("pm", "Alice pm") == "Alice pm"


# --- The LLM tool -----------------------------------------------------------------------------


async def test_the_tool_is_offered_only_while_a_contact_is_exposed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The LLM tool is offered only while at least one contact is exposed."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})

    assert TOOL not in await _tool_names(hass)

    async_expose_entity(hass, conversation.DOMAIN, "notify.alice", True)
    assert TOOL in await _tool_names(hass)

    async_expose_entity(hass, conversation.DOMAIN, "notify.alice", False)
    assert TOOL not in await _tool_names(hass)


async def test_the_tool_describes_cost_limits_and_contacts(
    hass: HomeAssistant, assist: MockConfigEntry
) -> None:
    """The LLM tool describes the cost, the part limit and offers only exposed contacts."""
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _llm_context())
    [tool] = [tool for tool in api.tools if tool.name == TOOL]

    assert tool.description is not None
    assert "costs money" in tool.description
    assert "6 parts" in tool.description
    assert not tool.annotations.read_only
    assert tool.annotations.open_world
    schema = probatio.to_openapi(
        tool.parameters, custom_serializer=api.custom_serializer
    )
    assert set(schema["required"]) == {"contact", "message"}
    # Only exposed contacts are offered: Bob is not.
    assert sorted(schema["properties"]["contact"]["enum"]) == [
        "Alice",
        "Paul Martin",
        "Paula Martin",
        "Zoé",
    ]


async def test_the_tool_sends_exactly_one_sms(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A tool call sends exactly one SMS and answers in the request's language."""
    result = await _call_tool(
        hass, {"contact": "Alice", "message": "The door is open"}, language="fr"
    )

    assert not result.error
    assert result.data["speech"]["plain"]["speech"] == "SMS envoyé à Alice."
    assert result.data["speech_slots"]["parts"] == 1
    [sms] = simulator.outbox
    assert sms.recipient == "0033612345678"
    assert sms.message == "The door is open"


async def test_the_tool_does_not_show_the_credit(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The README promises the model cannot see the credit through this tool."""
    result = await _call_tool(hass, {"contact": "Alice", "message": "The door is open"})

    assert not result.error
    credit = assist.runtime_data.account.credit
    assert credit is not None  # the send did report one: there is something to hide
    shown = json_bytes(result.data).decode()
    assert "credit" not in shown.lower(), shown
    assert f"{float(credit):g}" not in shown, shown


@pytest.mark.parametrize(
    "args",
    [
        {"contact": "Alice"},
        {"contact": "Alice", "message": "   "},
        {"message": "hi"},
        {"contact": "Charlie", "message": "hi"},
        {"contact": "Bob", "message": "hi"},
        {"contact": "Alice", "message": "hi", "flash": True},
        {"contact": "Alice", "message": "hi", "number": "+33612345678"},
    ],
)
async def test_the_tool_validates_its_arguments(
    hass: HomeAssistant,
    assist: MockConfigEntry,
    simulator: RunningSimulator,
    args: dict[str, Any],
) -> None:
    """Missing, unknown or extra tool arguments are refused without a request."""
    with pytest.raises(probatio.Invalid):
        await _call_tool(hass, args)

    assert simulator.requests == []


async def test_a_refused_send_is_a_tool_error_the_model_can_read(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A send refused by the integration is a tool error whose text the model can read."""
    result = await _call_tool(hass, {"contact": "Alice", "message": "x" * 1000})

    assert result.error
    assert "more than the 6 allowed" in result.data["speech"]["plain"]["speech"]
    assert simulator.requests == []


async def test_an_agent_s_tool_calls_go_through_home_assistant_s_chat_log(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """What an LLM agent does with the tool: each call answered, a bad one as an error.

    The model is the edge here: its tool calls are written as it would send them.
    """
    user_input = conversation.ConversationInput(
        text="Dis à Alice que la porte est ouverte",
        context=Context(),
        conversation_id=None,
        device_id=None,
        satellite_id=None,
        language="fr",
        agent_id="conversation.test_agent",
    )
    with (
        chat_session.async_get_chat_session(hass) as session,
        conversation.async_get_chat_log(hass, session, user_input) as chat_log,
    ):
        await chat_log.async_provide_llm_data(
            user_input.as_llm_context("test"), llm.LLM_API_ASSIST
        )
        results = [
            result.result
            async for result in chat_log.async_add_assistant_content(
                conversation.AssistantContent(
                    agent_id=user_input.agent_id,
                    tool_calls=[
                        llm.ToolInput(
                            id="good",
                            tool_name=TOOL,
                            tool_args={
                                "contact": "Alice",
                                "message": "La porte est ouverte",
                            },
                        ),
                        llm.ToolInput(
                            id="extra",
                            tool_name=TOOL,
                            tool_args={
                                "contact": "Alice",
                                "message": "Encore",
                                "flash": True,
                            },
                        ),
                    ],
                )
            )
        ]

    sent, refused = results
    assert not sent.error
    assert sent.data["speech"]["plain"]["speech"] == "SMS envoyé à Alice."
    assert refused.error
    assert refused.data["error"] == "MultipleInvalid"
    [sms] = simulator.outbox
    assert sms.message == "La porte est ouverte"


async def test_the_intent_refuses_an_unexposed_contact_whoever_calls_it(
    hass: HomeAssistant, assist: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The intent checks exposure itself, also when called outside the LLM tool."""
    response = await intent.async_handle(
        hass,
        "test",
        "OvhHttp2SmsSend",
        {"contact": {"value": "Bob"}, "message": {"value": "hi"}},
        language="en",
        assistant=conversation.DOMAIN,
    )

    assert response.response_type is intent.IntentResponseType.ERROR
    assert simulator.requests == []
