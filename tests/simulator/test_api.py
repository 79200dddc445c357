"""The Python API: state helpers, run_simulator's guards, and the app under another runner."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp
from aiohttp import web
import pytest

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    Account,
    Fault,
    FaultKind,
    SimulatorState,
    SmsUser,
    create_app,
)
from http2sms_simulator.testing import RunningSimulator, is_loopback, run_simulator

from .conftest import Client, valid_params


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.0.2.1", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    """Only loopback addresses and localhost count as loopback."""
    assert is_loopback(host) is loopback


async def test_run_simulator_refuses_other_addresses() -> None:
    """The simulator never listens beyond loopback unless told to."""
    with pytest.raises(ValueError, match="not a loopback address"):
        async with run_simulator(host="0.0.0.0"):
            pass


async def test_localhost_binds_127_0_0_1(socket_enabled: None) -> None:
    """localhost binds 127.0.0.1, with no resolver."""
    async with run_simulator(host="localhost") as running:
        assert running.base_url.startswith("http://127.0.0.1:")
        assert running.endpoint == f"{running.base_url}/cgi-bin/sms/http2sms.cgi"


async def test_busy_port(socket_enabled: None) -> None:
    """A port already taken is an error, not a silent second server."""
    async with run_simulator() as first:
        with pytest.raises(OSError):
            async with run_simulator(port=first.port):
                pass


def test_ipv6_base_url_has_brackets() -> None:
    """An IPv6 host is bracketed in the URLs."""
    running = RunningSimulator(state=SimulatorState(), host="::1", port=8765)
    assert running.endpoint == "http://[::1]:8765/cgi-bin/sms/http2sms.cgi"


async def test_running_simulator_helpers(
    client: Client, simulator: RunningSimulator
) -> None:
    """The running simulator's shortcuts reach its state."""
    simulator.inject(Fault(kind=FaultKind.EMPTY, times=None))
    assert await client.get() == (200, "")
    simulator.clear_faults()
    await client.get()
    assert [record.outcome for record in simulator.requests] == ["faulted", "replied"]
    assert len(simulator.outbox) == 1


async def test_delay_under_a_runner_without_handler_cancellation(
    socket_enabled: None,
) -> None:
    """A plain AppRunner does not cancel handlers: the delay must still send nothing."""
    state = SimulatorState()
    state.inject(Fault(kind=FaultKind.DELAY, seconds=0.3))
    runner = web.AppRunner(create_app(state), handler_cancellation=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        async with aiohttp.ClientSession() as session:
            with pytest.raises(TimeoutError):
                async with session.get(
                    f"http://{host}:{port}/cgi-bin/sms/http2sms.cgi",
                    params=valid_params(),
                    timeout=aiohttp.ClientTimeout(total=0.05),
                ) as response:
                    await response.read()
        for _ in range(500):
            if state.requests[0].outcome != "pending":
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.cleanup()
    assert state.requests[0].outcome == "client gone"
    assert state.outbox == []


def test_default_app_state() -> None:
    """An app made without a state serves the default account."""
    from http2sms_simulator import STATE_KEY

    app = create_app()
    assert list(app[STATE_KEY].accounts) == [DEFAULT_ACCOUNT]


def test_state_validation() -> None:
    """The state refuses settings and credits it cannot honour."""
    with pytest.raises(ValueError):
        SimulatorState(json_ids_key="ids")  # type: ignore[arg-type]
    state = SimulatorState()
    with pytest.raises(ValueError):
        state.set_credit(DEFAULT_ACCOUNT, -1)
    with pytest.raises(ValueError):
        state.set_credit(DEFAULT_ACCOUNT, "Infinity")
    with pytest.raises(KeyError):
        state.set_credit("sms-zz0000-1", 1)
    assert state.set_credit(DEFAULT_ACCOUNT, 0.1) == Decimal("0.1")


def test_reset_restores_accounts_added_later() -> None:
    """A reset brings back every account as it was when added."""
    state = SimulatorState([])
    state.add_account(
        Account(
            name="sms-cd5678-1",
            credit=Decimal(3),
            users={"u": SmsUser(password="Passw0rd")},
            senders=["S"],
        )
    )
    state.set_credit("sms-cd5678-1", 1)
    state.reset()
    assert state.account("sms-cd5678-1").credit == 3


def test_fault_times_count_down() -> None:
    """A fault for N requests breaks exactly N."""
    state = SimulatorState()
    fault = state.inject(Fault(kind=FaultKind.EMPTY, times=2))
    state.record_request("GET", None, {})
    assert state.take_fault() is fault
    assert fault.times == 1
    state.record_request("GET", None, {})
    assert state.take_fault() is fault
    state.record_request("GET", None, {})
    assert state.take_fault() is None
    assert state.faults == []
