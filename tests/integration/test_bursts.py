"""
A burst of sends queues, is bounded and loses nothing.

200 calls are fired at once (action and notify.send_message mixed), each with its own message.
Every one must reach the simulator exactly once and be accepted: the pacer makes them wait, it
never refuses or drops one. The number of requests in flight at the gateway is measured by the
observed simulator's middleware (`fault_helpers.Observation`) while every reply is slowed by a
DELAY fault, so that an unbounded client would show many at once (a smaller burst is enough for
that, and keeps the run short). No duration is asserted.
"""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant

from custom_components.ovh_http2sms.account import MAX_CONCURRENT_REQUESTS
from http2sms_simulator import Fault, FaultKind

from .conftest import account_entry, async_notify
from .fault_helpers import (
    ACTION,
    FAST_PACE,
    NOTIFY,
    async_send_to_alice,
    async_setup,
    observed_simulator,
)

BURST = 200
# Far slower than the gap between two starts at the fastest pace (1/30 s): without a bound on
# concurrency, about 15 of the 16 requests would be in flight at once.
REPLY_DELAY = 0.5
CONCURRENCY_BURST = 16


async def test_burst_of_200_is_sent_exactly_once_each(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A burst of 200 sends through the action and notify sends each SMS exactly once."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        # Every reply a little slow, as OVH's are: requests overlap.
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=0.02, times=None))

        messages = [f"Burst message {number:03d}" for number in range(BURST)]
        calls = []
        for number, message in enumerate(messages):
            match number % 4:
                case 0 | 1:
                    calls.append(async_send_to_alice(hass, ACTION, message))
                case 2:
                    calls.append(async_send_to_alice(hass, NOTIFY, message))
                case _:
                    calls.append(async_notify(hass, "notify.bob", message))
        results = await asyncio.gather(*calls, return_exceptions=True)

        failures = [result for result in results if isinstance(result, BaseException)]
        assert failures == []
        assert len(sim.requests) == BURST
        assert all(record.status == 100 for record in sim.requests)
        assert sorted(sms.message for sms in sim.outbox) == messages
        assert len({sms.sms_id for sms in sim.outbox}) == BURST
        responses = [results[number] for number in range(0, BURST, 4)]
        assert all(response["sms_ids"] for response in responses)
        assert sim.observation.max_in_flight <= MAX_CONCURRENT_REQUESTS
        assert sim.observation.in_flight == 0


async def test_requests_in_flight_are_bounded(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Slow gateway replies never let more requests be in flight than the client's bound."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint, **FAST_PACE))
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=REPLY_DELAY, times=None))

        messages = [f"Slow {number}" for number in range(CONCURRENCY_BURST)]
        results = await asyncio.gather(
            *(async_send_to_alice(hass, ACTION, message) for message in messages),
            return_exceptions=True,
        )

        assert [r for r in results if isinstance(r, BaseException)] == []
        assert sorted(sms.message for sms in sim.outbox) == sorted(messages)
        assert 1 <= sim.observation.max_in_flight <= MAX_CONCURRENT_REQUESTS, (
            sim.observation.max_in_flight
        )


async def test_burst_at_the_default_pace_stays_under_the_gateway_limit(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """
    With the default pace (5 per second) a burst never trips a gateway limit of 8 per second.

    The gateway refuses (HTTP 429) any request beyond 8 within a second: a client that sent the
    burst at once would see refusals; the pacer spreads it so that none is refused.
    """
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint))
        sim.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=8, window=1.0, times=None))
        messages = [f"Paced {number}" for number in range(12)]
        results = await asyncio.gather(
            *(async_send_to_alice(hass, ACTION, message) for message in messages),
            return_exceptions=True,
        )
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert [record.fault for record in sim.requests] == [None] * len(messages)
        assert sorted(sms.message for sms in sim.outbox) == sorted(messages)
