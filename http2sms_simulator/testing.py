"""Run the simulator inside a test: `async with run_simulator() as sim: ... sim.endpoint ...`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
import ipaddress
import socket

from aiohttp import web

from .app import DISPATCHER_KEY, HTTP2SMS_PATH, create_app
from .callbacks import CallbackDispatcher
from .state import Fault, RequestRecord, SentSms, SimulatorState

# A test must never wait long for a handler stuck in a delay fault.
SHUTDOWN_TIMEOUT = 1.0


def is_loopback(host: str) -> bool:
    """Tell whether host is a loopback address (or "localhost")."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class RunningSimulator:
    """A simulator serving on a real port, with shortcuts to its state."""

    state: SimulatorState
    host: str
    port: int
    dispatcher: CallbackDispatcher | None = None

    @property
    def base_url(self) -> str:
        """http://host:port, without a final slash."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The full http2sms URL to give a client instead of OVH's."""
        return f"{self.base_url}{HTTP2SMS_PATH}"

    @property
    def outbox_url(self) -> str:
        """The page showing the outbox as phones."""
        return f"{self.base_url}/"

    @property
    def outbox(self) -> list[SentSms]:
        """Every SMS accepted so far."""
        return self.state.outbox

    @property
    def requests(self) -> list[RequestRecord]:
        """Every http2sms request received so far."""
        return self.state.requests

    def inject(self, fault: Fault) -> Fault:
        """Break the next requests as fault says."""
        return self.state.inject(fault)

    def clear_faults(self) -> None:
        """Remove every fault."""
        self.state.clear_faults()

    def reset(self) -> None:
        """Back to the initial accounts with an empty outbox, log and fault list."""
        self.state.reset()

    async def idle(self) -> None:
        """Wait until the delivery reports and replies started so far have been sent."""
        if self.dispatcher is not None:
            await self.dispatcher.idle()


def _bound_socket(host: str, port: int) -> socket.socket:
    """Bind ourselves so that no resolver thread is started for an address literal."""
    family = (
        socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    )
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


@asynccontextmanager
async def run_simulator(
    state: SimulatorState | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_non_loopback: bool = False,
) -> AsyncIterator[RunningSimulator]:
    """Serve a simulator on host:port (0 picks a free port) until the block ends.

    host is an IP address or "localhost"; anything but loopback needs allow_non_loopback.
    """
    if not allow_non_loopback and not is_loopback(host):
        raise ValueError(f"refusing to listen on {host}: not a loopback address")
    if host == "localhost":
        host = "127.0.0.1"
    state = state if state is not None else SimulatorState()
    app = create_app(state)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        handler_cancellation=True,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        access_log=None,
    )
    await runner.setup()
    try:
        sock = _bound_socket(host, port)
        await web.SockSite(runner, sock).start()
        yield RunningSimulator(
            state=state,
            host=host,
            port=sock.getsockname()[1],
            dispatcher=app[DISPATCHER_KEY],
        )
    finally:
        await runner.cleanup()
