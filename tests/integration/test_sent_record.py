"""
The account's record of what was sent: nothing fools the budget, the repeat guard or the spend.

A time-zone round trip, a second SMS user of the same account, a deferred or flash SMS, a
text that differs only by what a phone does not show, a reply whose ids lie, a damaged or
newer spend file, the config flow's test SMS, an SMS user removed, a reload or a restart:
each has its outcome here, seen from outside (the simulator's outbox, the spend sensor, the
repair issues, the errors a caller gets).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
import hashlib
import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_http2sms.account import ACCOUNTS
from custom_components.ovh_http2sms.config_flow import entry_unique_id
from custom_components.ovh_http2sms.const import (
    CONF_ACCOUNT,
    CONF_DAILY_BUDGET,
    CONF_ENDPOINT,
    CONF_LOGIN,
    CONF_MAX_SENDS_PER_SECOND,
    CONF_REPEAT_WINDOW,
    CONF_SENDER,
    DOMAIN,
    EVENT_SMS_SENT,
)
from http2sms_simulator import Account, Fault, FaultKind, SimulatorState, SmsUser
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SENDER

from .conftest import account_entry, async_notify, async_send_sms
from .fault_helpers import (
    FAST_PACE,
    ObservedSimulator,
    assert_translated,
    async_setup,
    observed_simulator,
)

ALICE = "0033612345678"
BOB = "00447911123456"
CAROL = "0033698765432"
ENTRY_ID = "01KAOVHSMS0ACCOUNT00000000"
SECOND_ENTRY_ID = "01KAOVHSMS0SECONDUSER00000"
SECOND_LOGIN = "alarmUser2"
SECOND_PASSWORD = "Zy8wQp3L"
SPENT_SENSOR = "sensor.sms_ab1234_1_sms_parts_sent_today"
BUDGET_ISSUE = f"daily_budget_{ENTRY_ID}"
TICKING_CLOCK = pytest.mark.freeze_time("2026-11-30 20:00:00+00:00", tick=True)


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


def _second_user(first: MockConfigEntry, **options: Any) -> MockConfigEntry:
    """A second SMS user of the same OVH account and gateway, with its own options."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=SECOND_ENTRY_ID,
        title=ACCOUNT,
        unique_id=entry_unique_id(ACCOUNT, SECOND_LOGIN),
        data={**first.data, CONF_LOGIN: SECOND_LOGIN, "password": SECOND_PASSWORD},
        options=options,
    )


@asynccontextmanager
async def _account(
    hass: HomeAssistant, sim: ObservedSimulator | None = None, **options: Any
) -> AsyncIterator[tuple[ObservedSimulator, MockConfigEntry]]:
    """The account on an observed simulator, at the fastest pace, with `options`."""
    async with observed_simulator() if sim is None else _given(sim) as served:
        entry = await async_setup(
            hass, account_entry(served.endpoint, **{**FAST_PACE, **options})
        )
        yield served, entry
        if hass.config_entries.async_get_entry(entry.entry_id) is not None:
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()


@asynccontextmanager
async def _given(sim: ObservedSimulator) -> AsyncIterator[ObservedSimulator]:
    yield sim


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


def _issues_of(hass: HomeAssistant, key: str) -> list[ir.IssueEntry]:
    return [
        issue
        for issue in ir.async_get(hass).issues.values()
        if issue.domain == DOMAIN and issue.translation_key == key and issue.active
    ]


def _spent(hass: HomeAssistant) -> int:
    return int(hass.states.get(SPENT_SENSOR).state)


async def _restart(
    hass: HomeAssistant, entries: list[MockConfigEntry], *, forget_issues: bool = False
) -> None:
    """What a restart does to the account: every entry goes, a new account object reads the Store.

    With `forget_issues`, the integration's repair issues go too, as Home Assistant does not
    restore issues that are not persistent.
    """
    for entry in entries:
        assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass.data.pop(ACCOUNTS)
    if forget_issues:
        for domain, issue_id in list(ir.async_get(hass).issues):
            if domain == DOMAIN:
                ir.async_delete_issue(hass, DOMAIN, issue_id)
    for entry in entries:
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _next_local_day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    midnight = dt_util.start_of_local_day(dt_util.now().date() + timedelta(days=1))
    freezer.move_to(midnight + timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


# --- The day's spend across time zones -------------------------------------------------------


@TICKING_CLOCK
async def test_a_time_zone_round_trip_finds_the_day_already_counted(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Paris, Tokyo, Paris again: the Paris day's spend is still there and still refuses."""
    await hass.config.async_set_time_zone("Europe/Paris")
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, _entry):
        await async_notify(hass, "notify.alice", "Paris evening")
        with pytest.raises(HomeAssistantError) as raised:
            await async_notify(hass, "notify.alice", "Still Paris")
        assert_translated(raised.value, "daily_budget_reached")

        # As the general settings page changes it: the sensor follows at once.
        await hass.config.async_update(time_zone="Asia/Tokyo")
        await hass.async_block_till_done()
        await hass.config.async_update(time_zone="Europe/Paris")
        await hass.async_block_till_done()

        assert _spent(hass) == 1
        with pytest.raises(HomeAssistantError) as raised:
            await async_notify(hass, "notify.alice", "Paris, after the round trip")
        assert_translated(raised.value, "daily_budget_reached")
        assert [sms.message for sms in sim.outbox] == ["Paris evening"]


# --- Several SMS users of one account ---------------------------------------------------------


@pytest.mark.parametrize(
    ("first_budget", "second_budget"), [(1, 0), (1, 5), (0, 1)], ids=str
)
async def test_no_sms_user_takes_the_account_past_the_tightest_budget(
    hass: HomeAssistant, socket_enabled: None, first_budget: int, second_budget: int
) -> None:
    """Whichever SMS user sends, the account's day stops at the tightest budget set on any."""
    async with observed_simulator(_two_users_state()) as sim:
        first = await async_setup(
            hass,
            account_entry(
                sim.endpoint, **FAST_PACE, **{CONF_DAILY_BUDGET: first_budget}
            ),
        )
        second = await async_setup(
            hass, _second_user(first, **FAST_PACE, **{CONF_DAILY_BUDGET: second_budget})
        )
        await async_send_sms(
            hass,
            config_entry_id=first.entry_id,
            recipients=["06 12 34 56 78"],
            message="From the first",
        )
        for entry in (second, first, second, second):
            with pytest.raises(HomeAssistantError) as raised:
                await async_send_sms(
                    hass,
                    config_entry_id=entry.entry_id,
                    recipients=["06 12 34 56 78"],
                    message=f"More from {entry.entry_id}",
                    allow_repeat=True,
                )
            assert_translated(raised.value, "daily_budget_reached", validation=False)
            assert raised.value.translation_placeholders["budget"] == "1"
        assert len(sim.outbox) == 1
        assert first.runtime_data.account.spent_today == 1


async def test_the_pace_is_the_fast_user_s_once_the_slow_one_is_removed(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A at 10 SMS/s, B at 2/s: once B is removed, A's ten SMS are not held to B's pace."""
    async with observed_simulator(_two_users_state()) as sim:
        first = await async_setup(
            hass, account_entry(sim.endpoint, **{CONF_MAX_SENDS_PER_SECOND: 10})
        )
        second = await async_setup(
            hass, _second_user(first, **{CONF_MAX_SENDS_PER_SECOND: 2})
        )
        assert await hass.config_entries.async_remove(second.entry_id)
        await hass.async_block_till_done()

        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(
            *(
                async_send_sms(
                    hass,
                    config_entry_id=first.entry_id,
                    recipients=["06 12 34 56 78"],
                    message=f"Fast {number}",
                )
                for number in range(10)
            )
        )
        # At 2 SMS/s, ten take at least 4.5 s (the pace's own floor); at 10/s about one.
        assert loop.time() - started < 3.5
        assert len(sim.outbox) == 10


# --- What counts as the same SMS --------------------------------------------------------------


async def test_a_deferred_or_flash_sms_is_not_the_same_as_another_of_the_same_text(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The same text planned for another time, or sent as flash, is another SMS; the same plan is not."""
    async with _account(hass) as (sim, _entry):
        now = dt_util.now().replace(second=0, microsecond=0)
        in_two_hours = (now + timedelta(hours=2)).isoformat()
        in_fourteen_hours = (now + timedelta(hours=14)).isoformat()
        pills = {"recipients": ["06 12 34 56 78"], "message": "Take your pills"}

        first = await async_send_sms(hass, **pills, deferred=in_two_hours)
        later = await async_send_sms(hass, **pills, deferred=in_fourteen_hours)
        flash = await async_send_sms(hass, **pills, flash=True)
        plain = await async_send_sms(hass, **pills)
        again = await async_send_sms(hass, **pills, deferred=in_two_hours)

        assert [r["suppressed"] for r in (first, later, flash, plain)] == [[]] * 4
        assert again["suppressed"] == [ALICE]
        assert len(sim.outbox) == 4


INVISIBLE_VARIANTS = [
    " Door open",
    "Door open  ",
    "Door  open",
    "Door\u200b open",
    "Door\u00a0open",
    "Door open\n",
    "Door\u2060 open",
    "\u200fDoor open",
]


async def test_texts_a_phone_shows_the_same_are_one_sms_letter_case_is_not(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Spaces, invisible characters and a trailing line break do not make another SMS."""
    async with _account(hass) as (sim, _entry):
        await async_notify(hass, "notify.alice", "Door open")
        for variant in INVISIBLE_VARIANTS:
            response = await async_send_sms(
                hass, recipients=["06 12 34 56 78"], message=variant
            )
            assert response["suppressed"] == [ALICE], repr(variant)
        await async_notify(hass, "notify.alice", "DOOR OPEN")
        assert [sms.message for sms in sim.outbox] == ["Door open", "DOOR OPEN"]


async def test_texts_a_phone_shows_differently_both_go_out(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Two subdivision flags differ by invisible-looking tags a phone draws: two alerts."""
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    async with _account(hass) as (sim, _entry):
        await async_notify(hass, "notify.alice", f"Match {england} tonight")
        response = await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message=f"Match {scotland} tonight"
        )
        assert response["suppressed"] == []
        assert len(sim.outbox) == 2


# --- What a reply's ids count ----------------------------------------------------------------


def _accepted_reply(ids: list[int]) -> Fault:
    """A reply that accepts the request but lists `ids` whatever the request was."""
    return Fault(
        kind=FaultKind.MALFORMED,
        after_send=True,
        body=json.dumps({"status": 100, "creditLeft": "990", "SmsIds": ids}),
    )


async def test_the_spend_counts_recipients_times_parts_never_the_reply_s_ids(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """One id for three recipients counts three; three thousand ids for one count one."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 8}) as (sim, _entry):
        events = async_capture_events(hass, EVENT_SMS_SENT)
        sim.inject(_accepted_reply([1]))
        response = await async_send_sms(
            hass,
            recipients=["06 12 34 56 78", "+44 7911 123456", "06 98 76 54 32"],
            message="Three phones",
        )
        assert _spent(hass) == 3
        # One id for three phones matches none of them: none is given as theirs.
        assert response["sms_ids"] == []
        assert response["recipients"] == [ALICE, BOB, CAROL]
        assert events[-1].data["recipients"] == 3
        assert events[-1].data["sms_ids"] == []

        sim.inject(_accepted_reply(list(range(3000))))
        response = await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message="One phone"
        )
        assert _spent(hass) == 4
        assert response["sms_ids"] == []
        assert events[-1].data["recipients"] == 1
        # Four parts are left of the eight: the lying reply locked nothing.
        await async_send_sms(
            hass,
            recipients=["06 12 34 56 78", "+44 7911 123456", "06 98 76 54 32"],
            message="Three more",
        )
        assert _spent(hass) == 7
        assert len(sim.outbox) == 7


# --- A spend file nothing can use against the account -----------------------------------------


def _storage_digest(endpoint: str) -> str:
    return hashlib.sha256(f"{ACCOUNT}\x00{endpoint}".encode()).hexdigest()[:16]


def _old_spend_key(endpoint: str) -> str:
    return f"{DOMAIN}.daily_spend.{_storage_digest(endpoint)}"


def _record_key(endpoint: str) -> str:
    return f"{DOMAIN}.sent.{_storage_digest(endpoint)}"


HOSTILE_FILES = {
    "huge_parts": (1, {"day": "TODAY", "parts": 1e300}),
    "negative_parts": (1, {"day": "TODAY", "parts": -5}),
    "string_parts": (1, {"day": "TODAY", "parts": "many"}),
    "not_an_object": (1, ["day", "parts"]),
    "newer_version": (2, {"day": "TODAY", "parts": 3, "records": []}),
}


@pytest.mark.parametrize("file", ["old_spend", "record"])
@pytest.mark.parametrize("content", HOSTILE_FILES, ids=str)
async def test_a_damaged_or_newer_spend_file_never_stops_the_account(
    hass: HomeAssistant,
    socket_enabled: None,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    file: str,
    content: str,
) -> None:
    """The account sets up, an SMS goes out, the entry unloads, and the log says it once."""
    version, data = HOSTILE_FILES[content]
    text = json.dumps(data).replace("TODAY", dt_util.now().date().isoformat())
    async with observed_simulator() as sim:
        key = (_old_spend_key if file == "old_spend" else _record_key)(sim.endpoint)
        hass_storage[key] = {"version": version, "key": key, "data": json.loads(text)}
        caplog.set_level(logging.WARNING)
        async with _account(hass, sim, **{CONF_DAILY_BUDGET: 10}) as (_sim, entry):
            assert entry.state is ConfigEntryState.LOADED
            await async_notify(hass, "notify.alice", "The alarm still goes out")
            assert [sms.message for sms in sim.outbox] == ["The alarm still goes out"]
            assert _spent(hass) <= 10
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
            assert entry.state is ConfigEntryState.NOT_LOADED
        warnings = [
            record
            for record in caplog.records
            if record.levelno >= logging.WARNING
            and record.name.startswith("custom_components.ovh_http2sms")
        ]
        assert len(warnings) == 1, [record.getMessage() for record in warnings]


async def test_a_lost_figure_with_a_budget_on_raises_an_issue(
    hass: HomeAssistant, socket_enabled: None, hass_storage: dict[str, Any]
) -> None:
    """With a budget on, a day's figure dropped from a damaged file is said in a repair issue."""
    today = dt_util.now().date().isoformat()
    async with observed_simulator() as sim:
        key = _old_spend_key(sim.endpoint)
        hass_storage[key] = {
            "version": 1,
            "key": key,
            "data": {"day": today, "parts": 1e300},
        }
        async with _account(hass, sim, **{CONF_DAILY_BUDGET: 10}):
            [issue] = _issues_of(hass, "daily_spend_lost")
            assert issue.translation_placeholders == {"account": ACCOUNT}
            await async_notify(hass, "notify.alice", "Still sent")
            assert len(sim.outbox) == 1


async def test_a_damaged_file_without_a_budget_raises_no_issue(
    hass: HomeAssistant, socket_enabled: None, hass_storage: dict[str, Any]
) -> None:
    """Without a budget, nothing depended on the lost figure: the log says it, no issue."""
    async with observed_simulator() as sim:
        key = _record_key(sim.endpoint)
        hass_storage[key] = {"version": 1, "key": key, "data": "garbage"}
        async with _account(hass, sim):
            assert _issues_of(hass, "daily_spend_lost") == []
            await async_notify(hass, "notify.alice", "Sent")
            assert len(sim.outbox) == 1


async def test_the_previous_release_s_spend_file_is_carried_over_then_removed(
    hass: HomeAssistant, socket_enabled: None, hass_storage: dict[str, Any]
) -> None:
    """Today's figure of the old file counts against the budget; the old file goes."""
    today = dt_util.now().date().isoformat()
    async with observed_simulator() as sim:
        old_key = _old_spend_key(sim.endpoint)
        hass_storage[old_key] = {
            "version": 1,
            "key": old_key,
            "data": {"day": today, "parts": 3},
        }
        async with _account(hass, sim, **{CONF_DAILY_BUDGET: 4}) as (_sim, entry):
            assert _spent(hass) == 3
            await async_notify(hass, "notify.alice", "The fourth")
            with pytest.raises(HomeAssistantError) as raised:
                await async_notify(hass, "notify.alice", "The fifth")
            assert_translated(raised.value, "daily_budget_reached")
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
            assert old_key not in hass_storage
            assert _record_key(sim.endpoint) in hass_storage


# --- The config flow's test SMS --------------------------------------------------------------


async def _second_user_flow(
    hass: HomeAssistant, sim: ObservedSimulator
) -> dict[str, Any]:
    """Start adding the second SMS user of the account, up to its test SMS form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_ACCOUNT: ACCOUNT,
            CONF_LOGIN: SECOND_LOGIN,
            "password": SECOND_PASSWORD,
            CONF_SENDER: SENDER,
            "advanced": {CONF_ENDPOINT: sim.endpoint},
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "test_sms"}
    )
    assert result["step_id"] == "test_sms"
    return result


async def _send_test_sms(hass: HomeAssistant, result: dict[str, Any]) -> dict[str, Any]:
    """Ask the flow's test SMS to Alice's number, as the form does."""
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"test_number": "06 12 34 56 78"}
    )


async def test_the_test_sms_is_counted_in_the_day_s_spend(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The test SMS of a second SMS user costs a part of the account's day like any other."""
    async with (
        observed_simulator(_two_users_state()) as sim,
        _account(hass, sim, **{CONF_DAILY_BUDGET: 5}),
    ):
        await async_notify(hass, "notify.alice", "Before")
        result = await _second_user_flow(hass, sim)
        result = await _send_test_sms(hass, result)
        assert result["step_id"] == "test_sms_sent"
        assert len(sim.outbox) == 2
        assert _spent(hass) == 2


async def test_the_test_sms_is_refused_when_the_budget_is_spent(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """With the account's day spent, the test SMS is refused; the account is saved without it."""
    async with (
        observed_simulator(_two_users_state()) as sim,
        _account(hass, sim, **{CONF_DAILY_BUDGET: 1}),
    ):
        await async_notify(hass, "notify.alice", "The day's only SMS")
        result = await _second_user_flow(hass, sim)
        result = await _send_test_sms(hass, result)
        # No dead end: the account can be saved without the test SMS.
        assert result["step_id"] == "test_sms_refused"
        assert result["menu_options"] == ["finish"]
        assert len(sim.outbox) == 1
        assert _spent(hass) == 1
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "finish"}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert len(sim.outbox) == 1


async def test_the_test_sms_waits_for_the_account_s_pace(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Sent while the account's SMS go out, the test SMS takes its turn: no request is refused."""
    async with (
        observed_simulator(_two_users_state()) as sim,
        _account(hass, sim, **{CONF_MAX_SENDS_PER_SECOND: 1}),
    ):
        result = await _second_user_flow(hass, sim)
        # The flow's probe is a request too: the limit counts from a second after it.
        await asyncio.sleep(1)
        probes = len(sim.requests)
        sim.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=1, window=0.9, times=None))
        sends = [
            hass.async_create_task(async_notify(hass, "notify.alice", f"Paced {n}"))
            for n in range(2)
        ]
        await asyncio.sleep(0)
        result = await _send_test_sms(hass, result)
        await asyncio.gather(*sends)
        assert result["step_id"] == "test_sms_sent"
        assert [record.fault for record in sim.requests[probes:]] == [None] * 3


# --- The budget's repair issue ----------------------------------------------------------------


@TICKING_CLOCK
async def test_the_budget_issue_stays_while_the_budget_refuses_across_reload_and_restart(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Raised at the refusal, kept by a reload and a restart, gone at midnight."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, entry):
        await async_notify(hass, "notify.alice", "The day's only SMS")
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Refused")
        assert _issue(hass, BUDGET_ISSUE) is not None

        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert _issue(hass, BUDGET_ISSUE) is not None

        # A restart keeps no issue that is not persistent: the account raises it again.
        await _restart(hass, [entry], forget_issues=True)
        assert _issue(hass, BUDGET_ISSUE) is not None
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Refused after the restart")
        assert len(sim.outbox) == 1

        await _next_local_day(hass, freezer)
        assert _issue(hass, BUDGET_ISSUE) is None
        await async_notify(hass, "notify.alice", "A new day")
        assert len(sim.outbox) == 2


async def test_the_budget_issue_is_up_as_soon_as_the_budget_refuses_the_next_sms(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The SMS that reaches the budget raises the issue: a reload does not change what it shows."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (_sim, entry):
        await async_notify(hass, "notify.alice", "The day's only SMS")
        assert _issue(hass, BUDGET_ISSUE) is not None

        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert _issue(hass, BUDGET_ISSUE) is not None


async def test_a_refused_sms_gives_its_cost_back_and_the_budget_issue_with_it(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An SMS OVHcloud certainly refused spent nothing: the budget lets the next one out."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, _entry):
        sim.inject(
            Fault(
                kind=FaultKind.MALFORMED,
                body=json.dumps({"status": 201, "message": "Missing message"}),
            )
        )
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Refused by OVHcloud")
        assert _issue(hass, BUDGET_ISSUE) is None
        await async_notify(hass, "notify.alice", "The day's only SMS")
        assert len(sim.outbox) == 1


async def test_the_budget_issue_goes_when_the_budget_is_raised(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Raising the budget ends the refusals, and the issue with them."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, entry):
        await async_notify(hass, "notify.alice", "The day's only SMS")
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Refused")
        assert _issue(hass, BUDGET_ISSUE) is not None

        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_DAILY_BUDGET: 2}
        )
        await hass.async_block_till_done()
        assert _issue(hass, BUDGET_ISSUE) is None
        await async_notify(hass, "notify.alice", "Allowed now")
        assert len(sim.outbox) == 2


async def _two_users(
    hass: HomeAssistant, sim: ObservedSimulator, first_budget: int, second_budget: int
) -> tuple[MockConfigEntry, MockConfigEntry]:
    first = await async_setup(
        hass,
        account_entry(sim.endpoint, **FAST_PACE, **{CONF_DAILY_BUDGET: first_budget}),
    )
    second = await async_setup(
        hass, _second_user(first, **FAST_PACE, **{CONF_DAILY_BUDGET: second_budget})
    )
    return first, second


async def _send_from(hass: HomeAssistant, entry: MockConfigEntry, message: str) -> None:
    await async_send_sms(
        hass,
        config_entry_id=entry.entry_id,
        recipients=["06 12 34 56 78"],
        message=message,
    )


async def test_after_a_restart_a_budget_binds_before_its_sms_user_is_set_up(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The record remembers each SMS user's budget: setup order cannot open a gap."""
    async with observed_simulator(_two_users_state()) as sim:
        first, second = await _two_users(hass, sim, 1, 0)
        await _send_from(hass, first, "The day's only SMS")
        for entry in (first, second):
            assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        hass.data.pop(ACCOUNTS)

        # The SMS user without a budget starts first; the other is not set up yet.
        assert await hass.config_entries.async_setup(second.entry_id)
        await hass.async_block_till_done()
        with pytest.raises(HomeAssistantError) as raised:
            await _send_from(hass, second, "Before the first is back")
        assert_translated(raised.value, "daily_budget_reached")
        assert len(sim.outbox) == 1


async def test_a_disabled_sms_user_s_budget_binds_no_more(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Disabled, an SMS user's budget no longer applies to the others (enabled, it does)."""
    async with observed_simulator(_two_users_state()) as sim:
        first, second = await _two_users(hass, sim, 1, 0)
        await _send_from(hass, first, "The first's only SMS")
        with pytest.raises(HomeAssistantError):
            await _send_from(hass, second, "Refused")

        await hass.config_entries.async_set_disabled_by(
            first.entry_id, ConfigEntryDisabler.USER
        )
        await hass.async_block_till_done()
        await _send_from(hass, second, "Sent once the first is disabled")
        assert _issues_of(hass, "daily_budget_reached") == []

        await hass.config_entries.async_set_disabled_by(first.entry_id, None)
        await hass.async_block_till_done()
        with pytest.raises(HomeAssistantError):
            await _send_from(hass, second, "Refused again")
        assert [sms.message for sms in sim.outbox] == [
            "The first's only SMS",
            "Sent once the first is disabled",
        ]


async def test_a_budget_lowered_while_sms_wait_in_the_queue_refuses_the_next_ones(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """SMS admitted before the budget was lowered keep their booking and go out, once each;
    the lowered budget refuses the next SMS.
    """
    async with _account(
        hass, **{CONF_DAILY_BUDGET: 10, CONF_MAX_SENDS_PER_SECOND: 2}
    ) as (sim, entry):
        account = entry.runtime_data.account
        queued = [
            hass.async_create_task(async_notify(hass, "notify.alice", f"Queued {n}"))
            for n in range(4)
        ]
        async with asyncio.timeout(10):
            while account.spent_today < 4:  # noqa: ASYNC110 - polls the admissions
                await asyncio.sleep(0.01)
        assert len(sim.outbox) < 4, "the queue emptied before the budget was lowered"

        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_DAILY_BUDGET: 2}
        )
        await asyncio.gather(*queued)
        await hass.async_block_till_done()
        assert sorted(sms.message for sms in sim.outbox) == [
            f"Queued {n}" for n in range(4)
        ]
        with pytest.raises(HomeAssistantError) as raised:
            await async_notify(hass, "notify.alice", "After the change")
        assert_translated(raised.value, "daily_budget_reached")
        assert raised.value.translation_placeholders == {
            "budget": "2",
            "spent": "4",
            "needed": "1",
        }


# --- A budget the previous release's options dropped -----------------------------------------

DROPPED_ISSUE = f"daily_budget_dropped_{ENTRY_ID}"
# Six parts: two of them go over a budget of ten.
SIX_PARTS = "The alarm went off in the garage. " * 26


async def _downgraded(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Save the options as the previous release does: no repeat window, no daily budget."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass.data.pop(ACCOUNTS)
    hass.config_entries.async_update_entry(
        entry,
        options={
            key: value
            for key, value in entry.options.items()
            if key not in (CONF_DAILY_BUDGET, CONF_REPEAT_WINDOW)
        },
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_budget_dropped_by_a_downgrade_still_refuses_and_is_restored(
    hass: HomeAssistant,
    socket_enabled: None,
    hass_client: ClientSessionGenerator,
) -> None:
    """Back from the previous release, the budget the record saw holds and an issue says so.

    Its fix flow puts the budget back in the options; the issue then goes.
    """
    assert await async_setup_component(hass, "repairs", {})
    async with _account(hass, **{CONF_DAILY_BUDGET: 10}) as (sim, entry):
        await _downgraded(hass, entry)

        issue = _issue(hass, DROPPED_ISSUE)
        assert issue is not None
        assert issue.is_fixable
        assert issue.translation_key == "daily_budget_dropped"
        assert issue.translation_placeholders == {"account": ACCOUNT, "budget": "10"}
        await async_notify(hass, "notify.alice", SIX_PARTS)
        with pytest.raises(HomeAssistantError) as raised:
            await async_notify(hass, "notify.alice", SIX_PARTS + "Again.")
        assert_translated(raised.value, "daily_budget_reached")
        assert len(sim.outbox) == 1

        menu = await hass.config_entries.options.async_init(entry.entry_id)
        form = await hass.config_entries.options.async_configure(
            menu["flow_id"], {"next_step_id": "policy"}
        )
        [budget_field] = [
            key for key in form["data_schema"].schema if key == CONF_DAILY_BUDGET
        ]
        assert budget_field.default() == 10
        hass.config_entries.options.async_abort(form["flow_id"])

        client = await hass_client()
        response = await client.post(
            "/api/repairs/issues/fix",
            json={"handler": DOMAIN, "issue_id": DROPPED_ISSUE},
        )
        flow = await response.json()
        assert flow["step_id"] == "confirm"
        assert flow["description_placeholders"] == {
            "account": ACCOUNT,
            "budget": "10",
        }
        response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}")
        assert (await response.json())["type"] == "create_entry"
        await hass.async_block_till_done()

        assert entry.options[CONF_DAILY_BUDGET] == 10
        assert entry.state is ConfigEntryState.LOADED
        assert _issue(hass, DROPPED_ISSUE) is None
        await _restart(hass, [entry])
        assert _issue(hass, DROPPED_ISSUE) is None


async def test_a_budget_turned_off_on_purpose_raises_no_issue(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A daily budget of 0 saved in this release's options is the user's choice: off."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 10}) as (sim, entry):
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_DAILY_BUDGET: 0}
        )
        await hass.async_block_till_done()
        await _restart(hass, [entry])

        assert _issue(hass, DROPPED_ISSUE) is None
        await async_notify(hass, "notify.alice", SIX_PARTS)
        await async_notify(hass, "notify.alice", SIX_PARTS + "Again.")
        assert len(sim.outbox) == 2


async def test_options_that_never_had_a_budget_raise_no_issue(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An account that never had a budget, with options as the previous release saves them."""
    async with _account(hass) as (_sim, entry):
        await _downgraded(hass, entry)

        assert _issue(hass, DROPPED_ISSUE) is None


async def test_removing_a_user_whose_budget_was_dropped_withdraws_the_issue(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The issue goes with its SMS user, and the record forgets the budget it saw."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 10}) as (_sim, entry):
        await _downgraded(hass, entry)
        assert _issue(hass, DROPPED_ISSUE) is not None

        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()

        assert _issue(hass, DROPPED_ISSUE) is None
