"""Every fault kind, one-shot / N times / until cleared, before and after the SMS is sent."""

from __future__ import annotations

import asyncio
from decimal import Decimal
import json

import aiohttp
import pytest

from http2sms_simulator import DEFAULT_ACCOUNT, Fault, FaultKind, SimulatorState
from http2sms_simulator.state import RequestRecord
from http2sms_simulator.testing import RunningSimulator

from .conftest import Client, valid_params

SHORT = aiohttp.ClientTimeout(total=0.3)


async def _settled(record: RequestRecord) -> str:
    """Wait until the server has finished with a request the client gave up on."""
    for _ in range(500):
        if record.outcome != "pending":
            return record.outcome
        await asyncio.sleep(0.01)
    return record.outcome


def _charged(simulator: RunningSimulator) -> Decimal:
    return 100 - simulator.state.account(DEFAULT_ACCOUNT).credit


async def test_delay_before_processing_sends_nothing(
    client: Client, simulator: RunningSimulator
) -> None:
    """A client that gives up during a delay before processing sends nothing."""
    simulator.inject(Fault(kind=FaultKind.DELAY, seconds=30))
    with pytest.raises(TimeoutError):
        async with client.session.get(
            simulator.endpoint, params={"account": DEFAULT_ACCOUNT}, timeout=SHORT
        ) as response:
            await response.read()
    assert await _settled(simulator.requests[0]) == "client gone"
    assert simulator.outbox == []
    assert _charged(simulator) == 0
    # One-shot: the next request goes through.
    assert await client.get() == (200, "OK\n99\n10867690")


async def test_delay_the_client_waits_for_succeeds(
    client: Client, simulator: RunningSimulator
) -> None:
    """A short delay only slows the reply."""
    simulator.inject(Fault(kind=FaultKind.DELAY, seconds=0.01))
    assert await client.get() == (200, "OK\n99\n10867690")
    assert simulator.requests[0].fault is FaultKind.DELAY


async def test_delay_after_send_keeps_the_sms(
    client: Client, simulator: RunningSimulator
) -> None:
    """A client that gives up during a delay after sending still sent the SMS."""
    simulator.inject(Fault(kind=FaultKind.DELAY, seconds=30, after_send=True))
    with pytest.raises(TimeoutError):
        async with client.session.get(
            simulator.endpoint,
            params=valid_params(message="late"),
            timeout=SHORT,
        ) as response:
            await response.read()
    assert await _settled(simulator.requests[0]) == "client gone"
    assert [sms.message for sms in simulator.outbox] == ["late"]
    assert _charged(simulator) == 1


@pytest.mark.parametrize("http_status", [500, 502, 503])
async def test_http_error(
    client: Client, simulator: RunningSimulator, http_status: int
) -> None:
    """An HTTP error fault answers an error page and sends nothing."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR, http_status=http_status))
    status, body = await client.get()
    assert status == http_status
    assert body.startswith("<html>")
    assert f"<h1>{http_status} " in body
    assert simulator.outbox == []
    assert simulator.requests[0].outcome == "faulted"


async def test_http_error_defaults_to_503(
    client: Client, simulator: RunningSimulator
) -> None:
    """An HTTP error without a status is a 503."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR))
    status, body = await client.get()
    assert status == 503
    assert "503 Service Unavailable" in body


@pytest.mark.parametrize("reset_in", ["headers", "body"])
@pytest.mark.parametrize("after_send", [False, True])
async def test_reset_mid_reply(
    client: Client, simulator: RunningSimulator, reset_in: str, after_send: bool
) -> None:
    """A reset fault breaks the connection, before or after sending as asked."""
    simulator.inject(
        Fault(kind=FaultKind.RESET, reset_in=reset_in, after_send=after_send)  # type: ignore[arg-type]
    )
    # POST: aiohttp retries an idempotent GET by itself after a disconnect (see below).
    with pytest.raises(aiohttp.ClientError):
        await client.post(contentType="application/json")
    assert [record.outcome for record in simulator.requests] == ["reset"]
    assert len(simulator.outbox) == (1 if after_send else 0)
    assert _charged(simulator) == (1 if after_send else 0)
    assert await client.post() == (
        200,
        "OK\n" + ("98\n10867691" if after_send else "99\n10867690"),
    )


async def test_aiohttp_resends_a_get_cut_in_its_headers(
    client: Client, simulator: RunningSimulator
) -> None:
    """A warning for clients: aiohttp silently retries a GET that lost its connection.

    After a reset inside the headers, the SMS was accepted once by the server and a second
    time by the retry. A POST is not retried, which is one more reason to use it.
    """
    simulator.inject(Fault(kind=FaultKind.RESET, reset_in="headers", after_send=True))
    assert await client.get() == (200, "OK\n98\n10867691")
    assert [record.outcome for record in simulator.requests] == ["reset", "replied"]
    assert len(simulator.outbox) == 2


@pytest.mark.parametrize("after_send", [False, True])
async def test_malformed_json(
    client: Client, simulator: RunningSimulator, after_send: bool
) -> None:
    """A malformed reply is cut JSON, before or after sending as asked."""
    simulator.inject(Fault(kind=FaultKind.MALFORMED, after_send=after_send))
    status, body = await client.get(contentType="application/json")
    assert status == 200
    assert body.startswith('{"status":100,')
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert len(simulator.outbox) == (1 if after_send else 0)


async def test_malformed_with_a_given_body(
    client: Client, simulator: RunningSimulator
) -> None:
    """A malformed fault may answer a body of the test's choice."""
    simulator.inject(Fault(kind=FaultKind.MALFORMED, body="<response><status>1"))
    assert await client.get(contentType="text/xml") == (200, "<response><status>1")


@pytest.mark.parametrize("after_send", [False, True])
async def test_empty_body(
    client: Client, simulator: RunningSimulator, after_send: bool
) -> None:
    """An empty reply, before or after sending as asked."""
    simulator.inject(Fault(kind=FaultKind.EMPTY, after_send=after_send))
    assert await client.get() == (200, "")
    assert len(simulator.outbox) == (1 if after_send else 0)


async def test_unknown_status(client: Client, simulator: RunningSimulator) -> None:
    """An undocumented status in every layout."""
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, times=2))
    assert await client.get(contentType="application/json") == (
        200,
        '{"status":999,"message":"Unknown status (simulated)"}',
    )
    assert await client.get(contentType="text/xml") == (
        200,
        (
            '<?xml version="1.0" encoding="UTF-8" ?><response><status>999</status>'
            "<message>Unknown status (simulated)</message></response>"
        ),
    )
    assert simulator.outbox == []


async def test_unknown_status_after_send(
    client: Client, simulator: RunningSimulator
) -> None:
    """An undocumented success status still sends the SMS."""
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=150, after_send=True))
    assert await client.get(contentType="application/json") == (
        200,
        '{"status":150,"creditLeft":"99","SmsIds":["10867690"]}',
    )
    assert len(simulator.outbox) == 1


async def test_rate_limit_with_http_429(socket_enabled: None) -> None:
    """Beyond the limit per second requests get HTTP 429, until the second is over."""
    from http2sms_simulator.testing import run_simulator

    now = [1000.0]
    state = SimulatorState(clock=lambda: now[0])
    state.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=2, times=None))
    async with aiohttp.ClientSession() as session, run_simulator(state) as simulator:
        client = Client(session, simulator)
        assert (await client.get())[0] == 200
        assert (await client.get())[0] == 200
        status, body = await client.get()
        assert status == 429
        assert "429 Too Many Requests" in body
        now[0] += 1.5
        assert await client.get() == (200, "OK\n97\n10867692")
        assert len(simulator.outbox) == 3
        assert [record.fault for record in simulator.requests] == [
            None,
            None,
            FaultKind.RATE_LIMIT,
            None,
        ]


async def test_rate_limit_in_the_body(
    client: Client, simulator: RunningSimulator
) -> None:
    """A rate limit may be reported in a 200 reply, and sends nothing."""
    simulator.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=0, http_status=200))
    assert await client.get(contentType="text/json") == (
        200,
        '{"status":429,"message":"Too many requests"}',
    )
    assert simulator.requests[0].status == 429
    assert simulator.outbox == []


async def test_fault_for_n_requests(
    client: Client, simulator: RunningSimulator
) -> None:
    """A fault for two requests breaks two."""
    simulator.inject(Fault(kind=FaultKind.EMPTY, times=2))
    assert await client.get() == (200, "")
    assert await client.get() == (200, "")
    assert (await client.get())[1].startswith("OK\n")


async def test_fault_until_cleared(client: Client, simulator: RunningSimulator) -> None:
    """A fault without a count lasts until cleared."""
    simulator.inject(Fault(kind=FaultKind.EMPTY, times=None))
    for _ in range(3):
        assert await client.get() == (200, "")
    simulator.clear_faults()
    assert (await client.get())[1].startswith("OK\n")


async def test_faults_through_the_admin_endpoint(
    client: Client, simulator: RunningSimulator
) -> None:
    """Faults can be injected, listed and cleared over HTTP."""
    status, fault = await client.admin(
        "POST", "faults", json={"kind": "http_error", "http_status": 502, "times": None}
    )
    assert status == 201
    assert fault["kind"] == "http_error"
    assert (await client.admin("GET", "faults"))[1] == [fault]
    assert (await client.get())[0] == 502
    assert (await client.get())[0] == 502
    assert await client.admin("DELETE", "faults") == (200, [])
    assert (await client.get())[0] == 200
    status, fault = await client.admin(
        "POST",
        "faults",
        json={"kind": "reset", "after_send": True, "reset_in": "headers"},
    )
    assert (status, fault["times"], fault["reset_in"]) == (201, 1, "headers")
    with pytest.raises(aiohttp.ClientError):
        await client.post()
    assert len(simulator.outbox) == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"kind": "explode"}, "explode"),
        ({}, "kind"),
        ({"kind": "delay", "seconds": -1}, "positive"),
        ({"kind": "delay", "colour": "red"}, "unknown fault fields: colour"),
        ({"kind": "rate_limit", "after_send": True}, "cannot come after sending"),
        ({"kind": "empty", "times": 0}, "times"),
        ({"kind": "http_error", "http_status": 42}, "HTTP status"),
        ({"kind": "reset", "reset_in": "trailer"}, "reset_in"),
    ],
)
async def test_bad_faults_are_refused(
    client: Client, simulator: RunningSimulator, body: dict[str, object], error: str
) -> None:
    """A fault that makes no sense is refused with its reason."""
    status, reply = await client.admin("POST", "faults", json=body)
    assert status == 400
    assert error in reply["error"]
    assert simulator.state.faults == []


@pytest.mark.parametrize("body", ["not json", "[1, 2]"])
async def test_admin_wants_a_json_object(client: Client, body: str) -> None:
    """The admin endpoint wants a JSON object."""
    status, reply = await client.admin(
        "POST", "faults", data=body, headers={"Content-Type": "application/json"}
    )
    assert status == 400
    assert "error" in reply
