"""The logbook shows every SMS and reply, translated, without its text or its number.

The logbook is rendered by the server in Home Assistant's language; lines are attached to the
contact when one contact was the target, to the account's credit sensor otherwise.
"""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.logbook import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

import custom_components.ovh_http2sms as integration
from custom_components.ovh_http2sms.const import (
    CONF_DAILY_BUDGET,
    CONF_MAX_PARTS,
    CONF_REPEAT_WINDOW,
    DOMAIN,
)
from custom_components.ovh_http2sms.errors import send_error
from custom_components.ovh_http2sms.events import async_fire_failed
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import ENTRY_ID, async_notify, async_send_sms

LANGUAGES = ("en", "fr", "es", "it", "pl")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The logbook needs the recorder, which must start before Home Assistant does."""


async def _logbook(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "logbook/get_events", "start_time": "2000-01-01T00:00:00+00:00"}
    )
    result = await client.receive_json()
    assert result["success"], result
    return [entry for entry in result["result"] if entry.get("domain") == DOMAIN]


@pytest.mark.parametrize(
    ("language", "sent_to_alice", "sent_to_numbers", "failed"),
    [
        (
            "en",
            "SMS sent: 2 parts, Unicode",
            "SMS sent to 2 recipients: 1 part, 7-bit",
            "SMS not sent: OVHcloud refused it",
        ),
        (
            "fr",
            "SMS envoyé\u00a0: 2 parties, Unicode",
            "SMS envoyé à 2 destinataires\u00a0: 1 partie, 7 bits",
            "SMS non envoyé\u00a0: OVHcloud l’a refusé",
        ),
    ],
)
async def test_the_logbook_shows_each_sms_translated_without_text_or_number(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    language: str,
    sent_to_alice: str,
    sent_to_numbers: str,
    failed: str,
) -> None:
    """Attached to the contact, or to the account's credit; failures with a short reason."""
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()

    await async_notify(hass, "notify.alice", "Secret text é’ " * 8)
    await async_send_sms(
        hass, recipients=["06 98 76 54 32", "+44 7911 123456"], message="Leak"
    )
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=202))
    with pytest.raises(HomeAssistantError):
        await async_notify(hass, "notify.alice", "Refused")
    await hass.async_block_till_done()

    entries = await _logbook(hass, hass_ws_client)
    assert [(e.get("entity_id"), e["message"]) for e in entries] == [
        ("notify.alice", sent_to_alice),
        ("sensor.sms_ab1234_1_credits", sent_to_numbers),
        ("notify.alice", failed),
    ]
    shown = repr(entries)
    for private in ("Secret", "Leak", "Refused", "612345678", "698765432", "7911"):
        assert private not in shown


@pytest.mark.parametrize(
    ("language", "delivered", "failed", "replied", "stranger"),
    [
        (
            "en",
            "SMS delivered (8 s)",
            "SMS could not be delivered",
            "replied by SMS",
            "SMS received from a number ending in 32",
        ),
        (
            "fr",
            "SMS remis (8\u00a0s)",
            "SMS non remis",
            "a répondu par SMS",
            "SMS reçu d’un numéro finissant par 32",
        ),
        (
            "pl",
            "SMS dostarczony (8\u00a0s)",
            "Nie udało się dostarczyć SMS-a",
            "odpowiedział(a) SMS-em",
            "SMS odebrany z numeru kończącego się na 32",
        ),
    ],
)
@pytest.mark.freeze_time("2026-12-01 10:00:00+00:00", tick=True)
async def test_the_logbook_says_what_arrived_and_who_replied_never_what(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    language: str,
    delivered: str,
    failed: str,
    replied: str,
    stranger: str,
) -> None:
    """Alice's SMS delivered (with how long), Bob's not; who replied, never the reply."""
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    url = f"/api/webhook/{init_integration.data[CONF_WEBHOOK_ID]}"
    [to_alice] = (
        await async_send_sms(hass, contacts=["notify.alice"], message="Secret one")
    )["sms_ids"]
    [to_bob] = (
        await async_send_sms(hass, contacts=["notify.bob"], message="Secret two")
    )["sms_ids"]
    # The contact's notify entity says when it got its SMS.
    sent_at = dt_util.parse_datetime(hass.states.get("notify.alice").state)
    # The clock ticks on (the recorder needs it): 7.6 s rounds to 8 s for almost a second.
    freezer.move_to(sent_at + timedelta(seconds=7, milliseconds=600))
    await client.get(url, params={"id": to_alice, "description": "1"})
    await client.get(url, params={"id": to_bob, "dlr": "2"})
    await client.post(
        url, data={"id": "77", "senderid": "+33612345678", "message": "Secret OK"}
    )
    await client.post(
        url, data={"id": "78", "senderid": "+33698765432", "message": "Secret who"}
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    entries = await _logbook(hass, hass_ws_client)
    arrived = [
        (e.get("entity_id"), e["message"])
        for e in entries
        if e["message"] in (delivered, failed, replied, stranger)
    ]
    assert arrived == [
        ("notify.alice", delivered),
        ("notify.bob", failed),
        ("notify.alice", replied),
        ("event.sms_ab1234_1_sms_received", stranger),
    ]
    shown = repr(entries)
    for private in ("Secret", "612345678", "6987654", "7911", "webhook"):
        assert private not in shown


async def test_a_report_after_a_change_of_language_is_told_in_the_new_one(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """Set up in French, switched to Italian before the report: the line is in Italian."""
    await hass.config.async_update(language="fr")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    [sms_id] = (
        await async_send_sms(hass, contacts=["notify.alice"], message="Secret")
    )["sms_ids"]
    await hass.config.async_update(language="it")
    await hass.async_block_till_done()
    url = f"/api/webhook/{init_integration.data[CONF_WEBHOOK_ID]}"
    await client.get(url, params={"id": sms_id, "dlr": "2"})
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    entries = await _logbook(hass, hass_ws_client)
    assert ("notify.alice", "Impossibile consegnare l’SMS") in [
        (e.get("entity_id"), e["message"]) for e in entries
    ]


# The logbook line of each kind of failure, in English: each says what really happened.
FAILURE_LINES = {
    "budget": "SMS not sent: the daily budget is reached",
    "part_limit": "SMS not sent: the message needs more parts than allowed",
    "number": "SMS not sent: a phone number cannot be used",
    "no_recipient": "SMS not sent: no phone number or contact was given",
    "contact": "SMS not sent: the contact's number must be fixed first",
    "sender": "SMS not sent: the sender is not accepted",
    "input": "SMS not sent: the message, its tag or its time cannot be sent",
    "refused": "SMS not sent: OVHcloud refused it",
    "authentication": "SMS not sent: OVHcloud refused the SMS user",
    "unreachable": "SMS not sent: OVHcloud could not be reached",
    "no_answer": "SMS may have been sent: no clear answer from OVHcloud, not sent again",
    "partial": "SMS sent to only some recipients: the others did not get it or may have",
    "stopped": "SMS not sent: the account was removed or Home Assistant was stopping",
    "unexpected": "SMS not sent: unexpected error",
}
# One error each kind of failure is made of (the send path raises these).
ERROR_OF_KIND = {
    "budget": "daily_budget_reached",
    "part_limit": "too_many_parts_unicode",
    "number": "toll_free_number",
    "no_recipient": "no_recipients",
    "contact": "contact_number_to_fix",
    "sender": "sender_not_found",
    "input": "deferred_in_past",
    "refused": "rate_limited",
    "authentication": "authentication_failed",
    "unreachable": "cannot_connect",
    "no_answer": "connection_broken",
    "partial": "partially_sent",
    "stopped": "stopping",
    "unexpected": "unknown_error",
}


def _logbook_line(language: str, kind: str) -> str:
    path = Path(integration.__file__).parent / "translations" / f"{language}.json"
    common: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["common"]
    return common[f"logbook_failed_{kind}"]


def test_each_kind_of_failure_has_its_own_line_in_every_language() -> None:
    """No two kinds share a line, and each language says it in its own words."""
    for language in LANGUAGES:
        lines = [_logbook_line(language, kind) for kind in FAILURE_LINES]
        assert len(set(lines)) == len(lines), language
        if language != "en":
            assert not set(lines) & set(FAILURE_LINES.values()), language
    assert [_logbook_line("en", kind) for kind in FAILURE_LINES] == list(
        FAILURE_LINES.values()
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_kind_of_failure_reads_its_own_reason(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
    language: str,
) -> None:
    """The failed event of each kind of error becomes that kind's line, in the home's language."""
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    for key in ERROR_OF_KIND.values():
        async_fire_failed(
            hass,
            entry_id=ENTRY_ID,
            contacts=["notify.alice"],
            recipients=1,
            err=send_error(key),
            context=None,
        )
    await hass.async_block_till_done()

    entries = await _logbook(hass, hass_ws_client)
    assert [entry["message"] for entry in entries] == [
        _logbook_line(language, kind) for kind in ERROR_OF_KIND
    ]


async def _refuse_by_budget(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    await async_send_sms(
        hass, recipients=["06 98 76 54 32", "06 11 22 33 44"], message="Hi"
    )


async def _refuse_by_part_limit(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    await async_notify(hass, "notify.alice", "x" * 200)


async def _refuse_a_number(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    await async_send_sms(hass, recipients=["06 12"], message="Hi")


async def _refuse_a_sender(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    await async_send_sms(
        hass, recipients=["06 98 76 54 32"], message="Hi", sender="Not a sender!"
    )


async def _refuse_a_tag(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    await async_send_sms(
        hass, recipients=["06 98 76 54 32"], message="Hi", tag="x" * 30
    )


async def _gateway_refuses(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=999))
    await async_notify(hass, "notify.alice", "Hi")


async def _gateway_refuses_the_user(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=401))
    await async_notify(hass, "notify.alice", "Hi")


async def _gateway_answers_nonsense(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    simulator.inject(Fault(kind=FaultKind.MALFORMED, after_send=True))
    await async_notify(hass, "notify.alice", "Hi")


REAL_REFUSALS = {
    "budget": _refuse_by_budget,
    "part_limit": _refuse_by_part_limit,
    "number": _refuse_a_number,
    "sender": _refuse_a_sender,
    "input": _refuse_a_tag,
    "refused": _gateway_refuses,
    "authentication": _gateway_refuses_the_user,
    "no_answer": _gateway_answers_nonsense,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", REAL_REFUSALS)
async def test_a_refused_send_shows_its_own_reason(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    kind: str,
    language: str,
) -> None:
    """A send refused by the budget, a limit, the input or OVHcloud reads why in the logbook."""
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_DAILY_BUDGET: 1, CONF_MAX_PARTS: 1}
    )
    await hass.async_block_till_done()
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})

    with pytest.raises(HomeAssistantError):
        await REAL_REFUSALS[kind](hass, simulator)
    await hass.async_block_till_done()

    [entry] = await _logbook(hass, hass_ws_client)
    assert entry["message"] == _logbook_line(language, kind)
    if language == "en":
        assert entry["message"] == FAILURE_LINES[kind]


async def test_the_lines_follow_a_change_of_language(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """Lines are read in the language Home Assistant has when the logbook is shown."""
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()
    async_fire_failed(
        hass,
        entry_id=ENTRY_ID,
        contacts=["notify.alice"],
        recipients=1,
        err=send_error("daily_budget_reached"),
        context=None,
    )
    await hass.async_block_till_done()
    assert [e["message"] for e in await _logbook(hass, hass_ws_client)] == [
        FAILURE_LINES["budget"]
    ]

    await hass.config.async_update(language="pl")
    await hass.async_block_till_done()
    assert [e["message"] for e in await _logbook(hass, hass_ws_client)] == [
        "SMS niewysłany: osiągnięto dzienny budżet"
    ]


@pytest.mark.parametrize(
    ("language", "to_alice", "to_numbers"),
    [
        (
            "en",
            (
                "SMS not sent again: this very text already went to this number within the"
                " repeat guard's window"
            ),
            (
                "SMS not sent again to 2 recipients: they already got this very text within the"
                " repeat guard's window"
            ),
        ),
        (
            "fr",
            (
                "SMS non renvoyé\u00a0: ce même texte est déjà parti vers ce numéro dans le délai"
                " de l’anti-répétition"
            ),
            (
                "SMS non renvoyé à 2 destinataires\u00a0: ils ont déjà reçu ce même texte dans le"
                " délai de l’anti-répétition"
            ),
        ),
        (
            "es",
            (
                "SMS no reenviado: este mismo texto ya se envió a este número dentro del plazo"
                " de la protección contra repeticiones"
            ),
            (
                "SMS no reenviado a 2 destinatarios: ya recibieron este mismo texto dentro del"
                " plazo de la protección contra repeticiones"
            ),
        ),
        (
            "it",
            (
                "SMS non inviato di nuovo: questo stesso testo è già andato a questo numero"
                " entro la finestra della protezione dalle ripetizioni"
            ),
            (
                "SMS non inviato di nuovo a 2 destinatari: hanno già ricevuto questo stesso"
                " testo entro la finestra della protezione dalle ripetizioni"
            ),
        ),
        (
            "pl",
            (
                "SMS nie został wysłany ponownie: ten sam tekst trafił już na ten numer w oknie"
                " ochrony przed powtórzeniami"
            ),
            (
                "SMS nie został wysłany ponownie do odbiorców (2): dostali już ten sam tekst w"
                " oknie ochrony przed powtórzeniami"
            ),
        ),
    ],
)
async def test_a_repeat_held_back_says_so(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    language: str,
    to_alice: str,
    to_numbers: str,
) -> None:
    """The repeat guard's refusal reads as such, true for any window (up to a day)."""
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_REPEAT_WINDOW: 1440}
    )
    await hass.async_block_till_done()
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    numbers = ["06 98 76 54 32", "06 11 22 33 44"]

    for _ in range(2):
        await async_notify(hass, "notify.alice", "Door open")
        await async_send_sms(hass, recipients=numbers, message="Door open")
    await hass.async_block_till_done()

    entries = await _logbook(hass, hass_ws_client)
    assert [(e.get("entity_id"), e["message"]) for e in entries][2:] == [
        ("notify.alice", to_alice),
        ("sensor.sms_ab1234_1_credits", to_numbers),
    ]
    assert len(simulator.outbox) == 3
