"""
What OVHcloud calls back with, through Home Assistant's own webhook: delivery reports and replies.

Every request goes through `/api/webhook/<id>` as OVHcloud (or a stranger who learned the URL)
makes it. What a user checks is seen from outside: the contact's delivery sensor, the events
an automation triggers on, the "SMS received" event entity, the notify entity's last message,
and the diagnostics' figures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp.test_utils import TestClient
from homeassistant.components import conversation, webhook as ha_webhook
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_NAME, CONF_WEBHOOK_ID
from homeassistant.core import Context, Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_bytes
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_http2sms import rate_limit
from custom_components.ovh_http2sms.account import ACCOUNTS
from custom_components.ovh_http2sms.config_flow import entry_unique_id
from custom_components.ovh_http2sms.const import (
    CONF_LOGIN,
    CONF_NO_STOP,
    CONF_PHONE_NUMBER,
    DOMAIN,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_RECEIVED,
)
from custom_components.ovh_http2sms.http2sms import MAX_CALLBACK_BYTES
from custom_components.ovh_http2sms.notify import ContactNotifyEntity
from custom_components.ovh_http2sms.sensor import DeliverySensor
from http2sms_simulator import Account, Fault, FaultKind, SimulatorState, SmsUser
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SENDER
from tests.privacy_scan import EVENT, LOG, Leak, PrivacyWatch

from .conftest import (
    ENTRY_ID,
    account_entry,
    async_add_contact,
    async_notify,
    async_send_sms,
)
from .fault_helpers import FAST_PACE, async_setup, observed_simulator

ALICE = "0033612345678"
STRANGER = "+33798765432"
SECOND_ENTRY_ID = "01KAOVHSMS0SECONDUSER00000"
SECOND_LOGIN = "alarmUser2"
SECOND_PASSWORD = "Zy8wQp3L"


# --- Helpers ---------------------------------------------------------------------------------


def _delivery_sensor(
    hass: HomeAssistant, contact: str = "alice", entry_id: str = ENTRY_ID
) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry_id}_contact_{contact}_delivery"
    )
    assert entity_id is not None
    return entity_id


def _received_entity(hass: HomeAssistant, entry_id: str = ENTRY_ID) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "event", DOMAIN, f"{entry_id}_received"
    )
    assert entity_id is not None
    return entity_id


def _url(entry: MockConfigEntry) -> str:
    return f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"


async def _report(
    client: TestClient,
    entry: MockConfigEntry,
    sms_id: str,
    code: str = "1",
    *,
    name: str = "description",
    ptt: str = "4",
) -> None:
    """Call the webhook as the SMS user's Callback URL does: a GET query."""
    params = {"id": sms_id, "ptt": ptt, "date": "2026-12-01 10:00:08", name: code}
    if name == "description":
        params["descriptionDlr"] = "DELIVRD"
    response = await client.get(_url(entry), params=params)
    assert response.status == 200


async def _reply(
    client: TestClient,
    entry: MockConfigEntry,
    sender: str,
    message: str,
    *,
    sms_id: str = "900001",
    in_query: bool = False,
    tag: str = "",
) -> None:
    """Call the webhook as "Call a CGI" does: a form POST (or the same fields in the query)."""
    fields = {
        "id": sms_id,
        "senderid": sender,
        "message": message,
        "keyword": message.split(maxsplit=1)[0] if message.split() else "",
        "shortcode": "38xxx",
        "tag": tag,
    }
    if in_query:
        response = await client.post(_url(entry), params=fields)
    else:
        response = await client.post(_url(entry), data=fields)
    assert response.status == 200


async def _sent_to_alice(hass: HomeAssistant, message: str) -> str:
    response = await async_send_sms(hass, contacts=["notify.alice"], message=message)
    [sms_id] = response["sms_ids"]
    return str(sms_id)


async def _reports_in_use(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """OVHcloud's reports reach this Home Assistant: one came, for an SMS to Bob."""
    response = await async_send_sms(hass, contacts=["notify.bob"], message="Reports")
    [sms_id] = response["sms_ids"]
    await _report(client, entry, str(sms_id), "1")
    await hass.async_block_till_done()


async def _figures(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, int]:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    return diagnostics["callbacks"]


def _two_users_state() -> SimulatorState:
    return SimulatorState(
        [
            Account(
                name=ACCOUNT,
                credit=1_000_000,
                users={
                    LOGIN: SmsUser(password=PASSWORD),
                    SECOND_LOGIN: SmsUser(password=SECOND_PASSWORD),
                },
                senders=[SENDER],
            )
        ]
    )


async def _restart(hass: HomeAssistant, entries: list[MockConfigEntry]) -> None:
    """What a restart does to the account: every entry goes, a new account reads the Store."""
    for entry in entries:
        assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass.data.pop(ACCOUNTS)
    for entry in entries:
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def client(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> TestClient:
    """An HTTP client without credentials: what OVHcloud, or anyone, calls the URL with.

    Diagnostics are set up first: Home Assistant's router takes no new view once serving.
    """
    assert await async_setup_component(hass, "diagnostics", {})
    return await hass_client_no_auth()


# --- The webhook's id ------------------------------------------------------------------------


async def test_an_old_entry_gets_a_webhook_id_and_keeps_it_across_restarts(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An entry saved before delivery reports existed is given a secret id, once."""
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    assert len(webhook_id) >= 32
    await _restart(hass, [init_integration])
    assert init_integration.data[CONF_WEBHOOK_ID] == webhook_id


# --- Delivery reports ------------------------------------------------------------------------


async def test_until_a_report_comes_the_last_sms_sensor_is_left_unknown(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
) -> None:
    """No report yet, nothing says OVHcloud sends any: SMS leave the sensor alone, unwritten.

    The first report brings it to life on the contact's last SMS, whichever SMS it is about.
    """
    sensor = _delivery_sensor(hass)
    changes = async_capture_events(hass, "state_changed")
    await async_notify(hass, "notify.alice", "First")
    older = await _sent_to_alice(hass, "Second")
    last = await _sent_to_alice(hass, "Third")
    await hass.async_block_till_done()

    assert [e for e in changes if e.data["entity_id"] == sensor] == []
    state = hass.states.get(sensor)
    assert (state.state, state.attributes.get("sms_id")) == ("unknown", None)
    assert (await _figures(hass, hass_client, init_integration))[
        "reports_received"
    ] is False

    await _report(client, init_integration, older, "1")
    await hass.async_block_till_done()
    state = hass.states.get(sensor)
    assert (state.state, state.attributes["sms_id"]) == ("unknown", last)

    await _report(client, init_integration, last, "2")
    await hass.async_block_till_done()
    state = hass.states.get(sensor)
    assert (state.state, state.attributes["sms_id"]) == ("failed", last)
    assert (await _figures(hass, hass_client, init_integration))[
        "reports_received"
    ] is True


@pytest.mark.parametrize(
    "reported",
    [
        pytest.param(("notify.bob",), id="another-contact-s-sms"),
        pytest.param((), id="an-sms-to-no-contact"),
    ],
)
async def test_the_first_report_brings_every_contact_s_sensor_to_life(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    reported: tuple[str, ...],
) -> None:
    """Whatever SMS the first report is about, Alice's sensor shows her last SMS at once.

    What it shows then is what a restart shows: nothing waits for a report about her SMS.
    """
    to_alice = await _sent_to_alice(hass, "To Alice")
    response = await async_send_sms(
        hass,
        **(
            {"contacts": list(reported)}
            if reported
            else {"recipients": ["+33 7 98 76 54 32"]}
        ),
        message="Reported",
    )
    [other] = response["sms_ids"]

    await _report(client, init_integration, str(other), "1")
    await hass.async_block_till_done()
    state = hass.states.get(_delivery_sensor(hass))
    shown = (state.state, state.attributes.get("sms_id"))
    await _restart(hass, [init_integration])
    state = hass.states.get(_delivery_sensor(hass))

    assert shown == ("unknown", to_alice)
    assert (state.state, state.attributes.get("sms_id")) == shown


@pytest.mark.parametrize(
    "reports_before", [False, True], ids=["first-report-after", "reports-before"]
)
async def test_an_sms_that_may_have_been_sent_leaves_the_sensor_alike_now_and_after_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    simulator: RunningSimulator,
    reports_before: bool,
) -> None:
    """Alice's second SMS left but its reply broke: no id came back, no report will come.

    Her sensor stays on the SMS OVHcloud accepted, live as after a restart.
    """
    first = await _sent_to_alice(hass, "First")
    if reports_before:
        await _report(client, init_integration, first, "1")
    simulator.state.inject(Fault(kind=FaultKind.RESET, after_send=True))
    with pytest.raises(HomeAssistantError):
        await _sent_to_alice(hass, "Second")
    if not reports_before:
        await _reports_in_use(hass, client, init_integration)
    await hass.async_block_till_done()
    state = hass.states.get(_delivery_sensor(hass))
    live = (
        state.state,
        state.attributes.get("sms_id"),
        state.attributes.get("sent_at"),
    )

    await _restart(hass, [init_integration])
    state = hass.states.get(_delivery_sensor(hass))

    assert live[:2] == ("delivered" if reports_before else "unknown", first)
    assert (state.state, state.attributes.get("sms_id")) == live[:2]


async def test_once_reports_came_the_sensor_is_each_sms_s_right_after_the_action(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Even after a restart: an automation reading the sensor after sending finds its SMS."""
    await _reports_in_use(hass, client, init_integration)
    await _restart(hass, [init_integration])

    for message in ("Leak", "Leak again"):
        sms_id = await _sent_to_alice(hass, message)
        state = hass.states.get(_delivery_sensor(hass))
        assert (state.state, state.attributes["sms_id"]) == ("unknown", sms_id)


@pytest.mark.freeze_time("2026-12-01 10:00:00+00:00", tick=True)
async def test_a_delivered_report_turns_the_contact_s_sensor_and_fires_the_event(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    freezer: Any,
) -> None:
    """Alice's SMS turns "delivered" with how long it took; the event names no number, no text.

    Reports are in use: right after the action, the sensor is this SMS's (no status yet).
    """
    await _reports_in_use(hass, client, init_integration)
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    sms_id = await _sent_to_alice(hass, "Water leak in the cellar")
    sensor = _delivery_sensor(hass)
    sent = hass.states.get(sensor)
    assert sent.state == "unknown"
    assert sent.attributes["sent_at"] is not None
    assert sent.attributes["sms_id"] == sms_id

    # The clock ticks on: 7.6 s rounds to 8 s for almost a second more.
    freezer.move_to(
        dt_util.parse_datetime(sent.attributes["sent_at"])
        + timedelta(seconds=7, milliseconds=600)
    )
    await _report(client, init_integration, sms_id, "0", ptt="1")
    await hass.async_block_till_done()
    assert hass.states.get(sensor).state == "pending"
    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()

    state = hass.states.get(sensor)
    assert state.state == "delivered"
    assert state.attributes["delay"] == 8
    assert state.attributes["sent_at"] == sent.attributes["sent_at"]
    assert state.attributes["status_at"] is not None
    assert [event.data["status"] for event in deliveries] == ["pending", "delivered"]
    delivered = deliveries[-1].data
    assert delivered == {
        "entry_id": ENTRY_ID,
        "sms_id": sms_id,
        "status": "delivered",
        "ptt": "4",
        "contact": "notify.alice",
        "tag": None,
        "sent_at": sent.attributes["sent_at"],
        "delay": 8,
    }
    assert "Water" not in str(state.attributes)


@pytest.mark.freeze_time("2026-12-01 10:00:00+00:00", tick=True)
async def test_a_deferred_sms_s_delay_counts_from_its_planned_time(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    freezer: Any,
) -> None:
    """Planned for 11:00, delivered at 11:00:05: it took 5 s, not an hour."""
    planned = dt_util.parse_datetime("2026-12-01 11:00:00+00:00")
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    response = await async_send_sms(
        hass, contacts=["notify.alice"], message="Later", deferred=planned
    )
    [sms_id] = response["sms_ids"]
    # The clock ticks on: 4.6 s rounds to 5 s for almost a second more.
    freezer.move_to(planned + timedelta(seconds=4, milliseconds=600))
    await _report(client, init_integration, str(sms_id), "1")
    await hass.async_block_till_done()
    assert [event.data["delay"] for event in deliveries] == [5]
    assert hass.states.get(_delivery_sensor(hass)).attributes["delay"] == 5


@pytest.mark.parametrize(
    ("name", "code", "status"),
    [
        ("description", "2", "failed"),
        ("dlr", "2", "failed"),
        ("dlr", "16", "not_billed"),
        ("description", "4", "waiting"),
        ("description", "8", "buffered"),
    ],
)
async def test_every_status_by_either_callback_s_field_name(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    name: str,
    code: str,
    status: str,
) -> None:
    """The SMS user's `description` and the account's `dlr` say the same."""
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    sms_id = await _sent_to_alice(hass, "Door open")
    await _report(client, init_integration, sms_id, code, name=name, ptt="5")
    await hass.async_block_till_done()
    assert hass.states.get(_delivery_sensor(hass)).state == status
    assert [event.data["status"] for event in deliveries] == [status]


async def test_a_late_pending_never_undoes_delivered_and_a_duplicate_fires_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Out of order and twice: delivered stays delivered, one event."""
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    sms_id = await _sent_to_alice(hass, "Smoke alarm")
    await _report(client, init_integration, sms_id, "1")
    await _report(client, init_integration, sms_id, "1")
    await _report(client, init_integration, sms_id, "0", ptt="1")
    await _report(client, init_integration, sms_id, "2", ptt="5")
    await hass.async_block_till_done()
    assert hass.states.get(_delivery_sensor(hass)).state == "delivered"
    assert [event.data["status"] for event in deliveries] == ["delivered"]


async def test_a_report_for_an_earlier_sms_leaves_the_sensor_on_the_last_one(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """The sensor is the last SMS's: the first one's report fires its event and moves nothing."""
    await _reports_in_use(hass, client, init_integration)
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    first = await _sent_to_alice(hass, "Water leak in the cellar")
    last = await _sent_to_alice(hass, "Water leak stopped")
    changes = async_capture_events(hass, "state_changed")

    await _report(client, init_integration, first, "2", ptt="5")
    await hass.async_block_till_done()

    state = hass.states.get(_delivery_sensor(hass))
    assert (state.state, state.attributes["sms_id"]) == ("unknown", last)
    assert [(event.data["sms_id"], event.data["status"]) for event in deliveries] == [
        (first, "failed")
    ]
    assert [event.data["entity_id"] for event in changes] == []

    await _report(client, init_integration, last, "1")
    await hass.async_block_till_done()
    state = hass.states.get(_delivery_sensor(hass))
    assert (state.state, state.attributes["sms_id"]) == ("delivered", last)


async def test_a_report_for_an_sms_this_home_did_not_send_is_counted_and_dropped(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
) -> None:
    """An unknown id changes nothing; diagnostics count it (figures only)."""
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    sms_id = await _sent_to_alice(hass, "Gate open")
    await _report(client, init_integration, "123456789")
    await _report(client, init_integration, sms_id, "1")
    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()
    assert [event.data["sms_id"] for event in deliveries] == [sms_id]
    figures = await _figures(hass, hass_client, init_integration)
    assert figures["reports_applied"] == 1
    assert figures["duplicates"] == 1
    assert figures["unknown_ids"] == 1


async def test_a_report_after_a_restart_matches_an_sms_sent_before_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """The record is saved: after a restart the sensor shows the last SMS, the report matches."""
    sms_id = await _sent_to_alice(hass, "Before the restart")
    await _report(client, init_integration, sms_id, "0", ptt="1")
    await _restart(hass, [init_integration])

    sensor = _delivery_sensor(hass)
    assert hass.states.get(sensor).state == "pending"
    assert hass.states.get(sensor).attributes["sent_at"] is not None

    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()
    assert hass.states.get(sensor).state == "delivered"
    assert [event.data["contact"] for event in deliveries] == ["notify.alice"]

    await _restart(hass, [init_integration])
    assert hass.states.get(sensor).state == "delivered"

    # The next SMS is the last one: nothing is known of it yet.
    await _sent_to_alice(hass, "After the restart")
    assert hass.states.get(sensor).state == "unknown"


async def test_get_and_post_both_carry_a_report(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """A report posted as a form (or half in the query) is read as well as a GET."""
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    first = await _sent_to_alice(hass, "First")
    second = await _sent_to_alice(hass, "Second")
    response = await client.post(
        _url(init_integration), data={"id": first, "description": "1"}
    )
    assert response.status == 200
    response = await client.post(
        _url(init_integration), params={"id": second}, data={"dlr": "2"}
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [(event.data["sms_id"], event.data["status"]) for event in deliveries] == [
        (first, "delivered"),
        (second, "failed"),
    ]


# --- Replies ---------------------------------------------------------------------------------


async def test_a_reply_from_a_contact_names_the_contact(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Alice replies "OK": the event carries her entity, her number and the message."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    sms_id = await _sent_to_alice(hass, "Water leak, reply OK")
    await _reply(client, init_integration, "+33612345678", "OK merci", sms_id=sms_id)
    await hass.async_block_till_done()

    [event] = received
    assert event.data == {
        "entry_id": ENTRY_ID,
        "message": "OK merci",
        "sender": "+33612345678",
        "contact": "notify.alice",
        "keyword": "OK",
        "short_code": "38xxx",
        "tag": None,
        "sms_id": sms_id,
        "in_reply_to": sms_id,
    }
    state = hass.states.get(_received_entity(hass))
    assert state.attributes["event_type"] == "received"
    assert state.attributes["contact"] == "notify.alice"
    assert "OK merci" not in str(state.attributes)
    assert "612345678" not in str(state.attributes)


async def test_a_reply_names_who_has_the_number_now(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Alice changed number and Carol has her old one: Carol's reply to that SMS is Carol's."""
    sms_id = await _sent_to_alice(hass, "To Alice's old number")
    result = await init_integration.start_subentry_reconfigure_flow(
        hass, "contact_alice"
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alice", CONF_PHONE_NUMBER: "06 98 76 54 32", CONF_NO_STOP: True},
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    result = await async_add_contact(hass, init_integration, "Carol", "06 12 34 56 78")
    assert result["type"] == "create_entry"
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)

    await _reply(client, init_integration, "+33612345678", "Who?", sms_id=sms_id)
    await hass.async_block_till_done()

    assert [(e.data["in_reply_to"], e.data["contact"]) for e in received] == [
        (sms_id, "notify.carol")
    ]


@pytest.mark.parametrize("in_query", [False, True], ids=["form", "query"])
async def test_a_reply_from_a_stranger_has_no_contact(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    privacy: PrivacyWatch,
    in_query: bool,
) -> None:
    """A number that is no contact: the event says so; its number is in international form.

    The reply's tag holds Alice's number on purpose: the event hands it to automations as
    written, the entity shows none of it.
    """
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    await _reply(
        client,
        init_integration,
        "0798765432",
        "Who is this?",
        in_query=in_query,
        tag="call 0612345678",
    )
    await hass.async_block_till_done()
    [event] = received
    assert event.data["sender"] == STRANGER
    assert event.data["contact"] is None
    assert event.data["in_reply_to"] is None
    assert event.data["tag"] == "call 0612345678"
    state = hass.states.get(_received_entity(hass))
    assert state.attributes["contact"] is None
    assert state.attributes["sender_last_digits"] == "32"
    assert state.attributes["tag"] is None
    assert "Who" not in str(state.attributes)
    assert "0612345678" not in str(state.attributes)
    leaks = await _leaks_and_forget(hass, privacy)
    assert [(leak.place, leak.what) for leak in leaks] == [
        (EVENT, "phone number '0612345678'")
    ]


async def test_a_reply_of_1600_unicode_characters_is_received(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """The longest reply, percent-encoded (about 19 KiB), is not mistaken for a flood."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    message = "€漢" * 800
    body = "&".join(
        f"{name}={quote(value, safe='')}"
        for name, value in {
            "id": "900002",
            "senderid": "+33612345678",
            "message": message,
        }.items()
    )
    assert len(body) > 3 * MAX_CALLBACK_BYTES // 2
    response = await client.post(
        _url(init_integration),
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [event.data["message"] for event in received] == [message]


@pytest.mark.parametrize("in_query", [False, True], ids=["form", "query"])
async def test_broken_utf_8_never_reaches_the_recorder_broken(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    in_query: bool,
) -> None:
    """A lone surrogate or invalid UTF-8 in a reply is shown as �; the event can be stored."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    encoded = "id=5&senderid=%2B33798765432&message=A%ED%A0%80B%FF&keyword=%ED%B0%80"
    if in_query:
        response = await client.post(f"{_url(init_integration)}?{encoded}")
    else:
        response = await client.post(
            _url(init_integration),
            data=encoded,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status == 200
    await hass.async_block_till_done()
    [event] = received
    assert event.data["message"].startswith("A")
    assert event.data["message"].endswith("\ufffd")
    json_bytes(event.data)


# --- What a stranger can send ----------------------------------------------------------------


async def test_an_oversized_body_is_answered_and_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
) -> None:
    """A body far over OVHcloud's largest gets its 200, fires nothing and is counted."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    response = await client.post(
        _url(init_integration),
        data={"id": "1", "senderid": "+33612345678", "message": "x" * 200_000},
    )
    assert response.status == 200
    response = await client.post(
        _url(init_integration),
        data={"id": "1", "senderid": "+33612345678", "message": "x" * 9000},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert received == []
    figures = await _figures(hass, hass_client, init_integration)
    assert figures["garbage"] == 2


async def test_past_a_burst_a_stranger_s_replies_are_dropped_and_counted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A leaked URL cannot fill the recorder with replies: 30 at once, then one every 10 s.

    A minute of 5 forged replies a second (the last at 59 s) fires 30 + 5 events; the rest are counted as
    dropped, said once in the log (without the URL), and a real report still gets through.
    """
    sms_id = await _sent_to_alice(hass, "Leak")
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    now = [1000.0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rate_limit, "monotonic", lambda: now[0])
        for second in range(60):
            for index in range(5):
                await _reply(
                    client, init_integration, STRANGER, f"spam {second} {index}"
                )
            now[0] += 1
        await _report(client, init_integration, sms_id, "1")
        await hass.async_block_till_done()
    assert len(received) == 30 + 5
    assert hass.states.get(_delivery_sensor(hass)).state == "delivered"
    figures = await _figures(hass, hass_client, init_integration)
    assert figures["replies"] == 35
    assert figures["dropped_by_rate"] == 300 - 35
    [warning] = [r for r in caplog.records if "faster than" in r.getMessage()]
    assert init_integration.data[CONF_WEBHOOK_ID] not in warning.getMessage()


async def test_a_garbage_flood_never_holds_back_a_real_report(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
) -> None:
    """A thousand requests of garbage in the same instant, then OVHcloud's report: applied."""
    sms_id = await _sent_to_alice(hass, "Water leak")
    now = [1000.0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rate_limit, "monotonic", lambda: now[0])
        for index in range(1000):
            await client.get(_url(init_integration), params={"x": str(index)})
        await _report(client, init_integration, sms_id, "1")
        await hass.async_block_till_done()
    assert hass.states.get(_delivery_sensor(hass)).state == "delivered"
    figures = await _figures(hass, hass_client, init_integration)
    assert figures["garbage"] == 1000
    assert figures["reports_applied"] == 1


async def test_every_real_report_gets_through_a_flood_of_unknown_ids(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
) -> None:
    """Twenty SMS reported pending then delivered, among 1,000 forged reports in one instant.

    Every SMS ends delivered with one event per status; the forged ones fire nothing.
    """
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    numbers = [f"+336{10000000 + index:08d}" for index in range(20)]
    response = await async_send_sms(hass, recipients=numbers, message="Flood test")
    ids = [str(sms_id) for sms_id in response["sms_ids"]]
    forged = [
        {"id": str(5_000_000_000 + index), "description": "1"} for index in range(500)
    ] + [{"x": str(index)} for index in range(500)]
    real = [{"id": sms_id, "description": "0", "ptt": "1"} for sms_id in ids] + [
        {"id": sms_id, "description": "1", "ptt": "4"} for sms_id in ids
    ]
    # 25 forged requests before each real one: the final reports come while the flood goes on.
    requests = []
    for index, params in enumerate(real):
        requests += forged[index * 25 : (index + 1) * 25]
        requests.append(params)
    now = [1000.0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rate_limit, "monotonic", lambda: now[0])
        for start in range(0, len(requests), 20):
            answers = await asyncio.gather(
                *(
                    client.get(_url(init_integration), params=params)
                    for params in requests[start : start + 20]
                )
            )
            assert {answer.status for answer in answers} == {200}
        await hass.async_block_till_done()
    assert len(requests) == 1040
    assert sorted(
        (event.data["sms_id"], event.data["status"]) for event in deliveries
    ) == sorted(
        [(sms_id, "pending") for sms_id in ids]
        + [(sms_id, "delivered") for sms_id in ids]
    )
    figures = await _figures(hass, hass_client, init_integration)
    assert (figures["unknown_ids"], figures["garbage"]) == (500, 500)
    assert figures["dropped_by_rate"] == 0


async def test_the_same_status_from_both_callbacks_is_one_change(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """The SMS user's callback (with ptt) and the account's (without) report each change.

    One event per status; the account's callback does not wipe the operator code.
    """
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    sms_id = await _sent_to_alice(hass, "Both callbacks")
    url = _url(init_integration)
    for params in (
        {"id": sms_id, "ptt": "1", "description": "0", "descriptionDlr": "ENROUTE"},
        {"id": sms_id, "dlr": "0"},
        {"id": sms_id, "ptt": "3", "description": "0", "descriptionDlr": "ACCEPTD"},
        {"id": sms_id, "dlr": "0"},
        {"id": sms_id, "dlr": "1"},
        {"id": sms_id, "ptt": "4", "description": "1", "descriptionDlr": "DELIVRD"},
    ):
        assert (await client.get(url, params=params)).status == 200
        await hass.async_block_till_done()
    assert [(e.data["status"], e.data["ptt"]) for e in deliveries] == [
        ("pending", "1"),
        ("delivered", "1"),
    ]
    assert hass.states.get(_delivery_sensor(hass)).state == "delivered"


# A request whose body cannot be read as it says: aiohttp raises while the body is read.
_UNREADABLE = {
    "gzip that is not": (
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 10\r\n\r\nid=1&a=bcd"
    ),
    "deflate that is not": (
        b"Content-Encoding: deflate\r\nContent-Length: 10\r\n\r\nid=1&a=bcd"
    ),
    "a body cut short": (
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100\r\n\r\nid=1&sen"
    ),
    "a chunk cut short": (
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n40\r\nid=1&sen"
    ),
}


@pytest.mark.parametrize("head", _UNREADABLE.values(), ids=_UNREADABLE.keys())
async def test_an_unreadable_body_is_garbage_and_never_logs_the_url(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    head: bytes,
) -> None:
    """Sent raw, as a stranger can: answered 200 and counted when an answer can go; no log line.

    The privacy scan (every integration test) then finds no line with the URL's id.
    """
    caplog.set_level(logging.INFO)
    counters = init_integration.runtime_data.account.deliveries.counters
    assert client.server is not None
    reader, writer = await asyncio.open_connection(
        client.server.host, client.server.port
    )
    writer.write(
        f"POST {_url(init_integration)} HTTP/1.1\r\nHost: x\r\n".encode() + head
    )
    await writer.drain()
    answered = head.endswith(b"bcd")
    if answered:
        assert (await reader.readline()).startswith(b"HTTP/1.1 200")
        assert counters.garbage == 1
    writer.close()
    if not answered:
        # Cut short, the request ends with the connection (aiohttp may cancel the handler):
        # what is checked is that nothing was logged, whatever the handler saw.
        await asyncio.sleep(0.5)
    await hass.async_block_till_done()
    # aiohttp's own server may still say the body was broken (no URL in its line).
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and r.name.startswith(("homeassistant", "custom_components"))
    ]


async def test_put_and_head_are_answered_200_counted_and_not_logged(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Methods OVHcloud never uses get the same 200 as anything else, and no log line."""
    caplog.set_level(logging.INFO)
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    form = {"id": "1", "senderid": STRANGER, "message": "OK"}
    for method in ("PUT", "HEAD"):
        response = await client.request(method, _url(init_integration), data=form)
        assert response.status == 200
    await hass.async_block_till_done()
    assert received == []
    figures = await _figures(hass, hass_client, init_integration)
    assert figures["garbage"] == 2
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    assert not [
        r
        for r in caplog.records
        if webhook_id in r.getMessage()
        and r.name.startswith(("homeassistant", "custom_components"))
    ]


async def test_a_removed_entry_s_url_answers_nothing_of_ours(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    privacy: PrivacyWatch,
) -> None:
    """Once the account is removed its URL fires nothing (Home Assistant still answers 200)."""
    sms_id = await _sent_to_alice(hass, "Before removal")
    events: list[Event] = []
    hass.bus.async_listen(EVENT_SMS_DELIVERY, events.append)
    hass.bus.async_listen(EVENT_SMS_RECEIVED, events.append)
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    caplog.clear()

    await _report(client, init_integration, sms_id, "1")
    await _reply(client, init_integration, "+33612345678", "OK")
    await hass.async_block_till_done()
    assert events == []
    assert not [r for r in caplog.records if r.name.startswith("custom_components")]
    assert _not_home_assistant_s_url_lines(await _leaks_and_forget(hass, privacy)) == []


async def test_a_reload_keeps_the_url_working(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Reloaded (an option changed, a contact added), the same URL still reports."""
    sms_id = await _sent_to_alice(hass, "Before the reload")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()
    assert hass.states.get(_delivery_sensor(hass)).state == "delivered"


async def test_an_unloaded_entry_s_url_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    privacy: PrivacyWatch,
) -> None:
    """Unloaded (disabled), the URL is not ours any more; loaded again, it is."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    await _reply(client, init_integration, "+33612345678", "OK")
    await hass.async_block_till_done()
    assert received == []
    assert _not_home_assistant_s_url_lines(await _leaks_and_forget(hass, privacy)) == []


# --- Two SMS users of one account ------------------------------------------------------------


async def test_two_sms_users_share_reports_and_replies(
    hass: HomeAssistant,
    socket_enabled: None,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A report at B's URL for A's SMS matches; a reply fires once, whoever's URL it reaches."""
    async with observed_simulator(_two_users_state()) as sim:
        first = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        second = await async_setup(
            hass,
            MockConfigEntry(
                domain=DOMAIN,
                entry_id=SECOND_ENTRY_ID,
                title=ACCOUNT,
                unique_id=entry_unique_id(ACCOUNT, SECOND_LOGIN),
                data={
                    **{
                        key: value
                        for key, value in first.data.items()
                        if key != CONF_WEBHOOK_ID
                    },
                    CONF_LOGIN: SECOND_LOGIN,
                    "password": SECOND_PASSWORD,
                },
                options=FAST_PACE,
            ),
        )
        assert first.data[CONF_WEBHOOK_ID] != second.data[CONF_WEBHOOK_ID]
        client = await hass_client_no_auth()
        deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
        received = async_capture_events(hass, EVENT_SMS_RECEIVED)

        sms_id = await _sent_to_alice(hass, "From the first SMS user")
        await _report(client, second, sms_id, "1")
        await _reply(client, second, "+33612345678", "OK", sms_id=sms_id)
        await hass.async_block_till_done()

        assert [event.data["entry_id"] for event in deliveries] == [ENTRY_ID]
        assert hass.states.get(_delivery_sensor(hass)).state == "delivered"
        assert [event.data["contact"] for event in received] == ["notify.alice"]
        assert [event.data["in_reply_to"] for event in received] == [sms_id]
        # The reply is the account's: each SMS user's "SMS received" entity shows it.
        for entry_id in (ENTRY_ID, SECOND_ENTRY_ID):
            state = hass.states.get(_received_entity(hass, entry_id))
            assert state.attributes["contact"] == "notify.alice"
        for entry in (first, second):
            assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_a_copied_entry_gets_its_own_url(
    hass: HomeAssistant,
    socket_enabled: None,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A second SMS user saved with the first one's data still sets up, with a URL of its own."""
    async with observed_simulator(_two_users_state()) as sim:
        first = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        webhook_id = first.data[CONF_WEBHOOK_ID]
        second = await async_setup(
            hass,
            MockConfigEntry(
                domain=DOMAIN,
                entry_id=SECOND_ENTRY_ID,
                title=ACCOUNT,
                unique_id=entry_unique_id(ACCOUNT, SECOND_LOGIN),
                data={
                    **first.data,
                    CONF_LOGIN: SECOND_LOGIN,
                    "password": SECOND_PASSWORD,
                },
                version=1,
                minor_version=3,
            ),
        )
        assert second.state is ConfigEntryState.LOADED
        assert first.data[CONF_WEBHOOK_ID] == webhook_id
        assert second.data[CONF_WEBHOOK_ID] != webhook_id
        client = await hass_client_no_auth()
        received = async_capture_events(hass, EVENT_SMS_RECEIVED)
        await _reply(client, first, STRANGER, "To the first")
        await _reply(client, second, STRANGER, "To the second")
        await hass.async_block_till_done()
        assert [event.data["entry_id"] for event in received] == [
            ENTRY_ID,
            SECOND_ENTRY_ID,
        ]
        for entry in (first, second):
            assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_home_assistant_cloud_s_requests_are_read_the_same(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A cloudhook hands the request over as a MockRequest: reports and replies still read."""
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    sms_id = await _sent_to_alice(hass, "Through the cloud")
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    response = await ha_webhook.async_handle_webhook(
        hass,
        webhook_id,
        MockRequest(
            content=b"",
            mock_source="cloud",
            method="GET",
            query_string=f"id={sms_id}&description=1",
        ),
    )
    assert response.status == 200
    response = await ha_webhook.async_handle_webhook(
        hass,
        webhook_id,
        MockRequest(
            content=b"id=5&senderid=%2B33612345678&message=OK",
            mock_source="cloud",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [event.data["status"] for event in deliveries] == ["delivered"]
    assert [event.data["contact"] for event in received] == ["notify.alice"]


# --- The notify entity's last message --------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(
            lambda hass: async_send_sms(
                hass, contacts=["notify.alice"], message="By the action"
            ),
            id="send_sms",
        ),
        pytest.param(
            lambda hass: async_notify(hass, "notify.alice", "By notify"),
            id="notify",
        ),
    ],
)
async def test_the_contact_s_last_message_is_true_whichever_way_it_went(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: Callable[[HomeAssistant], Awaitable[Any]],
) -> None:
    """The notify entity's state (time of the last message) moves with every SMS to it."""
    changes = async_capture_events(hass, "state_changed")
    await send(hass)
    await hass.async_block_till_done()
    alice = [e for e in changes if e.data["entity_id"] == "notify.alice"]
    assert len(alice) == 1
    assert alice[0].data["new_state"].state not in ("unknown", "unavailable")


async def test_renamed_contact_entities_follow_their_sms_and_no_other_contact_moves(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Renamed in the UI, Alice's entities still follow her SMS and its report; Bob's stay."""
    er.async_get(hass).async_update_entity(
        "notify.alice", new_entity_id="notify.alice_mobile"
    )
    await hass.async_block_till_done()
    changes = async_capture_events(hass, "state_changed")

    response = await async_send_sms(
        hass, contacts=["notify.alice_mobile"], message="Freezer door open"
    )
    [sms_id] = response["sms_ids"]
    await _report(client, init_integration, str(sms_id), "1")
    await hass.async_block_till_done()

    state = hass.states.get(_delivery_sensor(hass))
    assert state.state == "delivered"
    assert state.attributes["sms_id"] == str(sms_id)
    changed = {event.data["entity_id"] for event in changes}
    assert "notify.alice_mobile" in changed
    assert _delivery_sensor(hass, "bob") not in changed
    assert "notify.bob" not in changed


async def test_after_reloads_an_sms_wakes_its_contact_s_entities_once_and_no_one_else(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entities of a reloaded entry stop listening: each SMS and report is shown once, by its own."""
    for _ in range(2):
        assert await hass.config_entries.async_reload(init_integration.entry_id)
        await hass.async_block_till_done()
    await _reports_in_use(hass, client, init_integration)
    shown: list[str] = []
    for entity_class in (DeliverySensor, ContactNotifyEntity):
        write = entity_class.async_write_ha_state

        def counted(entity: Any, write: Callable[[Any], None] = write) -> None:
            shown.append(entity.entity_id)
            write(entity)

        monkeypatch.setattr(entity_class, "async_write_ha_state", counted)

    response = await async_send_sms(
        hass, contacts=["notify.alice"], message="Freezer door open"
    )
    [sms_id] = response["sms_ids"]
    await _report(client, init_integration, str(sms_id), "1")
    await hass.async_block_till_done()

    sensor = _delivery_sensor(hass)
    assert sorted(shown) == sorted(["notify.alice", sensor, sensor])
    assert hass.states.get(sensor).state == "delivered"


async def test_a_contact_entity_s_fault_never_fails_an_sms_that_left(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The sensor breaks while showing the SMS: the action still says sent, once, with its id."""
    await _reports_in_use(hass, client, init_integration)

    def broken(*_args: Any) -> None:
        raise RuntimeError("broken sensor")

    monkeypatch.setattr(DeliverySensor, "_show", broken)
    changes = async_capture_events(hass, "state_changed")

    response = await async_send_sms(
        hass, contacts=["notify.alice"], message="Freezer door open"
    )
    await hass.async_block_till_done()

    assert len(response["sms_ids"]) == 1
    assert "Error showing an SMS on its contact's entities" in caplog.text
    assert "notify.alice" in {event.data["entity_id"] for event in changes}


async def test_a_rename_between_the_send_and_its_report_loses_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Alice's notify entity renamed after her SMS left: the report still reaches her sensor."""
    sms_id = await _sent_to_alice(hass, "Freezer door open")
    er.async_get(hass).async_update_entity("notify.alice", new_entity_id="notify.mum")
    await hass.async_block_till_done()
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)

    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()

    assert hass.states.get(_delivery_sensor(hass)).state == "delivered"
    assert [event.data["contact"] for event in deliveries] == ["notify.mum"]


async def test_a_rename_while_the_sms_is_on_the_wire_loses_nothing(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    socket_enabled: None,
) -> None:
    """Renamed while the gateway takes its time: Alice's sensor and notify entity show the SMS."""
    async with observed_simulator() as simulator:
        entry = await async_setup(hass, account_entry(simulator.endpoint, **FAST_PACE))
        await _reports_in_use(hass, await hass_client_no_auth(), entry)
        simulator.inject(Fault(kind=FaultKind.DELAY, seconds=0.3, times=1))
        sending = hass.async_create_task(
            async_send_sms(hass, contacts=["notify.alice"], message="On the wire")
        )
        await asyncio.sleep(0.1)
        er.async_get(hass).async_update_entity(
            "notify.alice", new_entity_id="notify.mum"
        )
        [sms_id] = (await sending)["sms_ids"]
        await hass.async_block_till_done()
        sensor = hass.states.get(_delivery_sensor(hass))
        notify = hass.states.get("notify.mum")
        assert await hass.config_entries.async_unload(entry.entry_id)
    assert sensor.attributes["sms_id"] == str(sms_id)
    assert notify.state not in ("unknown", "unavailable")


async def test_a_new_contact_never_shows_a_removed_contact_s_sms(
    hass: HomeAssistant, init_integration: MockConfigEntry, client: TestClient
) -> None:
    """Alice removed, another "Alice" added (notify.alice again): nothing of the old SMS shows."""
    sms_id = await _sent_to_alice(hass, "For the old Alice only")
    assert hass.config_entries.async_remove_subentry(init_integration, "contact_alice")
    await hass.async_block_till_done()
    result = await async_add_contact(
        hass, init_integration, "Alice", "+33 6 98 76 54 32"
    )
    assert result["type"] == "create_entry"
    assert hass.states.get("notify.alice") is not None
    [new_sensor] = [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID)
        if entry.unique_id.endswith("_delivery")
        and not entry.unique_id.endswith(("contact_alice_delivery", "_bob_delivery"))
    ]
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    shown = hass.states.get(new_sensor)

    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()

    assert shown.state == "unknown"
    assert "sms_id" not in shown.attributes
    assert hass.states.get(new_sensor).state == "unknown"
    assert [event.data["contact"] for event in deliveries] == [None]


async def test_a_record_that_names_contacts_by_entity_id_is_read_with_their_keys(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_storage: dict[str, Any],
) -> None:
    """A record a development build saved (contact = "notify.alice") still serves Alice."""
    sms_id = await _sent_to_alice(hass, "Before the update")
    await _report(client, init_integration, sms_id, "0", ptt="1")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    [key] = [key for key in hass_storage if key.startswith(f"{DOMAIN}.sent")]
    for row in hass_storage[key]["data"]["records"]:
        row[8] = "notify.alice"
    hass.data.pop(ACCOUNTS)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    sensor = _delivery_sensor(hass)
    read_back = hass.states.get(sensor).state
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)

    await _report(client, init_integration, sms_id, "1")
    await hass.async_block_till_done()

    assert read_back == "pending"
    assert hass.states.get(sensor).state == "delivered"
    assert [event.data["contact"] for event in deliveries] == ["notify.alice"]


async def test_voice_updates_the_contact_s_last_message(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A sentence to Assist sends an SMS: Alice's notify entity says when."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, conversation.DOMAIN, {})
    await hass.async_block_till_done()
    async_expose_entity(hass, conversation.DOMAIN, "notify.alice", True)
    before = hass.states.get("notify.alice").state
    result = await conversation.async_converse(
        hass, "Message Alice: call me", None, Context(), language="en"
    )
    assert result.response.speech["plain"]["speech"] == "Sent to Alice."
    assert [sms.message for sms in simulator.outbox] == ["call me"]
    await hass.async_block_till_done()
    assert hass.states.get("notify.alice").state not in (before, "unknown")


# --- Nothing of a reader's: numbers, texts, the URL ------------------------------------------


async def test_the_url_numbers_and_texts_stay_out_of_logs_and_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Whatever arrives, nothing we log or show names the webhook id, a number or a text."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ovh_http2sms")
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    deliveries = async_capture_events(hass, EVENT_SMS_DELIVERY)
    sms_id = await _sent_to_alice(hass, "Confidential text")
    await _report(client, init_integration, sms_id, "1")
    await _reply(client, init_integration, STRANGER, "Secret reply")
    await client.get(_url(init_integration), params={"junk": "+33612345678"})
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    ours = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components")
    ]
    for text in (*ours, str(diagnostics), *(str(e.data) for e in deliveries)):
        for secret in (webhook_id, "612345678", "798765432", "Secret", "Confidential"):
            assert secret not in text


# Home Assistant's own lines about a request to a webhook URL (an id no longer registered, a
# query its security filter refuses) show the URL: every integration's webhook has them, and no
# integration words them.
_HOME_ASSISTANT_URL_LINES = (
    "homeassistant.components.webhook ",
    "homeassistant.components.http.security_filter ",
)


async def _leaks_and_forget(hass: HomeAssistant, privacy: PrivacyWatch) -> list[Leak]:
    """What the privacy scan finds so far, then a clean slate for the rest of the test."""
    await privacy.async_read_entries(hass)
    leaks = await privacy.async_leaks(hass)
    privacy.forget()
    return leaks


def _not_home_assistant_s_url_lines(leaks: list[Leak]) -> list[Leak]:
    return [
        leak
        for leak in leaks
        if not (leak.place == LOG and leak.text.startswith(_HOME_ASSISTANT_URL_LINES))
    ]


# --- Anything at all -------------------------------------------------------------------------


_FIELD_NAMES = st.sampled_from(
    [
        "id",
        "ptt",
        "date",
        "description",
        "dlr",
        "descriptionDlr",
        "senderid",
        "message",
        "keyword",
        "shortcode",
        "tag",
    ]
)
_REAL_ID = "real"
_FIELDS = st.lists(
    st.tuples(
        _FIELD_NAMES | st.text(max_size=8),
        st.sampled_from([_REAL_ID, "0", "1", "2", "16", "+33612345678"])
        | st.text(max_size=40),
    ),
    max_size=8,
)


async def test_anything_posted_never_raises_and_garbage_fires_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    privacy: PrivacyWatch,
) -> None:
    """Arbitrary queries and forms: always 200; an event only for a well-formed callback.

    One SMS was really sent: its id is among the values drawn, so a report can match it.
    """
    sms_id = await _sent_to_alice(hass, "The one real SMS")
    events: list[Event] = []
    hass.bus.async_listen(EVENT_SMS_DELIVERY, events.append)
    hass.bus.async_listen(EVENT_SMS_RECEIVED, events.append)
    loop = hass.loop

    async def example(fields: list[tuple[str, str]], as_form: bool) -> None:
        events.clear()
        encoded = [
            (
                name.encode("utf-8", "replace").decode(),
                (sms_id if value == _REAL_ID else value)
                .encode("utf-8", "replace")
                .decode(),
            )
            for name, value in fields
        ]
        if as_form:
            response = await client.post(
                _url(init_integration),
                data=urlencode(encoded),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        else:
            response = await client.get(_url(init_integration), params=encoded)
        # Home Assistant's own security filter refuses some query strings (a line break, a
        # script tag) before any webhook sees them; a body it does not filter.
        assert response.status == 200 or (response.status == 400 and not as_form)
        await hass.async_block_till_done()
        names = {name for name, _ in encoded}
        well_formed = "id" in names and (
            {"description", "dlr"} & names or {"senderid", "message"} <= names
        )
        if not well_formed:
            assert events == []
        for event in events:
            if event.event_type == EVENT_SMS_DELIVERY:
                assert event.data["sms_id"] == sms_id
                assert {"description", "dlr"} & names and ("id", sms_id) in encoded
                assert event.data["contact"] == "notify.alice"

    @given(_FIELDS, st.booleans())
    def property_holds(fields: list[tuple[str, str]], as_form: bool) -> None:
        asyncio.run_coroutine_threadsafe(example(fields, as_form), loop).result()

    await hass.async_add_executor_job(property_holds)
    assert not [
        r for r in caplog.records if r.levelno >= logging.ERROR and "webhook" in r.name
    ]
    # A drawn reply may carry Alice's number in its own keyword or tag: the received event
    # hands a reply's fields to automations as the replier wrote them.
    assert [
        leak
        for leak in _not_home_assistant_s_url_lines(
            await _leaks_and_forget(hass, privacy)
        )
        if not (leak.place == EVENT and "in_reply_to" in leak.text)
    ] == []
