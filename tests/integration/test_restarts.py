"""
Nothing is lost across reloads, unloads and stops.

The credit shown by the sensor survives a reload as it survives a restart (test_init covers the
restart). Sends in flight when the entry is reloaded or unloaded, or Home Assistant stops, end
one way or the other: every call returns a response or raises a translated error, none hangs or
vanishes, every SMS that reached the gateway belongs to a call that either succeeded or said the
SMS may have been sent, and none is sent twice. Replies are slowed by a DELAY fault so that the
reload really happens while requests are at the gateway and others wait in the pacer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from http2sms_simulator import Fault, FaultKind
from tests.conftest import ACCOUNT

from .conftest import account_entry
from .fault_helpers import (
    ACTION,
    FAST_PACE,
    NOTIFY,
    ObservedSimulator,
    assert_translated,
    async_send_to_alice,
    async_setup,
    credit_sensor_id,
    observed_simulator,
)

IN_FLIGHT = 12
REPLY_DELAY = 0.3
# Keys of errors that tell the user the SMS may have gone out.
MAYBE_SENT = {
    "timeout",
    "connection_broken",
    "invalid_response",
    "http_error_unknown_outcome",
    "partially_sent",
}


async def _credit_of(sim: ObservedSimulator) -> Decimal:
    return sim.state.account(ACCOUNT).credit


async def test_credit_restored_after_reload_and_after_unload(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The credit shown survives a reload, and an unload followed by a setup."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        sensor = credit_sensor_id(hass, entry)
        await async_send_to_alice(hass, ACTION, "Before the reload")
        credit = await _credit_of(sim)
        assert Decimal(hass.states.get(sensor).state) == credit

        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert Decimal(hass.states.get(sensor).state) == credit
        assert entry.runtime_data.account.credit == credit

        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(sensor).state == STATE_UNAVAILABLE
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert Decimal(hass.states.get(sensor).state) == credit
        assert entry.runtime_data.account.credit == credit


async def _fire_while(
    hass: HomeAssistant,
    sim: ObservedSimulator,
    entry: MockConfigEntry,
    disrupt: Callable[[], Awaitable[Any]],
) -> tuple[list[str], list[Any]]:
    """Fire sends, disrupt once some are at the gateway, return the messages and outcomes."""
    sim.inject(Fault(kind=FaultKind.DELAY, seconds=REPLY_DELAY, times=None))
    messages = [f"In flight {number}" for number in range(IN_FLIGHT)]
    calls = [
        asyncio.ensure_future(
            async_send_to_alice(hass, ACTION if number % 2 else NOTIFY, message)
        )
        for number, message in enumerate(messages)
    ]
    async with asyncio.timeout(10):
        while sim.observation.in_flight == 0:  # noqa: ASYNC110 - polls the simulator
            await asyncio.sleep(0.01)
    await disrupt()
    # A bound, not a measure: a call still pending by then has vanished.
    _, pending = await asyncio.wait(calls, timeout=30)
    assert pending == set(), f"{len(pending)} call(s) never ended"
    outcomes: list[Any] = []
    for call in calls:
        if call.cancelled():
            outcomes.append(asyncio.CancelledError("the call was cancelled"))
        else:
            err = call.exception()
            outcomes.append(err if err is not None else call.result())
    return messages, outcomes


def _check_nothing_lost(
    sim: ObservedSimulator, messages: list[str], outcomes: list[Any]
) -> list[str]:
    """Every call ended; every SMS in the outbox is accounted for, and none is twice."""
    sent = [sms.message for sms in sim.outbox]
    assert len(sent) == len(set(sent)), "an SMS was sent twice"
    untranslated = [
        repr(outcome)
        for outcome in outcomes
        if isinstance(outcome, BaseException)
        and not isinstance(outcome, HomeAssistantError)
    ]
    assert untranslated == [], "calls ended without a translated error"
    succeeded, maybe = set(), set()
    for message, outcome in zip(messages, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            assert_translated(outcome)
            if outcome.translation_key in MAYBE_SENT:  # type: ignore[attr-defined]
                maybe.add(message)
        else:
            succeeded.add(message)
    assert succeeded <= set(sent), "a call said sent, the gateway has no such SMS"
    assert set(sent) <= succeeded | maybe, "an SMS went out, its call said it did not"
    return sent


@pytest.mark.parametrize("disruption", ["reload", "unload"])
async def test_sends_in_flight_during_reload_or_unload_end_loudly(
    hass: HomeAssistant, socket_enabled: None, disruption: str
) -> None:
    """Sends in flight during a reload or unload each end in a response or a translated error."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        sensor = credit_sensor_id(hass, entry)

        async def disrupt() -> None:
            if disruption == "reload":
                assert await hass.config_entries.async_reload(entry.entry_id)
            else:
                assert await hass.config_entries.async_unload(entry.entry_id)

        messages, outcomes = await _fire_while(hass, sim, entry, disrupt)
        await hass.async_block_till_done()
        sent = _check_nothing_lost(sim, messages, outcomes)
        assert sent, "the disruption came before any SMS reached the gateway"

        if disruption == "unload":
            assert entry.state is ConfigEntryState.NOT_LOADED
            with pytest.raises(HomeAssistantError):
                await async_send_to_alice(hass, ACTION, "After unload")
            assert "After unload" not in [sms.message for sms in sim.outbox]
            return
        assert entry.state is ConfigEntryState.LOADED
        sim.clear_faults()
        await async_send_to_alice(hass, NOTIFY, "After reload")
        assert [sms.message for sms in sim.outbox][-1] == "After reload"
        assert Decimal(hass.states.get(sensor).state) == await _credit_of(sim)


async def test_credit_of_replies_during_a_reload_is_kept(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The replies to sends in flight during a reload carry the newest credit: the sensor shows it."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        sensor = credit_sensor_id(hass, entry)
        await async_send_to_alice(hass, ACTION, "Before")

        async def reload() -> None:
            assert await hass.config_entries.async_reload(entry.entry_id)

        messages, outcomes = await _fire_while(hass, sim, entry, reload)
        await hass.async_block_till_done()
        _check_nothing_lost(sim, ["Before", *messages], [{}, *outcomes])

        credit = await _credit_of(sim)
        assert hass.states.get(sensor).state == str(credit), (
            f"the sensor shows {hass.states.get(sensor).state}, the account has {credit}"
        )
        assert entry.runtime_data.account.credit == credit


async def test_sends_in_flight_when_home_assistant_stops_end_loudly(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Sends in flight as Home Assistant stops each end in a response or a translated error."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        messages, outcomes = await _fire_while(hass, sim, entry, hass.async_stop)
        _check_nothing_lost(sim, messages, outcomes)
