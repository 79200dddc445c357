"""
Every fault reaches the caller as a translated error, is logged once, and passes.

Each case of `FAULT_CASES` is run through both `ovh_http2sms.send_sms` and `notify.send_message`
on a fresh Home Assistant: two failing sends (the integration must warn once, not twice), then,
where the network allows it, the fault goes away and the next send must work and be logged once
as back. Network faults are real ones: a port that refuses connections, an https endpoint on the
simulator's plain-http port (a real TLS handshake failure), and a DNS resolver answering "no such
name" (see `fault_helpers.failing_dns` for why the resolver is the edge that is replaced).
"""

from __future__ import annotations

import logging

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.ovh_http2sms.const import DOMAIN
from http2sms_simulator import Fault, FaultKind

from .fault_helpers import (
    ACTION,
    DNS,
    DNS_HTTPS,
    FAULT_CASES,
    NOTIFY,
    PATHS,
    REFUSED,
    TLS,
    FaultCase,
    Scenario,
    assert_translated,
    async_send_to_alice,
    credit_sensor_id,
    fault_scenario,
)

SENDER_LOGGER = "custom_components.ovh_http2sms.account"


def _reachability_logs(
    caplog: pytest.LogCaptureFixture,
) -> tuple[list[str], list[str]]:
    records = [r for r in caplog.records if r.name == SENDER_LOGGER]
    down = [
        r.getMessage()
        for r in records
        if r.levelno == logging.WARNING and "unreachable" in r.getMessage()
    ]
    back = [
        r.getMessage()
        for r in records
        if r.levelno == logging.INFO and "reachable again" in r.getMessage()
    ]
    return down, back


async def _failing_send(scenario: Scenario, path: str, message: str) -> None:
    with pytest.raises(HomeAssistantError) as raised:
        await async_send_to_alice(scenario.hass, path, message)
    assert_translated(
        raised.value, scenario.case.key, validation=scenario.case.validation
    )


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", FAULT_CASES, ids=lambda case: case.id)
async def test_fault_reaches_the_caller_and_passes(
    hass: HomeAssistant,
    socket_enabled: None,
    caplog: pytest.LogCaptureFixture,
    case: FaultCase,
    path: str,
) -> None:
    """A fault raises a translated error, is logged once, and sends work again once it passes."""
    caplog.set_level(logging.DEBUG)
    async with fault_scenario(hass, case) as scenario:
        sim, entry = scenario.sim, scenario.entry
        sensor = credit_sensor_id(hass, entry)
        scenario.arm(times=2)

        await _failing_send(scenario, path, "First alarm")
        assert len(sim.requests) == case.requests
        assert len(sim.outbox) == case.accepted
        await _failing_send(scenario, path, "Second alarm")
        assert len(sim.requests) == 2 * case.requests
        assert len(sim.outbox) == 2 * case.accepted

        down, back = _reachability_logs(caplog)
        assert len(down) == (1 if case.unreachable else 0), down
        assert back == []
        expected = STATE_UNAVAILABLE if case.unreachable else STATE_UNKNOWN
        assert hass.states.get(sensor).state == expected
        assert hass.states.get("notify.alice").state != STATE_UNAVAILABLE
        assert hass.states.get("notify.bob").state != STATE_UNAVAILABLE
        if case.network in (DNS, DNS_HTTPS):
            assert scenario.dns is not None
            assert scenario.dns.lookups, "the DNS resolver was never asked"

        if not case.recovers:
            return
        await scenario.heal()
        await async_send_to_alice(hass, path, "All clear")
        await async_send_to_alice(hass, path, "All clear again")

        assert [sms.message for sms in sim.outbox][-2:] == [
            "All clear",
            "All clear again",
        ]
        down, back = _reachability_logs(caplog)
        assert len(down) == (1 if case.unreachable else 0), down
        assert len(back) == (1 if case.unreachable else 0), back
        state = hass.states.get(sensor).state
        assert state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        assert float(state) == float(sim.state.account(sim.outbox[0].account).credit)


@pytest.mark.parametrize("path", PATHS)
async def test_slow_reply_within_the_timeout_is_sent(
    hass: HomeAssistant, socket_enabled: None, path: str
) -> None:
    """A reply slower than usual but within the timeout still sends the SMS."""
    case = FaultCase(id="slow", key="", fault=Fault(kind=FaultKind.DELAY, seconds=0.05))
    async with fault_scenario(hass, case) as scenario:
        scenario.arm()
        await async_send_to_alice(hass, path, "Slow but fine")
        [sms] = scenario.sim.outbox
        assert sms.message == "Slow but fine"
        assert scenario.sim.requests[0].fault is FaultKind.DELAY


@pytest.mark.parametrize(
    ("network", "cause"),
    [
        (REFUSED, "ConnectionRefusedError"),
        (DNS, "ClientConnectorDNSError"),
        (DNS_HTTPS, "ClientConnectorDNSError"),
        (TLS, "ClientConnectorSSLError"),
    ],
)
async def test_network_faults_are_real_and_never_reach_http2sms(
    hass: HomeAssistant, socket_enabled: None, network: str, cause: str
) -> None:
    """
    Each network fault is the one it claims to be, raised by aiohttp itself.

    TLS: an https endpoint on the simulator's plain-http port; the handshake fails before any
    HTTP request, so the simulator's http2sms handler never runs.
    """
    [case] = [case for case in FAULT_CASES if case.network == network]
    async with fault_scenario(hass, case) as scenario:
        with pytest.raises(HomeAssistantError) as raised:
            await async_send_to_alice(hass, ACTION, "Over the network")
        assert_translated(raised.value, "cannot_connect", validation=False)
        assert scenario.sim.requests == []
        assert scenario.sim.observation.urls == []
    chain = []
    err: BaseException | None = raised.value
    while err is not None:
        chain.append(type(err).__name__)
        err = err.__cause__ or err.__context__
    assert cause in chain, chain


async def test_wrong_password_asks_for_it_again(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A wrong password on a send raises a translated error and starts reauthentication."""
    [case] = [case for case in FAULT_CASES if case.id == "status_401"]
    async with fault_scenario(hass, case) as scenario:
        scenario.arm()
        with pytest.raises(HomeAssistantError) as raised:
            await async_send_to_alice(hass, NOTIFY, "Who am I")
        assert_translated(raised.value, "authentication_failed", validation=False)
        await hass.async_block_till_done()
        [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert flow["context"]["source"] == "reauth"
