"""The send_sms action: one request for every recipient, checks before sending, a response."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_http2sms.const import (
    CONF_CODING,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_PARTS,
    CONF_REPLACE_CHARACTERS,
    DOMAIN,
)
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import ACCOUNT, LOGIN, async_send_sms
from .fault_helpers import assert_translated


async def test_several_numbers_in_one_request(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Several numbers are sent in one request, and the response says what was sent."""
    response = await async_send_sms(
        hass,
        recipients=["+33 6 12 34 56 78", "0033698765432", "07 81 23 45 67"],
        message="Alarm: front door opened",
        flash=True,
        tag="alarm",
    )

    assert len(simulator.requests) == 1
    assert [sms.recipient for sms in simulator.outbox] == [
        "0033612345678",
        "0033698765432",
        "0033781234567",
    ]
    assert all(sms.flash and sms.tag == "alarm" for sms in simulator.outbox)
    assert response == {
        "sms_ids": [str(sms.sms_id) for sms in simulator.outbox],
        "credits_left": 97.0,
        "parts": 1,
        "encoding": "gsm7",
        "recipients": ["0033612345678", "0033698765432", "0033781234567"],
        "replaced": [],
        "dropped": [],
        "requests": 1,
        "credits_estimate": 3,
        "dry_run": False,
        "suppressed": [],
    }
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "97"


async def test_contacts_and_numbers_together(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Contacts and numbers given together are sent in one request."""
    response = await async_send_sms(
        hass,
        contacts=["notify.alice", "notify.bob"],
        recipients=["0612345678"],
        message="Hi",
    )
    assert response["recipients"] == ["0033612345678", "00447911123456"]
    assert len(simulator.requests) == 1


async def test_unicode_when_needed_and_the_cost_in_parts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A message that needs Unicode is sent as Unicode, and the response gives its parts."""
    response = await async_send_sms(
        hass, recipients=["0612345678"], message="Fuite d’eau 💧 " * 5
    )

    assert response["encoding"] == "unicode"
    assert response["parts"] == 2
    [sms] = simulator.outbox
    assert sms.parts == 2
    assert simulator.requests[0].params["smsCoding"] == "2"


async def test_replace_characters_option_saves_parts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The replace option swaps or drops characters so the message stays in GSM 7-bit."""
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_REPLACE_CHARACTERS: "replace_and_drop"}
    )
    await hass.async_block_till_done()

    response = await async_send_sms(
        hass, recipients=["0612345678"], message="L’alarme… s’est déclenchée 🚨"
    )

    assert response["encoding"] == "gsm7"
    assert {"from": "’", "to": "'"} in response["replaced"]
    assert response["dropped"] == ["🚨"]
    assert simulator.outbox[0].message.rstrip() == "L'alarme... s'est déclenchée"


async def test_deferred_is_sent_in_paris_time(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A deferred send is passed to the gateway in Paris time."""
    moment = datetime(2030, 7, 14, 6, 30, tzinfo=ZoneInfo("UTC"))
    await async_send_sms(
        hass, recipients=["0612345678"], message="Wake up", deferred=moment
    )

    assert simulator.requests[0].params["deferred"] == "083014072030"


NUMBER = "06 12 34 56 78"
# Everything a send refuses before any request: (id, the action's data, the error's key).
REFUSED_INPUT = [
    ("no_recipients", {"recipients": [], "message": "x"}, "no_recipients"),
    (
        "short_number",
        {"recipients": ["+33 6 12"], "message": "x"},
        "invalid_phone_number",
    ),
    (
        "premium_rate",
        {"recipients": ["+33 8 99 23 45 67"], "message": "x"},
        "premium_rate_number",
    ),
    (
        "unknown_contact",
        {"contacts": ["notify.nobody"], "message": "x"},
        "unknown_contact",
    ),
    (
        "long_sender",
        {"message": "x", "sender": "Far too long sender"},
        "invalid_sender",
    ),
    ("spaces_only_sender", {"message": "x", "sender": "   "}, "invalid_sender"),
    (
        "deferred_in_past",
        {"message": "x", "deferred": "2001-01-01 10:00"},
        "deferred_in_past",
    ),
    ("not_gsm7", {"message": "ça va", "coding": "gsm7"}, "not_gsm7"),
    ("too_many_parts", {"message": "x" * 919}, "too_many_parts_gsm7"),
    (
        "lone_high_surrogate",
        {"message": "Door \ud83d open"},
        "message_invalid_character",
    ),
    (
        "lone_low_surrogate_in_title",
        {"message": "Door open", "title": "Alarm \udfff"},
        "title_invalid_character",
    ),
    ("nul", {"message": "Door\x00open"}, "message_invalid_character"),
    ("bell", {"message": "Bell \x07"}, "message_invalid_character"),
    ("c1_control", {"message": "C1 \x85 control"}, "message_invalid_character"),
    ("only_invisible", {"message": "\u200b\u200b\ufeff\u2060"}, "empty_message"),
    ("only_spaces", {"message": " \r\n\t "}, "empty_message"),
    (
        "surrogate_in_tag",
        {"message": "ok", "tag": "tag\ud800"},
        "tag_invalid_character",
    ),
    ("escape_in_tag", {"message": "ok", "tag": "t\x1b"}, "tag_invalid_character"),
    ("long_tag", {"message": "ok", "tag": "x" * 21}, "tag_too_long"),
]


@pytest.mark.parametrize("dry_run", [False, True], ids=["send", "dry_run"])
@pytest.mark.parametrize(
    ("data", "key"),
    [pytest.param(data, key, id=case) for case, data, key in REFUSED_INPUT],
)
async def test_bad_input_is_refused_translated_before_any_request(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
    dry_run: bool,
) -> None:
    """Each is a translated validation error naming the problem, a dry run's too; nothing is sent."""
    if "contacts" not in data:
        data = {"recipients": [NUMBER], **data}
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(hass, **data, dry_run=dry_run)
    assert_translated(raised.value, key, validation=True)
    str(raised.value).encode("utf-8")
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("data", "key", "position"),
    [
        ({"title": "Alarm", "message": "ab\x07"}, "message_invalid_character", "3"),
        ({"message": "ab\r\ncd\x01"}, "message_invalid_character", "7"),
        ({"title": "Al\x07", "message": "Door open"}, "title_invalid_character", "3"),
    ],
    ids=["after_a_title", "after_a_crlf", "in_the_title"],
)
async def test_a_character_that_cannot_be_sent_is_placed_where_the_user_typed_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
    position: str,
) -> None:
    """The position counts the characters of the field it is in, as they were written."""
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(hass, recipients=[NUMBER], **data)
    assert raised.value.translation_key == key
    assert raised.value.translation_placeholders["position"] == position
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("sender", "shown"),
    [
        ("   ", "U+0020 U+0020 U+0020"),
        ("\t", "U+0009"),
        (" \u00a0 ", "U+0020 U+00A0 U+0020"),
    ],
    ids=["spaces", "tab", "no_break_space"],
)
async def test_a_blank_sender_is_named_in_its_error(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    sender: str,
    shown: str,
) -> None:
    """The error says what was given, invisible characters spelled out, not an empty name."""
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(hass, recipients=[NUMBER], message="x", sender=sender)
    assert raised.value.translation_key == "invalid_sender"
    assert raised.value.translation_placeholders == {"sender": shown}
    assert simulator.requests == []


async def test_part_limit_from_options(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A message over the part limit set in the options is refused before any request."""
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_MAX_PARTS: 1, CONF_CODING: "unicode"}
    )
    await hass.async_block_till_done()

    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(hass, recipients=["0612345678"], message="x" * 71)
    assert raised.value.translation_key == "too_many_parts_unicode"
    assert raised.value.translation_placeholders == {"parts": "2", "max_parts": "1"}
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("fault", "error", "key"),
    [
        (Fault(kind=FaultKind.UNKNOWN_STATUS), HomeAssistantError, "service_refused"),
        (
            Fault(kind=FaultKind.MALFORMED, after_send=True),
            HomeAssistantError,
            "invalid_response",
        ),
        (
            Fault(kind=FaultKind.RESET, after_send=True),
            HomeAssistantError,
            "connection_broken",
        ),
        (Fault(kind=FaultKind.RATE_LIMIT, limit=0), HomeAssistantError, "rate_limited"),
        (
            Fault(kind=FaultKind.HTTP_ERROR, http_status=500),
            HomeAssistantError,
            "http_error_unknown_outcome",
        ),
    ],
)
async def test_service_faults_reach_the_caller(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    fault: Fault,
    error: type[Exception],
    key: str,
) -> None:
    """A gateway fault raises a translated error; the next send goes through."""
    simulator.inject(fault)
    with pytest.raises(error) as raised:
        await async_send_sms(hass, recipients=["0612345678"], message="Smoke detected")
    assert raised.value.translation_key == key
    assert len(simulator.requests) == 1

    await async_send_sms(
        hass, recipients=["0612345678"], message="Smoke detected again"
    )
    assert len(simulator.requests) == 2


async def test_refused_sender_and_invalid_values(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An unknown sender and values the gateway rejects raise translated errors."""
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(
            hass, recipients=["0612345678"], message="x", sender="Other"
        )
    assert raised.value.translation_key == "sender_not_found"

    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(
            hass,
            recipients=["0612345678"],
            message="x",
            sender_for_response=True,
            flash=False,
            no_stop=True,
            title="See https://example.org",
        )
    assert raised.value.translation_key == "invalid_parameter"


async def test_wrong_password_starts_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A wrong password on a send raises a translated error and starts reauthentication."""
    simulator.state.account(ACCOUNT).users[LOGIN].password = "Changed1"

    with pytest.raises(HomeAssistantError) as raised:
        await async_send_sms(hass, recipients=["0612345678"], message="x")

    assert raised.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"


async def test_low_credit_issue_comes_and_goes(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Low credit raises a repair issue, kept on reload, gone with more credit or on unload."""
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_LOW_CREDIT_THRESHOLD: 50}
    )
    await hass.async_block_till_done()
    issue_id = f"low_credit_{init_integration.entry_id}"
    simulator.state.set_credit(ACCOUNT, 50)

    await async_send_sms(hass, recipients=["0612345678"], message="Low")
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "account": ACCOUNT,
        "credits": "49",
        "threshold": "50",
    }

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    simulator.state.set_credit(ACCOUNT, 500)
    await async_send_sms(hass, recipients=["0612345678"], message="High")
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None

    simulator.state.set_credit(ACCOUNT, 20)
    await async_send_sms(hass, recipients=["0612345678"], message="Low again")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_beyond_100_numbers_two_requests_and_a_partial_failure_is_loud(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Over 100 numbers take two requests; if the second fails, the error says what was sent."""
    numbers = [f"06123456{index:02d}" for index in range(100)]
    numbers += [f"06123457{index:02d}" for index in range(50)]

    with pytest.raises(HomeAssistantError) as raised:
        await async_send_sms(hass, recipients=numbers, message="Storm warning")

    assert raised.value.translation_key == "partially_sent"
    assert raised.value.translation_placeholders == {
        "accepted": "100",
        "unknown": "0",
        "not_sent": "50",
        "total": "150",
    }
    assert len(simulator.requests) == 2
    assert len(simulator.outbox) == 100
