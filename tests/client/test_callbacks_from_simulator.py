"""The parsers read what the simulator calls back with, as a webhook would receive it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web
from multidict import MultiDict
import pytest

from custom_components.ovh_http2sms.http2sms import Http2SmsClient, SmsRequest
from custom_components.ovh_http2sms.http2sms.callbacks import (
    DeliveryReport,
    DeliveryStatus,
    IncomingSms,
    parse_delivery_report,
    parse_reply,
)
from http2sms_simulator import DeliveryOutcome, SimulatorState
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT, LOGIN, SENDER

from .conftest import RECIPIENT

type Parsed = tuple[str, DeliveryReport | IncomingSms | None]


@pytest.fixture
async def webhook(
    socket_enabled: None,
) -> AsyncIterator[tuple[str, asyncio.Queue[Parsed]]]:
    """A stand-in for the integration's webhook: one URL, both shapes, parsed on arrival."""
    received: asyncio.Queue[Parsed] = asyncio.Queue()

    async def handle(request: web.Request) -> web.Response:
        if request.method == "POST":
            fields: MultiDict[str] = MultiDict(request.query)
            for name, value in (await request.post()).items():
                fields.add(name, str(value))
            await received.put((request.path, parse_reply(fields)))
        else:
            await received.put((request.path, parse_delivery_report(request.query)))
        return web.Response(text="")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}", received
    await runner.cleanup()


async def _take(received: asyncio.Queue[Parsed], count: int) -> list[Parsed]:
    return [await asyncio.wait_for(received.get(), 10) for _ in range(count)]


@pytest.mark.parametrize(
    ("outcome", "final", "ptt"),
    [
        (DeliveryOutcome.DELIVERED, DeliveryStatus.DELIVERED, "4"),
        (DeliveryOutcome.FAILED, DeliveryStatus.FAILED, "5"),
        (DeliveryOutcome.EXPIRED, DeliveryStatus.FAILED, "8"),
    ],
)
async def test_reports_of_a_sent_sms(
    client: Http2SmsClient,
    state: SimulatorState,
    simulator: RunningSimulator,
    webhook: tuple[str, asyncio.Queue[Parsed]],
    outcome: DeliveryOutcome,
    final: DeliveryStatus,
    ptt: str,
) -> None:
    """Both callbacks' reports name the id the client got, pending then the outcome."""
    base, received = webhook
    state.delivery = state.delivery.updated(
        {"delay": 0, "expiry": 0, "outcomes": {RECIPIENT: str(outcome)}}
    )
    account = state.accounts[ACCOUNT]
    account.users[LOGIN].callback_url = f"{base}/user?token=t"
    account.status_callback_url = f"{base}/account"

    result = await client.send(
        SmsRequest(recipients=(RECIPIENT,), message="Leak", sender=SENDER)
    )
    [sms_id] = result.sms_ids
    calls = await _take(received, 4)
    await simulator.idle()

    by_path = {
        path: [report for p, report in calls if p == path]
        for path in ("/user", "/account")
    }
    reports = [r for r in by_path["/user"] if isinstance(r, DeliveryReport)]
    assert len(reports) == len(by_path["/user"])
    assert [(r.sms_id, r.status, r.ptt) for r in reports] == [
        (sms_id, DeliveryStatus.PENDING, "1"),
        (sms_id, final, ptt),
    ]
    assert all(r.reported_at for r in reports)
    assert by_path["/account"] == [
        DeliveryReport(sms_id, DeliveryStatus.PENDING, None, None),
        DeliveryReport(sms_id, final, None, None),
    ]


async def test_reply_to_the_short_code(
    client: Http2SmsClient,
    state: SimulatorState,
    simulator: RunningSimulator,
    webhook: tuple[str, asyncio.Queue[Parsed]],
) -> None:
    """A reply, with the URL's token again in its body, reads as the contact's number."""
    base, received = webhook
    state.accounts[ACCOUNT].reply_url = f"{base}/reply?token=t"
    result = await client.send(
        SmsRequest(
            recipients=(RECIPIENT,), message="Water leak", sender_for_response=True
        )
    )
    assert simulator.dispatcher is not None
    reply_id = simulator.dispatcher.reply(int(result.sms_ids[0]), "oui merci\r\n👍")
    [(path, incoming)] = await _take(received, 1)
    assert path == "/reply"
    assert incoming == IncomingSms(
        sms_id=str(reply_id),
        sender=RECIPIENT,
        message="oui merci\r\n👍",
        keyword="OUI",
        short_code=state.short_code,
        tag=None,
    )
