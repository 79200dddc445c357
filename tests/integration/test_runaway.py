"""
A looping automation cannot empty the account: the repeat guard, the daily budget, the spend
sensor and the failure repair issue.

Everything runs on Home Assistant's test harness against the real simulator: automations are
real automations (state triggers toggled by the test), time travel is the `freezer` fixture
with `async_fire_time_changed`, and what the gateway received is read from the simulator's
outbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
import itertools
import json
import logging
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import intent, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

import custom_components.ovh_http2sms as integration
from custom_components.ovh_http2sms.account import ACCOUNTS
from custom_components.ovh_http2sms.const import (
    CONF_DAILY_BUDGET,
    CONF_MAX_PARTS,
    CONF_REPEAT_WINDOW,
    CONF_REPLACE_CHARACTERS,
    DOMAIN,
    REPLACE_LOOKALIKES,
)
from custom_components.ovh_http2sms.errors import send_error
from custom_components.ovh_http2sms.ledger import Ledger
from custom_components.ovh_http2sms.reasons import (
    KIND_OF_ERROR,
    failure_issue,
    masked_typed_number,
)
from custom_components.ovh_http2sms.record import SPEND_SAVE_DELAY
from http2sms_simulator import Fault, FaultKind
from tests.conftest import ACCOUNT

from .conftest import ENTRY_ID, account_entry, async_notify, async_send_sms
from .fault_helpers import (
    EN_EXCEPTIONS,
    FAST_PACE,
    FAULT_CASES,
    FaultCase,
    ObservedSimulator,
    assert_translated,
    async_setup,
    fault_scenario,
    observed_simulator,
)
from .test_bad_input import run_examples

ALICE = "0033612345678"
BOB = "00447911123456"
DOOR = "binary_sensor.front_door"
FLAPS = 200
BUDGET_ISSUE = f"daily_budget_{ENTRY_ID}"
FAILURE_ISSUE = f"send_failed_{ENTRY_ID}"
SPENT_SENSOR = "sensor.sms_ab1234_1_sms_parts_sent_today"
# A ticking clock: Home Assistant's own waits (a reload) need time to pass; the tests move it
# further by hand.
TICKING_CLOCK = pytest.mark.freeze_time("2026-11-30 20:00:00+00:00", tick=True)


@asynccontextmanager
async def _account(
    hass: HomeAssistant, **options: Any
) -> AsyncIterator[tuple[ObservedSimulator, MockConfigEntry]]:
    """The account on an observed simulator, at the fastest pace, with `options`."""
    async with observed_simulator() as sim:
        entry = await async_setup(
            hass, account_entry(sim.endpoint, **FAST_PACE, **options)
        )
        yield sim, entry
        if hass.config_entries.async_get_entry(entry.entry_id) is not None:
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


async def _flapping_door_automation(hass: HomeAssistant) -> None:
    """An automation that texts Alice at every change of a door that flaps."""
    hass.states.async_set(DOOR, "off")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "door_alert",
                "alias": "Door alert",
                "mode": "parallel",
                "max": FLAPS * 2,
                "triggers": [{"trigger": "state", "entity_id": DOOR}],
                "actions": [
                    {
                        "action": "notify.send_message",
                        "target": {"entity_id": "notify.alice"},
                        "data": {"message": "The front door moved"},
                    }
                ],
            }
        },
    )
    await hass.async_block_till_done()


async def _flap(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Toggle the door FLAPS times within a minute."""
    for flap in range(FLAPS):
        hass.states.async_set(DOOR, "on" if flap % 2 == 0 else "off")
        freezer.tick(timedelta(seconds=0.25))
        await hass.async_block_till_done()


async def _next_local_day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Travel to a minute past the next local midnight and let its timers run."""
    midnight = dt_util.start_of_local_day(dt_util.now().date() + timedelta(days=1))
    freezer.move_to(midnight + timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


# --- A flapping automation ------------------------------------------------------------------


@TICKING_CLOCK
async def test_flapping_automation_sends_one_sms_with_the_defaults(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """A door flapping 200 times in a minute sends one SMS; the rest are held back as repeats."""
    async with _account(hass) as (sim, entry):
        await _flapping_door_automation(hass)
        await _flap(hass, freezer)

        assert [sms.message for sms in sim.outbox] == ["The front door moved"]
        assert entry.runtime_data.account.counters.suppressed_repeats == FLAPS - 1
        assert _issue(hass, FAILURE_ISSUE) is None


@TICKING_CLOCK
async def test_flapping_automation_stops_at_the_budget_until_the_next_day(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Without the repeat guard, the budget stops the flapping with an issue until midnight."""
    async with _account(hass, **{CONF_REPEAT_WINDOW: 0, CONF_DAILY_BUDGET: 10}) as (
        sim,
        _entry,
    ):
        await _flapping_door_automation(hass)
        await _flap(hass, freezer)

        assert len(sim.outbox) == 10
        assert len(sim.requests) == 10
        issue = _issue(hass, BUDGET_ISSUE)
        assert issue is not None
        assert issue.translation_key == "daily_budget_reached"
        assert issue.translation_placeholders == {
            "account": ACCOUNT,
            "budget": "10",
            "spent": "10",
        }
        # The budget's own issue says it all: a refusal is no failure to report.
        assert _issue(hass, FAILURE_ISSUE) is None
        assert hass.states.get(SPENT_SENSOR).state == "10"

        await _next_local_day(hass, freezer)
        assert _issue(hass, BUDGET_ISSUE) is None
        assert hass.states.get(SPENT_SENSOR).state == "0"

        hass.states.async_set(DOOR, "on")
        await hass.async_block_till_done()
        assert len(sim.outbox) == 11
        assert hass.states.get(SPENT_SENSOR).state == "1"


# --- The repeat guard -----------------------------------------------------------------------


async def test_a_repeat_is_suppressed_said_and_logged_without_number_or_text(
    hass: HomeAssistant, socket_enabled: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A repeat skips only that recipient, says so and logs it without the number or the text."""
    caplog.set_level(logging.INFO)
    async with _account(hass) as (sim, _entry):
        first = await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message="Leak"
        )
        assert first["suppressed"] == []
        second = await async_send_sms(
            hass, recipients=["06 12 34 56 78", "+44 7911 123456"], message="Leak"
        )

        assert second["recipients"] == [BOB]
        assert second["suppressed"] == [ALICE]
        assert [sms.recipient for sms in sim.outbox] == [ALICE, BOB]
        [line] = [r for r in caplog.records if "not sent again" in r.getMessage()]
        assert line.levelno == logging.INFO
        assert "Leak" not in line.getMessage()
        assert "612345678" not in line.getMessage()


async def test_allow_repeat_sends_a_deliberate_repeat(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """With allow_repeat, the same SMS to the same number goes out a second time."""
    async with _account(hass) as (sim, _entry):
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="Reminder")
        response = await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message="Reminder", allow_repeat=True
        )
        assert response["suppressed"] == []
        assert len(sim.outbox) == 2


async def test_a_notify_entirely_suppressed_returns_normally(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A notify whose only SMS is a repeat sends nothing and raises no error."""
    async with _account(hass) as (sim, _entry):
        await async_notify(hass, "notify.alice", "Garage open")
        await async_notify(hass, "notify.alice", "Garage open")
        assert len(sim.outbox) == 1
        assert len(sim.requests) == 1


async def test_the_guard_compares_the_text_after_look_alikes_are_replaced(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """With look-alikes replaced, texts differing only by a curly apostrophe are one repeat."""
    async with _account(hass, **{CONF_REPLACE_CHARACTERS: REPLACE_LOOKALIKES}) as (
        sim,
        _entry,
    ):
        await async_notify(hass, "notify.alice", "Fuite d’eau")
        await async_notify(hass, "notify.alice", "Fuite d'eau")
        assert [sms.message for sms in sim.outbox] == ["Fuite d'eau"]


@TICKING_CLOCK
async def test_the_window_passes_and_zero_turns_the_guard_off(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """A repeat is held back for two minutes, then goes; with a window of 0 it always goes."""
    async with _account(hass) as (sim, entry):
        await async_notify(hass, "notify.alice", "Window open")
        freezer.tick(timedelta(minutes=1, seconds=59))
        await async_notify(hass, "notify.alice", "Window open")
        assert len(sim.outbox) == 1
        freezer.tick(timedelta(minutes=2))
        await async_notify(hass, "notify.alice", "Window open")
        assert len(sim.outbox) == 2

        hass.config_entries.async_update_entry(entry, options={CONF_REPEAT_WINDOW: 0})
        await hass.async_block_till_done()
        await async_notify(hass, "notify.alice", "Window open")
        assert len(sim.outbox) == 3


async def test_a_send_that_was_not_sent_can_be_repeated_one_that_may_have_cannot(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An SMS the gateway refused can be sent again; one cut off after it left is held back."""
    async with _account(hass) as (sim, _entry):
        sim.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=0))
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Smoke")
        await async_notify(hass, "notify.alice", "Smoke")
        assert len(sim.outbox) == 1

        sim.inject(Fault(kind=FaultKind.RESET, after_send=True))
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Fire")
        # It may have been sent (it was): sending it again would be a duplicate.
        await async_notify(hass, "notify.alice", "Fire")
        assert [sms.message for sms in sim.outbox] == ["Smoke", "Fire"]


async def test_an_sms_cancelled_while_queued_is_no_repeat(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An SMS whose caller stopped before its turn never left: the same SMS again goes out."""
    async with observed_simulator() as sim:
        # The default pace: 200 ms between requests.
        await async_setup(hass, account_entry(sim.endpoint))
        await async_notify(hass, "notify.alice", "Door open")
        # Two big batches: the first waits for the pace, the second is never tried.
        numbers = [f"+336123{index:05d}" for index in range(150)]
        queued = [
            hass.async_create_task(async_notify(hass, "notify.bob", "Water leak")),
            hass.async_create_task(
                async_send_sms(hass, recipients=numbers, message="Water leak")
            ),
        ]
        await asyncio.sleep(0)
        for task in queued:
            task.cancel()
        for task in queued:
            with pytest.raises(asyncio.CancelledError):
                await task
        assert len(sim.outbox) == 1

        # Like an automation in restart mode, run again at once.
        await async_notify(hass, "notify.bob", "Water leak")
        response = await async_send_sms(hass, recipients=numbers, message="Water leak")
        assert response["suppressed"] == []
        assert len(sim.outbox) == 1 + 1 + 150


# --- The daily budget -----------------------------------------------------------------------


async def test_the_budget_refuses_before_any_request_with_the_figures(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Over the budget, an SMS is refused before any request, saying budget, spent and needed."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 5}) as (sim, entry):
        long_text = "x" * 200  # two parts in 7-bit
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message=long_text)
        with pytest.raises(HomeAssistantError) as raised:
            await async_send_sms(
                hass,
                recipients=["06 12 34 56 78", "+44 7911 123456"],
                message="Another " + long_text,
            )
        assert_translated(raised.value, "daily_budget_reached", validation=False)
        assert raised.value.translation_placeholders == {
            "budget": "5",
            "spent": "2",
            "needed": "4",
        }
        assert len(sim.requests) == 1
        assert _issue(hass, BUDGET_ISSUE) is not None

        # Three parts are left: one two-part SMS still goes.
        await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message="Third " + long_text
        )
        assert len(sim.outbox) == 2

        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_DAILY_BUDGET: 50}
        )
        await hass.async_block_till_done()
        assert _issue(hass, BUDGET_ISSUE) is None
        await async_send_sms(
            hass,
            recipients=["06 12 34 56 78", "+44 7911 123456"],
            message="Another " + long_text,
        )
        assert len(sim.outbox) == 4


async def test_a_burst_fired_at_once_cannot_overshoot_the_budget(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Checked again in each request's turn: none of the burst has replied when all are asked."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 3}) as (sim, _entry):
        outcomes = await asyncio.gather(
            *(
                async_send_sms(
                    hass, recipients=["06 12 34 56 78"], message=f"Burst {n}"
                )
                for n in range(10)
            ),
            return_exceptions=True,
        )
        refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
        for err in refused:
            assert_translated(err, "daily_budget_reached", validation=False)
        assert len(refused) == 7
        assert len(sim.outbox) == 3


async def test_an_sms_that_may_have_been_sent_counts_against_the_budget(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An SMS cut off after it left counts against the budget, so the next one is refused."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, _entry):
        sim.inject(Fault(kind=FaultKind.RESET, after_send=True))
        with pytest.raises(HomeAssistantError) as raised:
            await async_notify(hass, "notify.alice", "Maybe")
        assert_translated(raised.value, "connection_broken")
        with pytest.raises(HomeAssistantError) as raised:
            await async_notify(hass, "notify.alice", "Over")
        assert_translated(raised.value, "daily_budget_reached")
        assert len(sim.outbox) == 1


async def test_an_sms_cut_off_by_a_restarted_automation_counts_against_the_budget(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A restart-mode automation that cancels its SMS on the wire cannot outspend the budget."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, _entry):
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "id": "motion_alert",
                    "alias": "Motion alert",
                    "mode": "restart",
                    "triggers": [{"trigger": "event", "event_type": "motion"}],
                    "actions": [
                        {
                            "action": "notify.send_message",
                            "target": {"entity_id": "notify.alice"},
                            "data": {"message": "Motion {{ trigger.event.data.n }}"},
                        }
                    ],
                }
            },
        )
        await hass.async_block_till_done()
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=1.0, after_send=True))
        hass.bus.async_fire("motion", {"n": 1})
        async with asyncio.timeout(5):
            while not sim.outbox:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        # The gateway took the first SMS; the next motion restarts the run, cutting it off.
        hass.bus.async_fire("motion", {"n": 2})
        await hass.async_block_till_done()
        assert len(sim.outbox) == 1
        assert int(hass.states.get(SPENT_SENSOR).state) == 1


# --- Failures nobody can miss ---------------------------------------------------------------


def _alert_actions(entity_id: str = "notify.alice") -> list[dict[str, Any]]:
    return [
        {
            "action": "notify.send_message",
            "target": {"entity_id": entity_id},
            "data": {"message": "Water leak in the kitchen"},
        }
    ]


async def _setup_alerts(hass: HomeAssistant) -> None:
    """Two automations (one without an id, as YAML allows) and a script that text Alice."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "leak_alert",
                    "alias": "Leak alert",
                    "triggers": [{"trigger": "event", "event_type": "leak"}],
                    "actions": _alert_actions(),
                },
                {
                    "alias": "Old leak alert",
                    "triggers": [{"trigger": "event", "event_type": "old_leak"}],
                    "actions": [
                        {
                            "action": "ovh_http2sms.send_sms",
                            "data": {
                                "recipients": ["06 12 34 56 78"],
                                "message": "Water leak, old style",
                            },
                        }
                    ],
                },
            ]
        },
    )
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "leak_drill": {"alias": "Leak drill", "sequence": _alert_actions()}
            }
        },
    )
    await hass.async_block_till_done()


async def _trigger(hass: HomeAssistant, event_type: str) -> None:
    """Fire the event an automation waits for and let its run end."""
    hass.bus.async_fire(event_type)
    await hass.async_block_till_done()


# The failure issue's translation key for each error a send can raise: one key per kind of
# failure, so that Home Assistant renders the reason in each reader's language.
FAILURE_ISSUE_KEYS = {
    "timeout": "send_failed_no_answer",
    "connection_broken": "send_failed_no_answer",
    "invalid_response": "send_failed_no_answer",
    "http_error_unknown_outcome": "send_failed_no_answer",
    "cannot_connect": "send_failed_unreachable",
    "service_refused": "send_failed_refused",
    "invalid_parameter": "send_failed_refused",
    "rate_limited": "send_failed_refused",
    "sender_not_found": "send_failed_sender",
    "authentication_failed": "send_failed_authentication",
    "too_many_parts_gsm7": "send_failed_part_limit",
    "invalid_phone_number": "send_failed_number",
}
ISSUE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ENTITY_ID = re.compile(r"^(?:automation|script)\.\w+$|^-$")
MASKED_NUMBER = re.compile(r"^(?:\+\d{1,3} \d )?[• ]+\d\d$")


def _failure_issue(hass: HomeAssistant, key: str | None = None) -> dict[str, str]:
    """The failure issue's placeholders, each a name, a figure, a time or a masked number."""
    issue = _issue(hass, FAILURE_ISSUE)
    assert issue is not None
    assert issue.translation_key is not None
    assert issue.translation_key.startswith("send_failed_")
    if key is not None:
        assert issue.translation_key == key
    assert issue.severity is ir.IssueSeverity.ERROR
    placeholders = issue.translation_placeholders
    assert placeholders is not None
    for name, value in placeholders.items():
        match name:
            case "when":
                assert ISSUE_TIME.match(value), value
            case "entity_id":
                assert ENTITY_ID.match(value), value
            case "number":
                assert MASKED_NUMBER.match(value), value
            case "account":
                assert value == ACCOUNT
            case "caller":
                assert value in CALLERS, value
            case _:
                assert value.isdigit(), (name, value)
    for language in LANGUAGES:
        texts = _language_issues(language)[issue.translation_key]
        # Every placeholder the texts use is given: nothing is left for the reader as {name}.
        for text in texts.values():
            text.format(**placeholders)
    return placeholders


CALLERS = ("Leak alert", "Old leak alert", "Leak drill", "Long report", "Typo alert")
LANGUAGES = ("en", "fr", "es", "it", "pl")


def _language_issues(language: str) -> dict[str, dict[str, str]]:
    path = Path(integration.__file__).parent / "translations" / f"{language}.json"
    issues: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))[
        "issues"
    ]
    return issues


@pytest.mark.parametrize("case", FAULT_CASES, ids=lambda case: case.id)
async def test_an_automation_failure_raises_an_issue_that_clears_after_a_success(
    hass: HomeAssistant, socket_enabled: None, case: FaultCase
) -> None:
    """An automation's failed send raises a repair issue naming it and why; a success clears it."""
    async with fault_scenario(hass, case) as scenario:
        await _setup_alerts(hass)
        scenario.arm()
        await _trigger(hass, "leak")

        placeholders = _failure_issue(hass, FAILURE_ISSUE_KEYS[case.key])
        assert placeholders["caller"] == "Leak alert"
        assert placeholders["entity_id"] == "automation.leak_alert"
        assert placeholders["account"] == ACCOUNT
        assert placeholders["when"].startswith(dt_util.now().strftime("%Y-%m-%d "))

        if not case.recovers:
            return
        await scenario.heal()
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="All clear")
        assert _issue(hass, FAILURE_ISSUE) is None
    assert _issue(hass, FAILURE_ISSUE) is None


async def test_the_issue_is_replaced_names_scripts_and_automations_without_id(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Each failure replaces the one issue and names its script, or its automation without an id."""
    async with _account(hass) as (sim, _entry):
        await _setup_alerts(hass)
        sim.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, times=3))

        await _trigger(hass, "leak")
        assert _failure_issue(hass)["caller"] == "Leak alert"

        await hass.services.async_call("script", "leak_drill", blocking=False)
        await hass.async_block_till_done()
        placeholders = _failure_issue(hass)
        assert placeholders["caller"] == "Leak drill"
        assert placeholders["entity_id"] == "script.leak_drill"

        await _trigger(hass, "old_leak")
        placeholders = _failure_issue(hass)
        assert placeholders["caller"] == "Old leak alert"
        assert placeholders["entity_id"] == "automation.old_leak_alert"
        assert [
            issue_id
            for (domain, issue_id) in ir.async_get(hass).issues
            if domain == DOMAIN
        ] == [FAILURE_ISSUE]


async def test_no_issue_for_a_person_calling_the_action(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A person calling the action sees the error there and then: no repair issue is raised."""
    async with _account(hass) as (sim, _entry):
        with pytest.raises(ServiceValidationError) as raised:
            await async_send_sms(hass, recipients=["06 12"], message="Typo")
        assert_translated(raised.value, "invalid_phone_number", validation=True)

        sim.inject(Fault(kind=FaultKind.UNKNOWN_STATUS))
        with pytest.raises(HomeAssistantError):
            await async_send_sms(hass, recipients=["06 12 34 56 78"], message="By hand")
        assert _issue(hass, FAILURE_ISSUE) is None


async def test_an_automation_validation_error_raises_the_issue_too(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An automation's template can make a message no SMS can carry: nobody sees it either."""
    async with _account(hass, **{CONF_MAX_PARTS: 1}) as (_sim, _entry):
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "id": "long_report",
                    "alias": "Long report",
                    "triggers": [{"trigger": "event", "event_type": "report"}],
                    "actions": [
                        {
                            "action": "notify.send_message",
                            "target": {"entity_id": "notify.alice"},
                            "data": {"message": "x" * 200},
                        }
                    ],
                }
            },
        )
        await _trigger(hass, "report")
        placeholders = _failure_issue(hass, "send_failed_part_limit")
        assert placeholders["caller"] == "Long report"
        assert (placeholders["parts"], placeholders["max_parts"]) == ("2", "1")


async def test_the_failure_issue_shows_no_typed_number(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A number an automation got wrong shows masked in the issue: its last two digits."""
    async with _account(hass) as (sim, _entry):
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "id": "typo_alert",
                    "alias": "Typo alert",
                    "triggers": [{"trigger": "event", "event_type": "typo"}],
                    "actions": [
                        {
                            "action": "ovh_http2sms.send_sms",
                            "data": {
                                "recipients": ["+33 6 12 34 56 7"],
                                "message": "Water leak",
                            },
                        }
                    ],
                }
            },
        )
        await _trigger(hass, "typo")
        placeholders = _failure_issue(hass, "send_failed_number")
        assert placeholders["number"].endswith("67")
        for typed in ("12 34", "1234", "56 7", "34 56"):
            assert typed not in placeholders["number"]
        assert sim.requests == []


async def test_removing_the_entry_takes_its_issues_and_its_spend_away(
    hass: HomeAssistant, socket_enabled: None, hass_storage: dict[str, Any]
) -> None:
    """Removing the entry deletes its repair issues and the account's saved spend of the day."""
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, entry):
        await _setup_alerts(hass)
        sim.inject(Fault(kind=FaultKind.UNKNOWN_STATUS))
        await _trigger(hass, "leak")
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="Spend it")
        with pytest.raises(HomeAssistantError):
            await async_send_sms(hass, recipients=["06 12 34 56 78"], message="Over")
        assert _issue(hass, BUDGET_ISSUE) is not None
        # The success above cleared the failure; fail again to have both at once.
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_DAILY_BUDGET: 0}
        )
        await hass.async_block_till_done()
        sim.inject(Fault(kind=FaultKind.UNKNOWN_STATUS))
        await _trigger(hass, "leak")
        assert _issue(hass, FAILURE_ISSUE) is not None

        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
        assert [
            issue_id
            for (domain, issue_id) in ir.async_get(hass).issues
            if domain == DOMAIN
        ] == []
        # The account's last SMS user is gone: so is its saved record.
        assert not [key for key in hass_storage if key.startswith(f"{DOMAIN}.sent")]


# --- Today's spend --------------------------------------------------------------------------


def _parts_sent_today(sim: ObservedSimulator) -> int:
    """Parts × recipients the gateway took since local midnight (the outbox has one SMS per
    recipient)."""
    today = dt_util.now().date()
    return sum(
        sms.parts for sms in sim.outbox if dt_util.as_local(sms.sent_at).date() == today
    )


def _saved_spend(hass_storage: dict[str, Any]) -> list[int]:
    """Today's parts, as each saved record of an account reads back."""
    return [
        Ledger.from_stored(value["data"], now=dt_util.utcnow())[0].spent_in(
            dt_util.as_utc(dt_util.start_of_local_day()),
            dt_util.as_utc(
                dt_util.start_of_local_day(dt_util.now().date() + timedelta(days=1))
            ),
        )
        for key, value in hass_storage.items()
        if key.startswith(f"{DOMAIN}.sent.")
    ]


@TICKING_CLOCK
async def test_a_steady_stream_of_sms_does_not_put_off_saving_the_spend(
    hass: HomeAssistant,
    socket_enabled: None,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An SMS every few seconds still has today's spend written within SPEND_SAVE_DELAY."""
    async with _account(hass, **{CONF_REPEAT_WINDOW: 0}):
        every = SPEND_SAVE_DELAY * 0.6
        for alert in range(5):
            await async_notify(hass, "notify.alice", f"Water, alert {alert}")
            freezer.tick(timedelta(seconds=every))
            async_fire_time_changed(hass)
            await hass.async_block_till_done()
            if (alert + 1) * every > SPEND_SAVE_DELAY:
                # Written while SMS go on: a crash now would lose only the latest.
                [saved] = _saved_spend(hass_storage)
                assert saved >= alert


@TICKING_CLOCK
async def test_the_spend_sensor_is_the_outbox_of_the_day_across_a_restart(
    hass: HomeAssistant,
    socket_enabled: None,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The spend sensor counts the parts the gateway took today, across a restart and midnight."""
    await hass.config.async_set_time_zone("Europe/Paris")
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        await async_send_sms(
            hass, recipients=["06 12 34 56 78", "+44 7911 123456"], message="x" * 200
        )
        await async_notify(hass, "notify.alice", "Short")
        state = hass.states.get(SPENT_SENSOR)
        assert int(state.state) == _parts_sent_today(sim) == 5
        assert state.attributes["state_class"] == "total"
        assert (
            state.attributes["last_reset"] == dt_util.start_of_local_day().isoformat()
        )

        # A restart: the entry goes, and the next run starts with no account object.
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        hass.data.pop(ACCOUNTS)
        assert _saved_spend(hass_storage) == [5]
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert int(hass.states.get(SPENT_SENSOR).state) == 5

        await async_notify(hass, "notify.bob", "After the restart")
        assert int(hass.states.get(SPENT_SENSOR).state) == _parts_sent_today(sim) == 6

        await _next_local_day(hass, freezer)
        state = hass.states.get(SPENT_SENSOR)
        assert int(state.state) == _parts_sent_today(sim) == 0
        assert (
            state.attributes["last_reset"] == dt_util.start_of_local_day().isoformat()
        )
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@pytest.mark.freeze_time("2026-10-24 21:00:00+00:00", tick=True)
async def test_the_budget_starts_again_at_local_midnight_whatever_summer_time(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Paris leaves summer time in the night of 24 to 25 October 2026: a 25-hour day."""
    await hass.config.async_set_time_zone("Europe/Paris")
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, _entry):
        await async_notify(hass, "notify.alice", "Saturday night")
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Still Saturday")
        # Midnight in Paris is 22:00 UTC on Saturday: one hour before, still refused.
        freezer.move_to("2026-10-24 21:59:00+00:00")
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert _issue(hass, BUDGET_ISSUE) is not None
        freezer.move_to("2026-10-24 22:00:30+00:00")
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert _issue(hass, BUDGET_ISSUE) is None
        await async_notify(hass, "notify.alice", "Sunday, early")
        # Sunday lasts 25 hours: its midnight is 23:00 UTC, not 22:00.
        freezer.move_to("2026-10-25 22:30:00+00:00")
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Sunday, late")
        freezer.move_to("2026-10-25 23:00:30+00:00")
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await async_notify(hass, "notify.alice", "Monday")
        assert [sms.message for sms in sim.outbox] == [
            "Saturday night",
            "Sunday, early",
            "Monday",
        ]


@TICKING_CLOCK
async def test_a_time_zone_change_moves_the_day_the_budget_counts(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Moved to a time zone where tomorrow has begun since, the budget counts that new day.

    What was sent before that zone's midnight is another day there; what was sent after it
    would count (a local day is a stretch of time, whatever the zone).
    """
    await hass.config.async_set_time_zone("Europe/Paris")
    async with _account(hass, **{CONF_DAILY_BUDGET: 1}) as (sim, entry):
        # 20:00 UTC: 21:00 in Paris, 23:00 in Moscow.
        await async_notify(hass, "notify.alice", "Paris evening")
        freezer.move_to("2026-11-30 21:30:00+00:00")
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Still Paris")
        # 21:30 UTC is 00:30 on the next day in Moscow.
        await hass.config.async_set_time_zone("Europe/Moscow")
        await async_notify(hass, "notify.alice", "Moscow, after midnight")
        assert (
            entry.runtime_data.account.spend_day_start == dt_util.start_of_local_day()
        )
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", "Still Moscow")
        assert len(sim.outbox) == 2


@TICKING_CLOCK
async def test_the_spend_sensor_follows_a_time_zone_change_at_once(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Moved to where tomorrow has begun, the sensor shows that day, and its midnight next."""
    await hass.config.async_update(time_zone="Europe/Paris")
    async with _account(hass):
        await async_notify(hass, "notify.alice", "Paris evening")
        assert hass.states.get(SPENT_SENSOR).state == "1"

        # 21:30 UTC is 00:30 on the next day in Moscow: no SMS needed to show it.
        freezer.move_to("2026-11-30 21:30:00+00:00")
        await hass.config.async_update(time_zone="Europe/Moscow")
        await hass.async_block_till_done()
        state = hass.states.get(SPENT_SENSOR)
        assert state.state == "0"
        assert (
            state.attributes["last_reset"] == dt_util.start_of_local_day().isoformat()
        )

        await async_notify(hass, "notify.alice", "Moscow night")
        assert hass.states.get(SPENT_SENSOR).state == "1"
        await _next_local_day(hass, freezer)
        state = hass.states.get(SPENT_SENSOR)
        assert state.state == "0"
        assert (
            state.attributes["last_reset"] == dt_util.start_of_local_day().isoformat()
        )


# --- Any sequence of sends and clock moves --------------------------------------------------

LONG_TEXT = "Leak report: " + "x" * 150  # two parts
NUMBERS = {ALICE: "06 12 34 56 78", BOB: "+44 7911 123456"}
SENDS = st.tuples(
    st.just("send"),
    st.sampled_from([[ALICE], [BOB], [ALICE, BOB]]),
    st.sampled_from(["Door open", "Door closed", LONG_TEXT]),
    st.booleans(),
)
# Waits in minutes that never add up to a window exactly (1 or 2 minutes).
WAITS = st.tuples(st.just("wait"), st.sampled_from([0.7, 1.7, 7.0]))
MIDNIGHT = st.tuples(st.just("midnight"))
RUNS = st.tuples(
    st.integers(1, 8),
    st.sampled_from([0, 1, 2]),
    st.lists(st.one_of(SENDS, SENDS, WAITS, MIDNIGHT), min_size=1, max_size=8),
)


@dataclass(frozen=True)
class _Sent:
    """What the property knows of an SMS the gateway took: when it was asked for, and how."""

    at: datetime
    recipient: str
    text: str
    allow_repeat: bool
    parts: int


@TICKING_CLOCK
async def test_any_sequence_stays_within_the_budget_and_never_repeats_in_the_window(
    hass: HomeAssistant, socket_enabled: None, freezer: FrozenDateTimeFactory
) -> None:
    """Any sends and clock moves keep each day in budget, with no unasked repeat in the window."""
    await hass.config.async_set_time_zone("Europe/Paris")
    async with observed_simulator() as sim:

        async def example(drawn: tuple[int, int, list[tuple[Any, ...]]]) -> None:
            budget, window, steps = drawn
            sim.reset()
            entry = await async_setup(
                hass,
                account_entry(
                    sim.endpoint,
                    **FAST_PACE,
                    **{CONF_DAILY_BUDGET: budget, CONF_REPEAT_WINDOW: window},
                ),
            )
            sent: list[_Sent] = []
            for step in steps:
                if step[0] == "wait":
                    freezer.tick(timedelta(minutes=step[1]))
                    continue
                if step[0] == "midnight":
                    await _next_local_day(hass, freezer)
                    continue
                _, recipients, text, allow_repeat = step
                at = dt_util.utcnow()
                try:
                    response = await async_send_sms(
                        hass,
                        recipients=[NUMBERS[number] for number in recipients],
                        message=text,
                        allow_repeat=allow_repeat,
                    )
                except HomeAssistantError as err:
                    assert_translated(err, "daily_budget_reached", validation=False)
                    continue
                sent += [
                    _Sent(at, number, text, allow_repeat, response["parts"])
                    for number in response["recipients"]
                ]
            assert await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done()

            assert sorted((sms.recipient, sms.message) for sms in sim.outbox) == sorted(
                (sms.recipient, sms.text) for sms in sent
            )
            days: dict[date, int] = {}
            for sms in sent:
                day = dt_util.as_local(sms.at).date()
                days[day] = days.get(day, 0) + sms.parts
            assert all(parts <= budget for parts in days.values()), (budget, days)
            for earlier, later in itertools.combinations(sent, 2):
                if (earlier.recipient, earlier.text) == (later.recipient, later.text):
                    assert later.allow_repeat or later.at - earlier.at >= timedelta(
                        minutes=window
                    ), (window, earlier, later)

        await run_examples(hass, RUNS, example)


async def test_assist_says_when_the_repeat_guard_held_an_sms_back(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Asked twice for the same SMS, Assist sends it once and says the repeat was held back."""
    async with _account(hass) as (sim, _entry):
        assert await async_setup_component(hass, "homeassistant", {})
        assert await async_setup_component(hass, "conversation", {})
        await hass.async_block_till_done()
        async_expose_entity(hass, conversation.DOMAIN, "notify.alice", True)
        speeches = []
        for language in ("en", "fr"):
            response = await intent.async_handle(
                hass,
                "test",
                "OvhHttp2SmsSend",
                {"contact": {"value": "Alice"}, "message": {"value": "Door open"}},
                language=language,
                assistant=conversation.DOMAIN,
            )
            speeches.append(response.speech["plain"]["speech"])
        assert speeches == [
            "Sent to Alice.",
            (
                "Le contact Alice a déjà reçu ce même SMS dans le délai de"
                " l’anti-répétition\u00a0: il n’a pas été renvoyé."
            ),
        ]
        assert len(sim.outbox) == 1


async def test_a_reply_after_the_last_unload_is_saved_at_once(
    hass: HomeAssistant, socket_enabled: None, hass_storage: dict[str, Any]
) -> None:
    """No save timer of an account without entries may wait: its figure is written at once."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.3, after_send=True))
        on_the_wire = hass.async_create_task(
            async_notify(hass, "notify.alice", "Slow reply")
        )
        async with asyncio.timeout(5):
            while not sim.outbox:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await on_the_wire
        await hass.async_block_till_done()
        assert _saved_spend(hass_storage) == [1]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("+33 6 12 34 56 7", "+33 6•••••67"),
        ("0033 6 12 34 56 78", "+33 6 •• •• •• 78"),
        ("06 12 34 56 7", "•• 67"),
        ("+33 " + "6" * 5000, "•• 66"),
        ("\ud800\u202e12", "•• 12"),
        ("no digits", "••"),
        ("٦١٢٣٤٥٦٧٨", "••"),
    ],
)
def test_a_typed_number_shows_its_last_two_digits_at_most(
    typed: str, shown: str
) -> None:
    """Whatever was typed, the failure issue shows no more than the last two digits."""
    assert masked_typed_number(typed) == shown


@pytest.mark.parametrize("key", sorted(KIND_OF_ERROR))
def test_the_failure_issue_of_every_error_reads_in_every_language(key: str) -> None:
    """Each error gives its issue what its texts need, and nothing of what was typed."""
    message = EN_EXCEPTIONS[key]
    given = {
        name: "+33 6 98 76 54 32" if name == "number" else "7"
        for name in re.findall(r"\{(\w+)\}", message)
    }
    issue_key, placeholders = failure_issue(send_error(key, **given))
    placeholders |= {
        "caller": "Leak alert",
        "entity_id": "automation.leak_alert",
        "account": ACCOUNT,
        "when": "2026-12-07 08:30:00",
    }
    for language in LANGUAGES:
        for text in _language_issues(language)[issue_key].values():
            rendered = text.format(**placeholders)
            assert "{" not in rendered
            assert "98 76 54" not in rendered
