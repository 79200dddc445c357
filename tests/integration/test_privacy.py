"""Nothing personal where others can read it.

The gateway's reason, once masked, keeps no number beyond its last two digits and no piece of
the text that was sent; the privacy scan (tests/privacy_scan.py) finds a planted leak in every
place a person or a model reads.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.components import conversation, webhook
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import intent, issue_registry as ir, llm
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import voluptuous as vol

from custom_components.ovh_http2sms.const import (
    CONF_LOW_CREDIT_THRESHOLD,
    DOMAIN,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_FAILED,
    EVENT_SMS_RECEIVED,
)
from custom_components.ovh_http2sms.errors import MAX_REASON_LENGTH, private_reason
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator
from tests.privacy_scan import (
    DIAGNOSTICS,
    ERROR,
    EVENT,
    ISSUE,
    LLM,
    LOG,
    LOGBOOK,
    PLACES,
    SPOKEN,
    PrivacyWatch,
    Private,
    as_json,
    find_leaks,
    record_texts,
)

from .conftest import account_entry, async_notify, async_send_sms


@pytest.mark.parametrize(
    ("reason", "sent", "shown"),
    [
        (
            "Invalid receiver 0033612345678 for text Door open",
            ("Door open", "0033612345678"),
            "Invalid receiver …78 for text …",
        ),
        ("Invalid receiver +33 6 12 34 56 78", (), "Invalid receiver …78"),
        ("Invalid receiver 06.12.34.56.78", (), "Invalid receiver …78"),
        ("Invalid sender 33612345678", (), "Invalid sender …78"),
        ("+33 6 12 34 56 7 is not valid", (), "…67 is not valid"),
        # The text echoed in another letter case, cut short, or only in part.
        ("Bad text: DOOR OPEN", ("Door open",), "Bad text: …"),
        ("Bad text 'The door is op'", ("The door is open now",), "Bad text '…'"),
        # What OVHcloud writes itself stays readable.
        ("Invalid tag: is too long", ("hi",), "Invalid tag: is too long"),
        ("Missing message", (), "Missing message"),
        ("Invalid deferred time", ("",), "Invalid deferred time"),
        # Letters whose case folding changes the length.
        ("Straße ßß gesperrt", ("STRASSE",), "… ßß gesperrt"),
        ("Bad STRASSE", ("Straße",), "Bad …"),
        ("", ("x",), ""),
    ],
)
def test_the_gateway_s_reason_is_masked(
    reason: str, sent: tuple[str, ...], shown: str
) -> None:
    """Numbers keep their last two digits; what was sent is an ellipsis; OVH's words stay."""
    assert private_reason(reason, sent) == shown


def test_a_huge_echo_is_masked_at_once() -> None:
    """A reason repeating a 1,600-character text is masked whole, without a long loop."""
    text = "la porte est ouverte, " * 73
    masked = private_reason(f"Invalid text {text} 0612345678", (text,))

    assert masked == "Invalid text… …78"


# A number as a refusal may quote it, whatever separates its digits.
QUOTED_NUMBERS = [
    "06/12/34/56/78",
    "06 - 12 - 34 - 56 - 78",
    "06\u201012\u201034\u201056\u201078",
    "06\u221212\u221234\u221256\u221278",
    "06  12  34  56  78",
    "06, 12, 34, 56, 78",
    "0\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
    "+33 (0)6 12 34 56 78",
    "(+33) 612-345-678",
    "\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
]


def _digits(text: str) -> str:
    """The digits of a text, each written 0-9 whatever its script."""
    return "".join(str(int(char)) for char in text if char.isdigit())


@pytest.mark.parametrize("quoted", QUOTED_NUMBERS)
def test_a_number_is_masked_whatever_separates_its_digits(quoted: str) -> None:
    """Slashes, dashes of any kind, commas, wide spaces, other digits: last two digits only."""
    masked = private_reason(f"Invalid receiver {quoted} today")

    assert masked == "Invalid receiver …78 today"


@pytest.mark.parametrize(
    "kept", ["Invalid tag: 12345", "Error 404, code 12 (retry)", "status 2026"]
)
def test_short_figures_stay_readable(kept: str) -> None:
    """Fewer than six digits is a code or a count, not a phone number."""
    assert private_reason(kept) == kept


@pytest.mark.parametrize("quoted", QUOTED_NUMBERS[:7])
async def test_a_refusal_quoting_the_number_is_shown_masked(
    hass: HomeAssistant,
    init_integration: Any,
    simulator: RunningSimulator,
    quoted: str,
) -> None:
    """The caller's error keeps only the number's last two digits."""
    _refuse(simulator, f"Invalid receiver {quoted}")

    with pytest.raises(HomeAssistantError) as raised:
        await async_notify(hass, "notify.alice", MESSAGE)

    assert "1234" not in _digits(str(raised.value))
    assert raised.value.translation_placeholders == {"reason": "Invalid receiver …78"}


async def test_a_huge_refusal_is_cut(
    hass: HomeAssistant, init_integration: Any, simulator: RunningSimulator
) -> None:
    """60,000 characters of reason make an error of a sentence or two, not a page."""
    _refuse(simulator, "Invalid parameter " + "x " * 30000)

    with pytest.raises(HomeAssistantError) as raised:
        await async_notify(hass, "notify.alice", MESSAGE)

    reason = (raised.value.translation_placeholders or {})["reason"]
    assert reason.startswith("Invalid parameter x x")
    assert reason.endswith("…")
    assert len(reason) <= MAX_REASON_LENGTH
    assert len(str(raised.value)) < 2 * MAX_REASON_LENGTH + 200


async def test_a_lone_surrogate_in_a_refusal_reaches_the_frontend(
    hass: HomeAssistant,
    init_integration: Any,
    simulator: RunningSimulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The websocket answer can be sent: a lone surrogate becomes U+FFFD."""
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body='{"status": 202, "message": "bad \\ud800 value"}',
        )
    )
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": "notify",
            "service": "send_message",
            "service_data": {"entity_id": "notify.alice", "message": MESSAGE},
        }
    )
    answer = await client.receive_json()

    assert not answer["success"]
    assert answer["error"]["translation_key"] == "invalid_parameter"
    assert answer["error"]["translation_placeholders"] == {"reason": "bad \ufffd value"}


@pytest.mark.parametrize(
    "typed",
    [
        "06/12/34/56/7",
        "06 - 12 - 34 - 56 - 7",
        "06\u201012\u201034\u201056\u20107",
        "\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667",
        "+33612345678999999999",
    ],
)
async def test_a_number_typed_wrong_is_shown_masked(
    hass: HomeAssistant,
    init_integration: Any,
    simulator: RunningSimulator,
    privacy: PrivacyWatch,
    typed: str,
) -> None:
    """The error about a number that cannot be used keeps its last two digits only."""
    privacy.private.add_number("0612345678")

    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(hass, recipients=[typed], message="Hello there friend")

    number = (raised.value.translation_placeholders or {})["number"]
    assert "1234" not in _digits(number)
    assert _digits(number)[-2:] == _digits(typed)[-2:]
    assert simulator.requests == []


def _refuse(simulator: RunningSimulator, reason: str, status: int = 202) -> None:
    """Make the gateway refuse the next request with `reason`."""
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=json.dumps({"status": status, "message": reason}),
        )
    )


# --- The scan finds a leak planted in each place ----------------------------------------------

NUMBER = "0033612345678"
# A number typed wrong (no country has code 999): still someone's digits.
TYPO_NUMBER = "+999 4821 77301"
MESSAGE = "The garage door is open"
# A text written without spaces.
UNSPACED_MESSAGE = "我家的门开着请回来"
WEBHOOK_ID = "a3f9c2e17b5d4e0f"
PASSWORD_WITH_SIGNS = "p@ss wörd&42"
# How each would leak: the number as people write it, part of the text, a secret.
LEAKS = {
    "number": "06.12.34.56.78",
    "number slashed": "06/12/34/56/78",
    "number dashed": "06 \u2013 12 \u2013 34 \u2013 56 \u2013 78",
    "number in fullwidth digits": "\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
    "number typed wrong": "999 4821 77301",
    "message": "door is open",
    "message without spaces": "门开着请回来",
    "secret": WEBHOOK_ID.upper(),
    "secret URL-encoded": "P%40SS%20W%C3%B6RD%2642",
    "secret form-encoded": "p%40ss+w%c3%b6rd%2642",
}


def _planted(privacy: PrivacyWatch) -> None:
    privacy.private.add_number(NUMBER)
    privacy.private.add_number(TYPO_NUMBER)
    privacy.private.add_message(MESSAGE)
    privacy.private.add_message(UNSPACED_MESSAGE)
    privacy.private.secrets.update({WEBHOOK_ID, PASSWORD_WITH_SIGNS})


async def _plant(hass: HomeAssistant, place: str, leak: str) -> None:
    """Put `leak` where `place` is read, through the same door the integration uses."""
    if place == SPOKEN:
        response = intent.IntentResponse(language="en")
        response.async_set_speech(f"Sent to Alice ({leak}).")
        await _converse_returning(hass, response)
    elif place == LLM:
        await _call_tool_returning(
            hass, llm.ToolResult(data={"speech": {"plain": {"speech": leak}}})
        )
    elif place == ISSUE:
        ir.async_create_issue(
            hass,
            DOMAIN,
            "planted",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="send_failed",
            translation_placeholders={
                "account": "sms-ab1234-1",
                "when": "2026-12-07 02:00:00",
                "caller": "Garage",
                "entity_id": "-",
                "reason": f"refused ({leak})",
            },
        )
    elif place in (LOGBOOK, EVENT):
        # The logbook names the one contact of a send by its entity id.
        hass.bus.async_fire(
            EVENT_SMS_FAILED,
            {
                "config_entry_id": "none",
                "contacts": [f"notify.{leak}"],
                "recipients": 1,
                "reason": "timeout",
                "outcome": "unknown",
            },
        )
    elif place == DIAGNOSTICS:
        # The integration's diagnostics, as a bug would write the sender unredacted.
        watch_diagnostics = {"entry": {"data": {"sender": leak}}}
        hass.data["privacy_planted"] = watch_diagnostics
    elif place == LOG:
        logging.getLogger("custom_components.ovh_http2sms.send").warning(
            "Sent to %s", leak
        )
    elif place == ERROR:

        async def fail(call: ServiceCall) -> None:
            raise HomeAssistantError(f"Refused: {leak}")

        hass.services.async_register("planted", "fail", fail)
        with pytest.raises(HomeAssistantError):
            await hass.services.async_call("planted", "fail", {}, blocking=True)
    await hass.async_block_till_done()


async def _converse_returning(
    hass: HomeAssistant, response: intent.IntentResponse
) -> None:
    """Handle an intent (one that answers `response`) as Assist does, through the watch."""
    handler = _AnsweringHandler(response)
    intent.async_register(hass, handler)
    await intent.async_handle(hass, "test", handler.intent_type)


class _AnsweringHandler(intent.IntentHandler):
    """An intent that answers a prepared response."""

    intent_type = "PlantedAnswer"

    def __init__(self, response: intent.IntentResponse) -> None:
        self.response = response

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        return self.response


async def _call_tool_returning(hass: HomeAssistant, result: llm.ToolResult) -> None:
    """Call a tool (one that returns `result`) through the Assist API, through the watch."""
    instance = llm.APIInstance(
        api=_PlantedApi(hass=hass, id="planted", name="Planted"),
        api_prompt="",
        llm_context=llm.LLMContext(
            platform="test",
            context=None,
            language="en",
            assistant=None,
            device_id=None,
        ),
        tools=[_ReturningTool(result)],
    )
    await instance.async_call_tool(llm.ToolInput(tool_name="planted", tool_args={}))


class _PlantedApi(llm.API):
    """An LLM API of one tool."""

    async def async_get_api_instance(
        self, llm_context: llm.LLMContext
    ) -> llm.APIInstance:
        raise NotImplementedError


class _ReturningTool(llm.Tool):
    """A tool that returns a prepared result."""

    name = "planted"
    parameters = vol.Schema({})

    def __init__(self, result: llm.ToolResult) -> None:
        self.result = result

    async def async_call(
        self,
        hass: HomeAssistant,
        tool_input: llm.ToolInput,
        llm_context: llm.LLMContext,
    ) -> llm.ToolResult:
        return self.result


@pytest.mark.parametrize("kind", list(LEAKS))
@pytest.mark.parametrize("place", PLACES)
async def test_the_scan_finds_a_leak_planted_in_each_place(
    hass: HomeAssistant, privacy: PrivacyWatch, place: str, kind: str
) -> None:
    """A number, a piece of the text or a secret, planted in any place, is reported there."""
    _planted(privacy)
    await _plant(hass, place, LEAKS[kind])
    if place == DIAGNOSTICS:
        privacy.add(DIAGNOSTICS, [as_json(hass.data.pop("privacy_planted"))])

    leaks = await privacy.async_leaks(hass)
    privacy.forget()

    assert [leak for leak in leaks if leak.place == place], leaks
    assert {leak.what.split(" ")[0] for leak in leaks} == {
        {"number": "phone", "message": "message", "secret": "a"}[kind.partition(" ")[0]]
    }, leaks


@pytest.mark.parametrize(
    "shown",
    [
        "Sent to +33 6 •• •• •• 78.",
        "Invalid receiver …78",
        "Sent to Alice.",
        "1 part of 160 characters",
        "Use the international form, like +33 6 12 34 56 78.",
        "3 characters such as 我, 家, 的",
        "OK",
        "Error 404, code 12 (retry at 10:30)",
    ],
)
async def test_the_scan_lets_what_may_be_shown_pass(
    hass: HomeAssistant, privacy: PrivacyWatch, shown: str
) -> None:
    """Masked numbers, names, figures and the translations' example are not leaks."""
    _planted(privacy)
    privacy.add(SPOKEN, [shown])
    logging.getLogger("custom_components.ovh_http2sms.send").debug(
        "Debug logs keep everything: %s, %s", NUMBER, MESSAGE
    )

    assert await privacy.async_leaks(hass) == []


def test_the_scan_reads_numbers_in_every_form() -> None:
    """Spaced, dotted, international or national: the same phone is recognised."""
    private = Private()
    private.add_number("06 12 34 56 78")
    for shown in ("+33612345678", "0033 6 12 34 56 78", "06-12-34-56-78", "612345678"):
        assert find_leaks([(LOG, f"to {shown}.")], private), shown
    assert find_leaks([(LOG, "id ACCOUNT0612345678")], private) == []


async def test_the_watch_reads_every_place_of_a_real_run(
    hass: HomeAssistant, privacy: PrivacyWatch, simulator: RunningSimulator
) -> None:
    """The scan is not blind: one real run fills every place it reads, and nothing leaks."""
    entry = account_entry(simulator.endpoint, **{CONF_LOW_CREDIT_THRESHOLD: 1e9})
    await hass.config.async_update(country="FR")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    async_expose_entity(hass, conversation.DOMAIN, "notify.alice", True)

    await conversation.async_converse(
        hass, "text Alice: the garage door is open", None, Context(), language="en"
    )
    api = await llm.async_get_api(
        hass,
        llm.LLM_API_ASSIST,
        llm.LLMContext(
            platform="test",
            context=Context(),
            language="en",
            assistant=conversation.DOMAIN,
            device_id=None,
        ),
    )
    await api.async_call_tool(
        llm.ToolInput(
            tool_name=f"{DOMAIN}__send_sms",
            tool_args={"contact": "Alice", "message": "the garage door is shut"},
        )
    )
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR, http_status=503))
    with pytest.raises(HomeAssistantError):
        await async_notify(hass, "notify.alice", "the garage door is open again")
    await privacy.async_read_entries(hass)

    places = {place for place, _ in privacy.texts}
    assert places >= {SPOKEN, LLM, ERROR, EVENT, LOGBOOK, DIAGNOSTICS}, places
    assert {issue["translation_key"] for issue in privacy.issues} == {"low_credit"}
    assert any("unreachable" in text for text in record_texts(privacy.records)), (
        "no INFO record was read"
    )
    assert privacy.private.messages >= {"the garage door is open"}
    assert "0033612345678" in privacy.private.numbers
    assert await privacy.async_leaks(hass) == []


async def test_a_refusal_echoing_the_number_stays_out_of_error_tracebacks(
    hass: HomeAssistant,
    privacy: PrivacyWatch,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed send nobody waited for is logged at ERROR with its causes: all masked."""
    entry = account_entry(simulator.endpoint)
    await hass.config.async_update(country="FR")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
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
                            "data": {"message": MESSAGE},
                        }
                    ]
                }
            }
        },
    )
    reason = f"Invalid receiver {NUMBER} for text {MESSAGE}"
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=json.dumps({"status": 999, "message": reason}),
        )
    )

    # Not waited for, as an automation would: Home Assistant logs the error, causes and all.
    await hass.services.async_call("script", "drill", blocking=False)
    await hass.async_block_till_done()

    privacy.private.add_message(MESSAGE)
    logged = record_texts(privacy.records)
    assert any("Traceback" in text and "…78" in text for text in logged), logged
    assert not [text for text in logged if NUMBER in text or MESSAGE in text]
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any(reason in line for line in debug)


async def test_a_refused_sender_that_looks_like_a_number_is_shown_masked(
    hass: HomeAssistant, privacy: PrivacyWatch, simulator: RunningSimulator
) -> None:
    """A sender may be someone's phone number: a refused one keeps only its last two digits."""
    entry = account_entry(simulator.endpoint)
    await hass.config.async_update(country="FR")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    privacy.private.add_number("+33 6 12 34 56 78")

    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(
            hass,
            recipients=["06 12 34 56 78"],
            message="Hello",
            sender="0033 6 12 34 56 78 99",
        )

    assert raised.value.translation_key == "invalid_sender"
    assert raised.value.translation_placeholders == {"sender": "…99"}
    assert simulator.requests == []


async def test_the_scan_knows_the_integration_s_webhook_ids(
    hass: HomeAssistant, privacy: PrivacyWatch
) -> None:
    """A webhook this integration registers is a secret the scan looks for by itself."""
    assert await async_setup_component(hass, "webhook", {})
    webhook.async_register(hass, DOMAIN, "Delivery reports", WEBHOOK_ID, _ignore)
    logging.getLogger("custom_components.ovh_http2sms").warning(
        "Reports arrive at /api/webhook/%s", WEBHOOK_ID
    )

    await privacy.async_read_entries(hass)
    leaks = await privacy.async_leaks(hass)
    privacy.forget()

    assert [leak.what for leak in leaks] == ["a secret"]


async def test_the_scan_knows_the_webhook_id_an_account_keeps(
    hass: HomeAssistant, privacy: PrivacyWatch, init_integration: MockConfigEntry
) -> None:
    """The webhook id an account stored is a secret, even once the account is unloaded."""
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    logging.getLogger("custom_components.ovh_http2sms").warning(
        "Reports arrive at /api/webhook/%s", webhook_id
    )

    await privacy.async_read_entries(hass)
    leaks = await privacy.async_leaks(hass)
    privacy.forget()

    assert [leak.what for leak in leaks] == ["a secret"]


async def test_only_a_reply_s_sender_and_text_are_left_to_automations(
    hass: HomeAssistant, privacy: PrivacyWatch, init_integration: MockConfigEntry
) -> None:
    """A reply's event carries who sent it and what it says; any other field or event must not."""
    privacy.private.add_message("Yes, the door is closed")
    reply = {
        "entry_id": init_integration.entry_id,
        "sender": "+33612345678",
        "message": "Yes, the door is closed",
        "contact": "notify.alice",
    }

    hass.bus.async_fire(EVENT_SMS_RECEIVED, reply)
    await hass.async_block_till_done()
    await privacy.async_read_entries(hass)
    assert await privacy.async_leaks(hass) == []

    hass.bus.async_fire(EVENT_SMS_RECEIVED, {**reply, "tag": "+33612345678"})
    hass.bus.async_fire(EVENT_SMS_DELIVERY, {"sender": "+33612345678"})
    hass.bus.async_fire(EVENT_SMS_DELIVERY, {"message": "Yes, the door is closed"})
    await hass.async_block_till_done()
    leaks = await privacy.async_leaks(hass)
    privacy.forget()

    assert sorted((leak.place, leak.what.split(" ")[0]) for leak in leaks) == [
        (EVENT, "message"),
        (EVENT, "phone"),
        (EVENT, "phone"),
    ]


async def _ignore(hass: HomeAssistant, webhook_id: str, request: Any) -> None:
    """A webhook handler that does nothing."""
