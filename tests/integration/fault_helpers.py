"""
Shared tools for the "never leak, never lose, never double-send" tests.

Everything here acts at the edges of the integration, never inside it:

- `ObservedSimulator` serves the real simulator app with one aiohttp middleware that counts the
  http2sms requests in flight (the most seen at once) and records each request's URL and headers.
  Its socket is bound at once but only listens when asked, so the same port first refuses
  connections (ECONNREFUSED, the request provably never left) and later answers.
- `failing_dns` replaces the answer of Home Assistant's shared DNS resolver (the one object
  aiohttp asks before connecting to a host name) with the error aiohttp's own resolver raises for
  an unknown name; aiohttp then turns it into `ClientConnectorDNSError` as it would for real.
- `AttemptCounter` wraps the client's single-attempt method to count connection attempts that
  never reach any server (a refused connection leaves no trace anywhere else).
- `FAULT_CASES` lists every fault the tests inject, with what the caller must see.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
import json
from pathlib import Path
import socket
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.aiohttp_client import DATA_RESOLVER
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.ovh_http2sms as integration
from custom_components.ovh_http2sms.const import CONF_MAX_SENDS_PER_SECOND, DOMAIN
from custom_components.ovh_http2sms.http2sms.client import Http2SmsClient
from custom_components.ovh_http2sms.options import MAX_SENDS_PER_SECOND_LIMIT
from http2sms_simulator import (
    HTTP2SMS_PATH,
    Account,
    Fault,
    FaultKind,
    SimulatorState,
    SmsUser,
    create_app,
)
from http2sms_simulator.testing import SHUTDOWN_TIMEOUT, RunningSimulator
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SENDER

from .conftest import account_entry, async_notify, async_send_sms

OTHER_SENDERS = ("Alarm", "33612345678")
ALICE_NUMBER = "0033612345678"
# The client's total timeout in these tests (OVH's default of 30 s would make them slow), and a
# delay that no reply survives.
SHORT_TIMEOUT = 0.5
LONG_DELAY = 5.0

EN_EXCEPTIONS: dict[str, str] = {
    key: value["message"]
    for key, value in json.loads(
        (Path(integration.__file__).parent / "translations" / "en.json").read_text(
            encoding="utf-8"
        )
    )["exceptions"].items()
}


def funded_account() -> Account:
    """The default account with credit for any number of sends, and two more senders."""
    return Account(
        name=ACCOUNT,
        credit=1_000_000,
        users={LOGIN: SmsUser(password=PASSWORD)},
        senders=[SENDER, *OTHER_SENDERS],
    )


# Options that let tests fire many sends without waiting for the default pace.
FAST_PACE = {CONF_MAX_SENDS_PER_SECOND: MAX_SENDS_PER_SECOND_LIMIT}


async def async_setup(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    *,
    timeout: float | None = None,  # noqa: ASYNC109 - the client's timeout, not this call's
) -> MockConfigEntry:
    """Set the entry up in a French Home Assistant, its client with `timeout` if given."""
    await hass.config.async_update(country="FR")
    entry.add_to_hass(hass)
    # The send timeout is not an option; it is shortened only while the entry starts.
    with patch.object(integration, "SEND_TIMEOUT", timeout or integration.SEND_TIMEOUT):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    return entry


def credit_sensor_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The entity id of the entry's credit sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.entry_id}_credits"
    )
    assert entity_id is not None
    return entity_id


# --- The simulator, observed -------------------------------------------------------------


@dataclass
class Observation:
    """What the middleware saw of the http2sms requests."""

    in_flight: int = 0
    max_in_flight: int = 0
    urls: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Any],
    ) -> web.StreamResponse:
        """Count the request while its handler runs (a DELAY fault sleeps in the handler)."""
        if request.path != HTTP2SMS_PATH:
            response: web.StreamResponse = await handler(request)
            return response
        self.urls.append(str(request.url))
        self.headers.append(dict(request.headers))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await handler(request)  # type: ignore[no-any-return]
        finally:
            self.in_flight -= 1


class ObservedSimulator(RunningSimulator):
    """A simulator on 127.0.0.1 whose port exists from the start but listens only once started."""

    def __init__(self, state: SimulatorState) -> None:
        """Bind the port; nothing answers on it yet (connections are refused)."""
        self.observation = Observation()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        super().__init__(
            state=state, host="127.0.0.1", port=self._sock.getsockname()[1]
        )
        app = create_app(state)
        app.middlewares.append(self.observation.middleware)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            handler_cancellation=True,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            access_log=None,
        )
        self.started = False

    def listen(self) -> None:
        """
        Let the kernel accept connections from now on, synchronously.

        A connection made after this call is queued by the kernel until `start` serves it, so
        a client retrying right after cannot be refused any more.
        """
        self._sock.listen(128)

    async def start(self) -> None:
        """Serve http2sms on the port."""
        if not self.started:
            self.started = True
            await self._runner.setup()
            await web.SockSite(self._runner, self._sock).start()

    async def close(self) -> None:
        """Stop serving and free the port."""
        if self.started:
            await self._runner.cleanup()
        self._sock.close()


@asynccontextmanager
async def observed_simulator(
    state: SimulatorState | None = None, *, start: bool = True
) -> AsyncIterator[ObservedSimulator]:
    """Serve (or, with start=False, only reserve the port of) an observed simulator."""
    sim = ObservedSimulator(
        state if state is not None else SimulatorState([funded_account()])
    )
    try:
        if start:
            await sim.start()
        yield sim
    finally:
        await sim.close()


# --- Edges: DNS, attempts -----------------------------------------------------------------


@dataclass
class DnsSwitch:
    """Whether the patched resolver fails; when it does not, every name is 127.0.0.1."""

    failing: bool = True
    lookups: list[str] = field(default_factory=list)


@contextmanager
def failing_dns(hass: HomeAssistant) -> Iterator[DnsSwitch]:
    """
    Make Home Assistant's resolver answer as for a name that does not exist, until switched.

    The error is the one `aiohttp.resolver.AsyncResolver` raises for NXDOMAIN, so everything
    from there on (aiohttp's ClientConnectorDNSError, the client, the sender) runs for real.
    No packet leaves the machine: `.invalid` names would otherwise reach whatever DNS server
    the test machine has, or none, and the outcome would depend on the machine.
    """
    switch = DnsSwitch()
    resolver = hass.data[DATA_RESOLVER]

    async def resolve(
        host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[dict[str, Any]]:
        switch.lookups.append(host)
        if switch.failing:
            raise OSError(None, "Domain name not found")
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    with patch.object(resolver, "resolve", resolve):
        yield switch


class AttemptCounter:
    """Count the client's HTTP attempts, call `on_failure` after each failed one."""

    def __init__(self, on_failure: Callable[[int], None] | None = None) -> None:
        """Start at zero."""
        self.attempts = 0
        self.bodies: list[bytes] = []
        self._on_failure = on_failure

    @contextmanager
    def patching(self) -> Iterator[AttemptCounter]:
        """Wrap `Http2SmsClient._post` (one POST, no retry) while the block runs."""
        real_post = Http2SmsClient._post
        counter = self

        async def post(client: Http2SmsClient, body: bytes) -> Any:
            counter.attempts += 1
            counter.bodies.append(body)
            try:
                return await real_post(client, body)
            except Exception:
                if counter._on_failure is not None:
                    counter._on_failure(counter.attempts)
                raise

        with patch.object(Http2SmsClient, "_post", post):
            yield self


# --- Sending through both paths -----------------------------------------------------------

ACTION = "send_sms"
NOTIFY = "notify"
PATHS = (ACTION, NOTIFY)


async def async_send_to_alice(
    hass: HomeAssistant, path: str, message: str, *, title: str | None = None
) -> dict[str, Any] | None:
    """Send `message` to Alice by `path`: the action (its response) or her notify entity."""
    if path == ACTION:
        titled = {} if title is None else {"title": title}
        return await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message=message, **titled
        )
    await async_notify(hass, "notify.alice", message, title=title)
    return None


def assert_translated(
    err: BaseException, key: str | None = None, *, validation: bool | None = None
) -> None:
    """Check that err is this integration's translated error, its text the English message."""
    assert isinstance(err, HomeAssistantError), repr(err)
    if validation is not None:
        assert isinstance(err, ServiceValidationError) is validation, repr(err)
    assert err.translation_domain == DOMAIN, repr(err)
    assert err.translation_key in EN_EXCEPTIONS, err.translation_key
    if key is not None:
        assert err.translation_key == key, (err.translation_key, str(err))
    # Home Assistant drops the final full stop of translated exception messages.
    expected = (
        EN_EXCEPTIONS[err.translation_key]
        .rstrip(".")
        .format(**(err.translation_placeholders or {}))
    )
    assert str(err) == expected
    assert str(err).strip()


# --- The faults ---------------------------------------------------------------------------

REFUSED = "refused"
DNS = "dns"
DNS_HTTPS = "dns_https"
TLS = "tls"


@dataclass(frozen=True)
class FaultCase:
    """One way a send can fail, and what the caller and the user must see."""

    id: str
    key: str
    fault: Fault | None = None
    # REFUSED, DNS, DNS_HTTPS or TLS: the fault is in the network, not in the simulator.
    network: str | None = None
    validation: bool = False
    # The gateway counts as unreachable: warning logged, credit sensor unavailable.
    unreachable: bool = False
    # Whether a later send can work in the same entry (TLS and DNS_HTTPS cannot: no certificate).
    recovers: bool = True
    # How many SMS the simulator accepted for the failing send (after_send faults: one).
    accepted: int = 0
    # How many requests reached the simulator for the failing send.
    requests: int = 1

    def fault_copy(self, times: int | None = 1) -> Fault:
        """A fresh copy of the simulator fault (a fault counts down its times)."""
        assert self.fault is not None
        return Fault(**{**self.fault.to_json(), "times": times})  # type: ignore[arg-type]


def _html_error(status: int) -> FaultCase:
    return FaultCase(
        id=f"http_{status}_html",
        key="http_error_unknown_outcome",
        fault=Fault(kind=FaultKind.HTTP_ERROR, http_status=status),
        unreachable=True,
    )


def _status(status: int, key: str, *, validation: bool = False) -> FaultCase:
    return FaultCase(
        id=f"status_{status}",
        key=key,
        fault=Fault(kind=FaultKind.UNKNOWN_STATUS, status=status),
        validation=validation,
    )


FAULT_CASES: tuple[FaultCase, ...] = (
    FaultCase(
        id="timeout_before_sending",
        key="timeout",
        fault=Fault(kind=FaultKind.DELAY, seconds=LONG_DELAY),
        unreachable=True,
    ),
    FaultCase(
        id="slow_reply_after_sending",
        key="timeout",
        fault=Fault(kind=FaultKind.DELAY, seconds=LONG_DELAY, after_send=True),
        unreachable=True,
        accepted=1,
    ),
    FaultCase(
        id="connection_refused",
        key="cannot_connect",
        network=REFUSED,
        unreachable=True,
        requests=0,
    ),
    FaultCase(
        id="reset_in_body_after_sending",
        key="connection_broken",
        fault=Fault(kind=FaultKind.RESET, after_send=True),
        unreachable=True,
        accepted=1,
    ),
    FaultCase(
        id="reset_in_headers_after_sending",
        key="connection_broken",
        fault=Fault(kind=FaultKind.RESET, after_send=True, reset_in="headers"),
        unreachable=True,
        accepted=1,
    ),
    FaultCase(
        id="reset_before_sending",
        key="connection_broken",
        fault=Fault(kind=FaultKind.RESET),
        unreachable=True,
    ),
    FaultCase(
        id="dns_failure_loopback_name",
        key="cannot_connect",
        network=DNS,
        unreachable=True,
        requests=0,
    ),
    FaultCase(
        id="dns_failure_https_invalid",
        key="cannot_connect",
        network=DNS_HTTPS,
        unreachable=True,
        recovers=False,
        requests=0,
    ),
    FaultCase(
        id="tls_handshake_failure",
        key="cannot_connect",
        network=TLS,
        unreachable=True,
        recovers=False,
        requests=0,
    ),
    _html_error(500),
    _html_error(502),
    _html_error(503),
    FaultCase(
        id="empty_body",
        key="invalid_response",
        fault=Fault(kind=FaultKind.EMPTY),
    ),
    FaultCase(
        id="malformed_json_after_sending",
        key="invalid_response",
        fault=Fault(kind=FaultKind.MALFORMED, after_send=True),
        accepted=1,
    ),
    FaultCase(
        id="malformed_json_body",
        key="invalid_response",
        fault=Fault(kind=FaultKind.MALFORMED, body='{"status": 100, "creditLeft": "12'),
    ),
    _status(999, "service_refused"),
    _status(201, "service_refused"),
    _status(202, "invalid_parameter", validation=True),
    _status(241, "sender_not_found", validation=True),
    _status(401, "authentication_failed"),
    FaultCase(
        id="rate_limit_http_429",
        key="rate_limited",
        fault=Fault(kind=FaultKind.RATE_LIMIT, limit=0),
    ),
    FaultCase(
        id="rate_limit_in_body",
        key="rate_limited",
        fault=Fault(kind=FaultKind.RATE_LIMIT, limit=0, http_status=200),
    ),
)


@dataclass
class Scenario:
    """An entry set up against an observed simulator, ready to be broken as a case says."""

    hass: HomeAssistant
    case: FaultCase
    sim: ObservedSimulator
    entry: MockConfigEntry
    dns: DnsSwitch | None = None

    def arm(self, times: int = 1) -> None:
        """Make the next `times` sends fail (network faults fail until healed)."""
        if self.case.fault is not None:
            self.sim.inject(self.case.fault_copy(times))

    async def heal(self) -> None:
        """Let the next send through."""
        assert self.case.recovers
        self.sim.clear_faults()
        if self.dns is not None:
            self.dns.failing = False
        self.sim.listen()
        await self.sim.start()


def _endpoint(case: FaultCase, sim: ObservedSimulator) -> str:
    match case.network:
        case None | "refused":
            return sim.endpoint
        case "dns":
            return f"http://localhost.localdomain:{sim.port}{HTTP2SMS_PATH}"
        case "dns_https":
            return f"https://sms-gateway.invalid{HTTP2SMS_PATH}"
        case _:
            return f"https://127.0.0.1:{sim.port}{HTTP2SMS_PATH}"


@asynccontextmanager
async def fault_scenario(
    hass: HomeAssistant, case: FaultCase
) -> AsyncIterator[Scenario]:
    """Set up the account for `case`; the first send will fail once `arm`ed."""
    async with observed_simulator(start=case.network != REFUSED) as sim:
        # The options flow's fastest pace: pacing is not what these tests are about.
        entry = await async_setup(
            hass,
            account_entry(_endpoint(case, sim), **FAST_PACE),
            timeout=SHORT_TIMEOUT,
        )
        if case.network in (DNS, DNS_HTTPS):
            with failing_dns(hass) as dns:
                yield Scenario(hass, case, sim, entry, dns)
        else:
            yield Scenario(hass, case, sim, entry)
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
