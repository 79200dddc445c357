"""
No SMS is ever sent twice.

A fault that strikes after the simulator accepted and charged the SMS (after_send) must leave
exactly one SMS in the outbox and one request in its log: the integration may not know whether
it was sent, so it must not try again. The only retry allowed is for a connection that never
opened (refused, DNS, TLS handshake), where the request provably never left: exactly two
attempts, the second one answered if the gateway came up in between.

Connection attempts that reach no server are counted by wrapping the client's one-attempt
method (`fault_helpers.AttemptCounter`); the simulator's own log counts those that arrived.
"""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from http2sms_simulator import Fault, FaultKind

from .conftest import account_entry
from .fault_helpers import (
    ACTION,
    FAULT_CASES,
    LONG_DELAY,
    PATHS,
    SHORT_TIMEOUT,
    AttemptCounter,
    FaultCase,
    assert_translated,
    async_send_to_alice,
    async_setup,
    fault_scenario,
    observed_simulator,
)

AFTER_SEND_FAULTS = {
    "reset_in_body": (
        Fault(kind=FaultKind.RESET, after_send=True),
        "connection_broken",
    ),
    "reset_in_headers": (
        Fault(kind=FaultKind.RESET, after_send=True, reset_in="headers"),
        "connection_broken",
    ),
    "malformed": (Fault(kind=FaultKind.MALFORMED, after_send=True), "invalid_response"),
    "empty": (Fault(kind=FaultKind.EMPTY, after_send=True), "invalid_response"),
    "delay_beyond_timeout": (
        Fault(kind=FaultKind.DELAY, after_send=True, seconds=LONG_DELAY),
        "timeout",
    ),
    "http_503": (
        Fault(kind=FaultKind.HTTP_ERROR, after_send=True, http_status=503),
        "http_error_unknown_outcome",
    ),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("fault", "key"), AFTER_SEND_FAULTS.values(), ids=AFTER_SEND_FAULTS.keys()
)
async def test_fault_after_sending_is_not_sent_again(
    hass: HomeAssistant, socket_enabled: None, fault: Fault, key: str, path: str
) -> None:
    """A fault after the gateway accepted the SMS raises an error; it is not sent again."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint), timeout=SHORT_TIMEOUT)
        # A fault counts its times down: every test injects its own copy.
        sim.inject(Fault(**fault.to_json()))  # type: ignore[arg-type]
        with AttemptCounter().patching() as counter:
            with pytest.raises(HomeAssistantError) as raised:
                await async_send_to_alice(hass, path, "Fire in the kitchen")
            assert_translated(raised.value, key, validation=False)

            assert counter.attempts == 1
            assert len(sim.requests) == 1
            assert [sms.message for sms in sim.outbox] == ["Fire in the kitchen"]
            assert sim.requests[0].fault is fault.kind

            await async_send_to_alice(hass, path, "Fire is out")
            assert counter.attempts == 2
            assert len(sim.requests) == 2
            assert [sms.message for sms in sim.outbox] == [
                "Fire in the kitchen",
                "Fire is out",
            ]


async def test_timeout_before_any_reply_is_not_retried(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The request reached the gateway (which may still send it): no second request."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint), timeout=SHORT_TIMEOUT)
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=LONG_DELAY))
        with AttemptCounter().patching() as counter:
            with pytest.raises(HomeAssistantError) as raised:
                await async_send_to_alice(hass, ACTION, "Anyone home")
            assert_translated(raised.value, "timeout", validation=False)
        assert counter.attempts == 1
        assert len(sim.requests) == 1


@pytest.mark.parametrize("path", PATHS)
async def test_refused_connection_is_tried_exactly_twice(
    hass: HomeAssistant, socket_enabled: None, path: str
) -> None:
    """A refused connection is tried exactly twice with the same request, then fails."""
    async with observed_simulator(start=False) as sim:
        await async_setup(hass, account_entry(sim.endpoint))
        with (
            AttemptCounter().patching() as counter,
            pytest.raises(HomeAssistantError) as raised,
        ):
            await async_send_to_alice(hass, path, "Nobody listens")
        assert_translated(raised.value, "cannot_connect", validation=False)
        assert counter.attempts == 2
        assert counter.bodies[0] == counter.bodies[1]
        assert sim.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_refused_then_up_is_sent_once_by_the_retry(
    hass: HomeAssistant, socket_enabled: None, path: str
) -> None:
    """The gateway starts listening right after the first refusal; the retry gets through."""
    async with observed_simulator(start=False) as sim:
        # OVH's own timeout: the retry's connection waits in the kernel's queue until the
        # simulator serves it, however slow the machine.
        await async_setup(hass, account_entry(sim.endpoint))
        first_refusal = asyncio.Event()

        def after_failure(attempt: int) -> None:
            assert attempt == 1, "the retry failed too"
            sim.listen()
            first_refusal.set()

        with AttemptCounter(after_failure).patching() as counter:
            sending = asyncio.ensure_future(
                async_send_to_alice(hass, path, "Second chance")
            )
            async with asyncio.timeout(10):
                await first_refusal.wait()
            await sim.start()
            await sending
        assert counter.attempts == 2
        assert len(sim.requests) == 1
        assert [sms.message for sms in sim.outbox] == ["Second chance"]


@pytest.mark.parametrize(
    "case",
    [case for case in FAULT_CASES if case.network is not None],
    ids=lambda case: case.id,
)
async def test_connections_that_never_opened_are_tried_twice(
    hass: HomeAssistant, socket_enabled: None, case: FaultCase
) -> None:
    """A connection that never opened (refused, DNS, TLS) is tried twice and nothing is sent."""
    async with fault_scenario(hass, case) as scenario:
        with (
            AttemptCounter().patching() as counter,
            pytest.raises(HomeAssistantError),
        ):
            await async_send_to_alice(hass, ACTION, "Never left")
        assert counter.attempts == 2
        assert scenario.sim.requests == []
        assert scenario.sim.outbox == []


@pytest.mark.parametrize(
    "case",
    [case for case in FAULT_CASES if case.network is None and case.fault is not None],
    ids=lambda case: case.id,
)
async def test_faults_that_reached_the_gateway_are_tried_once(
    hass: HomeAssistant, socket_enabled: None, case: FaultCase
) -> None:
    """A fault after the request reached the gateway is not retried."""
    async with fault_scenario(hass, case) as scenario:
        scenario.arm()
        with (
            AttemptCounter().patching() as counter,
            pytest.raises(HomeAssistantError),
        ):
            await async_send_to_alice(hass, ACTION, "Once only")
        assert counter.attempts == 1
        assert len(scenario.sim.requests) == 1
        assert len(scenario.sim.outbox) == case.accepted
