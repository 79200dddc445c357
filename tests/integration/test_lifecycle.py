"""What happens to queued and in-flight SMS on each lifecycle event of an account.

Reload and options change hand the queue over (nothing lost, nothing doubled); remove and
disable refuse queued sends with a translated "not sent", and nothing is sent once the call
returns; a "Home Assistant is stopping" automation's SMS goes out; the pace and the credit are
the OVH account's, whatever entries and reloads share it.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
import itertools
from typing import Any

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_http2sms import account as account_module
from custom_components.ovh_http2sms.config_flow import entry_unique_id
from custom_components.ovh_http2sms.const import (
    CONF_LOGIN,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_SENDS_PER_SECOND,
    DOMAIN,
)
from http2sms_simulator import Account, Fault, FaultKind, SimulatorState, SmsUser
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SENDER

from .conftest import account_entry, async_notify, async_send_sms
from .fault_helpers import (
    ACTION,
    FAST_PACE,
    NOTIFY,
    assert_translated,
    async_send_to_alice,
    async_setup,
    credit_sensor_id,
    observed_simulator,
)
from .test_bad_input import run_examples

QUEUED = 30
SECOND_LOGIN = "alarmUser2"
SECOND_PASSWORD = "Zy8wQp3L"


def _fire(hass: HomeAssistant, count: int, prefix: str) -> list[asyncio.Future[Any]]:
    """Start `count` sends (action and notify mixed) without waiting for them."""
    return [
        asyncio.ensure_future(
            async_send_to_alice(
                hass, ACTION if number % 2 else NOTIFY, f"{prefix} {number}"
            )
        )
        for number in range(count)
    ]


async def _outcomes(calls: list[asyncio.Future[Any]]) -> list[Any]:
    """Wait for every call (a bound, not a measure) and return its result or error."""
    if not calls:
        return []
    _, pending = await asyncio.wait(calls, timeout=30)
    assert pending == set(), f"{len(pending)} call(s) never ended"
    return [call.exception() or call.result() for call in calls]


async def _async_remove_or_disable(
    hass: HomeAssistant, entry: MockConfigEntry, how: str
) -> None:
    """Remove the entry, or disable it as a user does."""
    if how == "remove":
        await hass.config_entries.async_remove(entry.entry_id)
    else:
        await hass.config_entries.async_set_disabled_by(
            entry.entry_id, ConfigEntryDisabler.USER
        )


@pytest.mark.parametrize("event", ["remove", "disable"])
async def test_remove_or_disable_refuses_queued_sends_and_sends_nothing_after(
    hass: HomeAssistant, socket_enabled: None, event: str
) -> None:
    """Queued sends end as "not sent" and none reaches OVH once the call returned."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        account = entry.runtime_data.account
        calls = _fire(hass, QUEUED, "Queued")
        async with asyncio.timeout(10):
            while not sim.outbox:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)

        await _async_remove_or_disable(hass, entry, event)
        # Requests already on the wire may still arrive; no other may.
        requests_when_returned = len(sim.requests) + account.requests_out
        outcomes = await _outcomes(calls)
        await asyncio.sleep(0.5)
        await hass.async_block_till_done()

        assert len(sim.requests) <= requests_when_returned
        sent = {sms.message for sms in sim.outbox}
        refused = [
            outcome for outcome in outcomes if isinstance(outcome, BaseException)
        ]
        assert len(refused) + len(sent) == QUEUED
        assert refused, "the account went before the queue emptied"
        for err in refused:
            assert_translated(err, "entry_gone")
        assert not [
            issue
            for issue in ir.async_get(hass).issues.values()
            if issue.domain == DOMAIN
        ]


async def test_nothing_is_raised_for_an_entry_removed_while_its_request_was_out(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A refusal (401) or a low credit that comes back for a removed entry starts nothing."""
    async with observed_simulator() as sim:
        entry = await async_setup(
            hass,
            account_entry(sim.endpoint, **{CONF_LOW_CREDIT_THRESHOLD: 10**7}),
        )
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.5, after_send=True))
        call = asyncio.ensure_future(async_send_to_alice(hass, ACTION, "Slow reply"))
        async with asyncio.timeout(10):
            while not sim.observation.in_flight:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        await hass.config_entries.async_remove(entry.entry_id)
        assert (await _outcomes([call]))[0]["sms_ids"]
        await hass.async_block_till_done()
        assert not ir.async_get(hass).issues

        entry = await async_setup(hass, account_entry(sim.endpoint))
        sim.state.account(ACCOUNT).users[LOGIN].password = "Changed1"
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.5))
        call = asyncio.ensure_future(async_send_to_alice(hass, ACTION, "Refused later"))
        async with asyncio.timeout(10):
            while not sim.observation.in_flight:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        await hass.config_entries.async_remove(entry.entry_id)
        [err] = await _outcomes([call])
        assert_translated(err, "authentication_failed")
        await hass.async_block_till_done()
        assert hass.config_entries.flow.async_progress() == []


@pytest.mark.parametrize("change", ["reload", "options"])
async def test_reload_and_options_change_hand_the_queue_over(
    hass: HomeAssistant, socket_enabled: None, change: str
) -> None:
    """Queued sends wait for the reload and all go out, once each."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        calls = _fire(hass, QUEUED, "Handed over")
        async with asyncio.timeout(10):
            while not sim.outbox:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        if change == "reload":
            assert await hass.config_entries.async_reload(entry.entry_id)
        else:
            hass.config_entries.async_update_entry(
                entry, options={**entry.options, CONF_MAX_SENDS_PER_SECOND: 10}
            )
        outcomes = await _outcomes(calls)

        assert [o for o in outcomes if isinstance(o, BaseException)] == []
        messages = [sms.message for sms in sim.outbox]
        assert sorted(messages) == sorted(f"Handed over {n}" for n in range(QUEUED))
        assert entry.state is ConfigEntryState.LOADED


async def test_pace_is_the_accounts_across_a_reload(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A reload in a burst never lets more requests start than the account's pace."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        sim.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=8, window=1.0, times=None))
        calls = _fire(hass, 16, "Paced")
        async with asyncio.timeout(10):
            while len(sim.outbox) < 3:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        assert await hass.config_entries.async_reload(entry.entry_id)
        outcomes = await _outcomes(calls)

        assert [o for o in outcomes if isinstance(o, BaseException)] == []
        assert [record.fault for record in sim.requests] == [None] * 16


def _two_users_state() -> SimulatorState:
    return SimulatorState(
        [
            Account(
                name=ACCOUNT,
                credit=1000,
                users={
                    LOGIN: SmsUser(password=PASSWORD),
                    SECOND_LOGIN: SmsUser(password=SECOND_PASSWORD),
                },
                senders=[SENDER],
            )
        ]
    )


async def test_two_sms_users_of_one_account_share_its_pace_and_credit(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Two entries on one OVH account: one pace, and both sensors show the same credit."""
    async with observed_simulator(_two_users_state()) as sim:
        first = await async_setup(hass, account_entry(sim.endpoint))
        second = MockConfigEntry(
            domain=DOMAIN,
            entry_id="01KAOVHSMS0SECONDUSER00000",
            title=ACCOUNT,
            unique_id=entry_unique_id(ACCOUNT, SECOND_LOGIN),
            data={
                **first.data,
                CONF_LOGIN: SECOND_LOGIN,
                "password": SECOND_PASSWORD,
            },
        )
        await async_setup(hass, second)
        sim.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=8, window=1.0, times=None))
        calls = [
            async_send_sms(
                hass,
                config_entry_id=entry.entry_id,
                recipients=["06 12 34 56 78"],
                message=f"From {entry.entry_id} {number}",
            )
            for number in range(7)
            for entry in (first, second)
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)

        assert [r for r in results if isinstance(r, BaseException)] == []
        assert [record.fault for record in sim.requests] == [None] * 14
        credit = sim.state.account(ACCOUNT).credit
        states = {
            hass.states.get(credit_sensor_id(hass, entry)).state
            for entry in (first, second)
        }
        assert states == {str(credit)}


async def test_an_older_reply_never_overwrites_a_newer_credit(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The first request's slow reply carries a higher, older figure: it is not shown."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.5, after_send=True))
        first = asyncio.ensure_future(async_send_to_alice(hass, ACTION, "First, slow"))
        async with asyncio.timeout(10):
            while not sim.observation.in_flight:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        second = await async_send_to_alice(hass, ACTION, "Second, fast")
        first_reply = await first

        assert first_reply["credits_left"] > second["credits_left"]
        credit = sim.state.account(ACCOUNT).credit
        assert Decimal(str(second["credits_left"])) == credit
        assert hass.states.get(credit_sensor_id(hass, entry)).state == str(credit)


async def test_a_shutdown_automation_sms_goes_out(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An automation triggered by Home Assistant stopping still gets its SMS out."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint))
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "triggers": [{"trigger": "homeassistant", "event": "shutdown"}],
                    "actions": [
                        {
                            "action": "notify.send_message",
                            "target": {"entity_id": "notify.alice"},
                            "data": {"message": "UPS on battery: shutting down"},
                        }
                    ],
                }
            },
        )
        await hass.async_block_till_done()

        await hass.async_stop()

        assert [sms.message for sms in sim.outbox] == ["UPS on battery: shutting down"]


async def test_stop_drains_within_a_bound_and_refuses_the_rest_translated(
    hass: HomeAssistant, socket_enabled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queued sends go out while Home Assistant stops; what the bound leaves is "not sent"."""
    monkeypatch.setattr(account_module, "STOP_DRAIN_TIMEOUT", 1.0)
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        # Three waves of four requests: the third cannot start within the bound.
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.8, times=None))
        calls = _fire(hass, 12, "Draining")
        async with asyncio.timeout(10):
            while not sim.observation.in_flight:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        await hass.async_stop()
        outcomes = await _outcomes(calls)

        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert all(isinstance(err, HomeAssistantError) for err in refused)
        assert {err.translation_key for err in refused} <= {"stopping"}
        assert refused, "the bound let every queued SMS out"
        assert len(sim.outbox) + len(refused) == 12


# --- Any interleaving ----------------------------------------------------------------------

STEPS = st.lists(
    st.sampled_from(
        [
            "send",
            "send",
            "send",
            "tick",
            "reload",
            "options",
            "remove",
            "disable",
            "stop",
        ]
    ),
    min_size=1,
    max_size=10,
)
# Keys of errors that say the SMS may have gone out.
MAYBE_SENT = {"timeout", "connection_broken", "invalid_response"}


async def test_any_interleaving_ends_sent_once_or_refused_and_nothing_after_removal(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Sends, reloads, option changes, removals and stops in any order keep every promise.

    Every send ends reported sent (and received exactly once) or refused with a translated
    error; nothing reaches the gateway after a removal or a disable returned. "stop" runs what
    Home Assistant's stop event runs for the account (the process is not stopped per example).
    """
    counter = itertools.count()

    async def example(steps: list[str]) -> None:
        async with observed_simulator() as sim:
            sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.02, times=None))
            entry = await async_setup(
                hass,
                MockConfigEntry(
                    **{
                        **_entry_kwargs(account_entry(sim.endpoint, **FAST_PACE)),
                        "entry_id": f"01KAOVHSMS0PROPERTY{next(counter):07d}",
                    }
                ),
            )
            account = entry.runtime_data.account
            alice = er.async_get(hass).async_get_entity_id(
                "notify", DOMAIN, f"{entry.entry_id}_contact_alice"
            )
            calls: dict[str, asyncio.Future[Any]] = {}
            requests_at_removal: int | None = None
            for number, step in enumerate(steps):
                if step == "send":
                    message = f"Step {number}"
                    calls[message] = asyncio.ensure_future(
                        async_send_sms(
                            hass,
                            config_entry_id=entry.entry_id,
                            recipients=["06 12 34 56 78"],
                            message=message,
                        )
                        if number % 2
                        else async_notify(hass, alice, message)
                    )
                    await asyncio.sleep(0)
                elif step == "tick":
                    await asyncio.sleep(0.03)
                elif step == "reload":
                    await hass.config_entries.async_reload(entry.entry_id)
                elif step == "options":
                    hass.config_entries.async_update_entry(
                        entry,
                        options={CONF_MAX_SENDS_PER_SECOND: 10 + number},
                    )
                    await asyncio.sleep(0)
                elif step == "stop":
                    await account.async_stop()
                else:
                    await _async_remove_or_disable(hass, entry, step)
                    # Requests already on the wire may still arrive; no other may.
                    requests_at_removal = len(sim.requests) + account.requests_out
                    break

            outcomes = dict(
                zip(calls, await _outcomes(list(calls.values())), strict=True)
            )
            await hass.async_block_till_done()
            sent = [sms.message for sms in sim.outbox]
            assert len(sent) == len(set(sent)), "an SMS was sent twice"
            maybe = set()
            for message, outcome in outcomes.items():
                if isinstance(outcome, BaseException):
                    assert_translated(outcome)
                    if outcome.translation_key in MAYBE_SENT:  # type: ignore[attr-defined]
                        maybe.add(message)
                else:
                    assert message in sent, f"{message} said sent, never arrived"
            succeeded = {
                m for m, o in outcomes.items() if not isinstance(o, BaseException)
            }
            assert set(sent) <= succeeded | maybe, "an SMS went out, its call said not"
            if requests_at_removal is not None:
                assert len(sim.requests) <= requests_at_removal, "sent after removal"
            elif hass.config_entries.async_get_entry(entry.entry_id) is not None:
                await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done()

    await run_examples(hass, STEPS, example)


def _entry_kwargs(entry: MockConfigEntry) -> dict[str, Any]:
    """What a MockConfigEntry is made of, to make another with a new id."""
    return {
        "domain": entry.domain,
        "title": entry.title,
        "unique_id": entry.unique_id,
        "data": dict(entry.data),
        "options": dict(entry.options),
        "subentries_data": [
            {
                "subentry_id": subentry.subentry_id,
                "subentry_type": subentry.subentry_type,
                "title": subentry.title,
                "unique_id": subentry.unique_id,
                "data": dict(subentry.data),
            }
            for subentry in entry.subentries.values()
        ],
    }
