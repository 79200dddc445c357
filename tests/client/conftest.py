"""Fixtures for the http2sms client's tests: a real simulator on 127.0.0.1 and a traced session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import SimpleNamespace

import aiohttp
import pytest
from yarl import URL

from custom_components.ovh_http2sms.http2sms import Credentials, Http2SmsClient
from http2sms_simulator import Account, SimulatorState, SmsUser
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SENDER

OTHER_SENDER = "Alarm"
RECIPIENT = "0033612345678"
OTHER_RECIPIENT = "0033698765432"
CREDIT = "1000"


def make_account(*, allowed_ips: list[str] | None = None) -> Account:
    """The account every client test talks to, with the suite's credentials."""
    return Account(
        name=ACCOUNT,
        credit=CREDIT,
        users={LOGIN: SmsUser(password=PASSWORD, allowed_ips=allowed_ips or [])},
        senders=[SENDER, OTHER_SENDER],
    )


@dataclass(slots=True)
class SentRequest:
    """One HTTP request as aiohttp sent it: what went into the URL and what into the body."""

    method: str
    url: URL
    headers: dict[str, str]
    body: bytearray = field(default_factory=bytearray)


@dataclass(slots=True)
class Trace:
    """Every request the session started, seen through aiohttp's own tracing hooks."""

    requests: list[SentRequest] = field(default_factory=list)
    connections: int = 0


def _trace_config(trace: Trace) -> aiohttp.TraceConfig:
    config = aiohttp.TraceConfig()

    async def on_request_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        trace.requests.append(
            SentRequest(
                method=params.method, url=params.url, headers=dict(params.headers)
            )
        )

    async def on_request_chunk_sent(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestChunkSentParams,
    ) -> None:
        trace.requests[-1].body += params.chunk

    async def on_connection_create_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        _params: aiohttp.TraceConnectionCreateStartParams,
    ) -> None:
        trace.connections += 1

    config.on_request_start.append(on_request_start)
    config.on_request_chunk_sent.append(on_request_chunk_sent)
    config.on_connection_create_start.append(on_connection_create_start)
    return config


@pytest.fixture
def state() -> SimulatorState:
    """Credentials are checked before missing parameters unless a test says otherwise."""
    return SimulatorState([make_account()], missing_before_auth=False)


@pytest.fixture
def trace() -> Trace:
    """What the session sends, request by request."""
    return Trace()


@pytest.fixture
async def session(
    socket_enabled: None, trace: Trace
) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session whose requests are traced."""
    async with aiohttp.ClientSession(trace_configs=[_trace_config(trace)]) as client:
        yield client


@pytest.fixture
def credentials() -> Credentials:
    """The credentials of the account every client test talks to."""
    return Credentials(account=ACCOUNT, login=LOGIN, password=PASSWORD)


@pytest.fixture
def client(
    session: aiohttp.ClientSession,
    simulator: RunningSimulator,
    credentials: Credentials,
) -> Http2SmsClient:
    """A client of the simulator with the suite's credentials."""
    return Http2SmsClient(session, credentials, endpoint=simulator.endpoint)
