"""OVHcloud's side of what comes back: delivery reports and replies, called on a local server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
import logging
import socket

from aiohttp import web
import pytest

from http2sms_simulator import DEFAULT_ACCOUNT, DEFAULT_LOGIN, SimulatorState, SmsUser
from http2sms_simulator.testing import RunningSimulator

from .conftest import RECIPIENT, Client

REPORT_NAMES = ["id", "ptt", "date", "description", "descriptionDlr"]
REPLY_NAMES = ["id", "senderid", "message", "keyword", "shortcode", "tag"]


@dataclass
class Call:
    """One request the simulator made to the receiver."""

    method: str
    path: str
    query: list[tuple[str, str]]
    content_type: str
    form: list[tuple[str, str]]


@dataclass
class Receiver:
    """A local web server standing for the customer's callback URLs."""

    base_url: str = ""
    calls: asyncio.Queue[Call] = field(default_factory=asyncio.Queue)
    answer_status: int = 200
    # While cleared, every call waits: proves the simulator never waits for its callbacks.
    open: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        await self.open.wait()
        form = (
            [(k, str(v)) for k, v in (await request.post()).items()]
            if request.method == "POST"
            else []
        )
        await self.calls.put(
            Call(
                method=request.method,
                path=request.path,
                query=list(request.query.items()),
                content_type=request.content_type,
                form=form,
            )
        )
        return web.Response(status=self.answer_status, text="ok")

    async def next(self) -> Call:
        return await asyncio.wait_for(self.calls.get(), 10)

    async def take(self, count: int) -> list[Call]:
        return [await self.next() for _ in range(count)]


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """Serve the receiver on 127.0.0.1 only."""
    receiver = Receiver()
    receiver.open.set()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    receiver.base_url = f"http://{host}:{port}"
    yield receiver
    receiver.open.set()
    await runner.cleanup()


@pytest.fixture
def state() -> SimulatorState:
    """Reports follow each other without waiting."""
    state = SimulatorState()
    state.delivery.delay = 0
    state.delivery.expiry = 0
    return state


async def _set_urls(client: Client, **urls: str | None) -> None:
    status, body = await client.admin(
        "POST", "callbacks", json={"account": DEFAULT_ACCOUNT, **urls}
    )
    assert status == 200, body


def _descriptions(calls: list[Call]) -> list[tuple[str, str]]:
    return [(dict(c.query)["description"], dict(c.query)["ptt"]) for c in calls]


async def test_reports_pending_then_delivered(
    client: Client, receiver: Receiver
) -> None:
    """The SMS user's callback gets the documented names, pending then delivered."""
    await _set_urls(
        client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/dlr?token=s3"
    )
    assert await client.get() == (200, "OK\n99\n10867690")
    calls = await receiver.take(2)
    assert [call.method for call in calls] == ["GET", "GET"]
    assert {call.path for call in calls} == {"/dlr"}
    assert [[name for name, _ in call.query] for call in calls] == [
        ["token", *REPORT_NAMES]
    ] * 2
    assert {dict(call.query)["id"] for call in calls} == {"10867690"}
    assert {dict(call.query)["token"] for call in calls} == {"s3"}
    assert _descriptions(calls) == [("0", "1"), ("1", "4")]
    _, outbox = await client.admin("GET", "outbox")
    assert outbox[0]["status"] == "delivered"


async def test_account_status_callback(client: Client, receiver: Receiver) -> None:
    """The account-level callback gets only id and dlr, for the same changes."""
    await _set_urls(client, status_callback_url=f"{receiver.base_url}/status")
    await client.get()
    calls = await receiver.take(2)
    assert [call.query for call in calls] == [
        [("id", "10867690"), ("dlr", "0")],
        [("id", "10867690"), ("dlr", "1")],
    ]


async def test_reply_to_http2sms_never_waits_for_callbacks(
    client: Client, receiver: Receiver
) -> None:
    """A callback URL that hangs does not hold back the http2sms reply."""
    receiver.open.clear()
    await _set_urls(
        client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/dlr"
    )
    assert await client.get() == (200, "OK\n99\n10867690")
    assert await client.get() == (200, "OK\n98\n10867691")
    assert receiver.calls.empty()
    receiver.open.set()
    calls = await receiver.take(4)
    assert sorted(dict(call.query)["id"] for call in calls) == [
        "10867690",
        "10867690",
        "10867691",
        "10867691",
    ]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"outcomes": {"+33612345678": "failed"}}, [("0", "1"), ("2", "5")]),
        ({"outcomes": {"0033612345678": "expired"}}, [("0", "1"), ("2", "8")]),
        ({"duplicates": True}, [("0", "1"), ("0", "1"), ("1", "4"), ("1", "4")]),
        ({"out_of_order": True}, [("1", "4"), ("0", "1")]),
    ],
)
async def test_outcomes_on_demand(
    client: Client,
    receiver: Receiver,
    settings: dict[str, object],
    expected: list[tuple[str, str]],
) -> None:
    """A number that fails or expires, duplicates and out-of-order reports, when asked."""
    status, body = await client.admin("POST", "delivery", json=settings)
    assert status == 200, body
    await _set_urls(
        client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/dlr"
    )
    await client.get(to=RECIPIENT)
    assert _descriptions(await receiver.take(len(expected))) == expected


async def test_other_numbers_keep_the_default_outcome(
    client: Client, receiver: Receiver
) -> None:
    """An outcome set for one number changes nothing for another."""
    await client.admin(
        "POST", "delivery", json={"outcomes": {"+33612345678": "failed"}}
    )
    await _set_urls(
        client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/dlr"
    )
    await client.get(to="0033698765432")
    assert _descriptions(await receiver.take(2)) == [("0", "1"), ("1", "4")]


@pytest.mark.parametrize(
    "settings",
    [
        {"outcomes": {"+33612345678": "lost"}},
        {"outcomes": {"ALICE": "failed"}},
        {"outcomes": []},
        {"delay": -1},
        {"delay": "soon"},
        {"duplicates": "yes"},
        {"colour": "red"},
    ],
)
async def test_bad_delivery_settings(
    client: Client, settings: dict[str, object]
) -> None:
    """Settings that cannot apply are refused, and the old ones stay."""
    before = await client.admin("GET", "delivery")
    status, _ = await client.admin("POST", "delivery", json=settings)
    assert status == 400
    assert await client.admin("GET", "delivery") == before


@pytest.mark.parametrize(
    "urls",
    [
        {"login": DEFAULT_LOGIN, "callback_url": "ftp://127.0.0.1/x"},
        {"login": DEFAULT_LOGIN, "callback_url": "not a url"},
        {"login": "nobody", "callback_url": "http://127.0.0.1/x"},
        {"callback_url": "http://127.0.0.1/x"},
        {"reply_url": 42},
        {"account": "sms-zz0000-9", "reply_url": "http://127.0.0.1/x"},
    ],
)
async def test_bad_callback_urls(client: Client, urls: dict[str, object]) -> None:
    """A URL the simulator could not call, or for nobody, is refused."""
    status, _ = await client.admin(
        "POST", "callbacks", json={"account": DEFAULT_ACCOUNT, **urls}
    )
    assert status in (400, 404)
    assert await client.admin("GET", "callbacks") == (
        200,
        [
            {
                "account": DEFAULT_ACCOUNT,
                "status_callback_url": None,
                "reply_url": None,
                "users": {DEFAULT_LOGIN: {"callback_url": None}},
            }
        ],
    )


async def test_unreachable_callback_is_logged_and_harmless(
    client: Client,
    receiver: Receiver,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A callback URL that refuses or fails is logged; sending goes on."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/dlr?token=secret"
    receiver.answer_status = 500
    await _set_urls(
        client,
        login=DEFAULT_LOGIN,
        callback_url=dead,
        status_callback_url=f"{receiver.base_url}/status",
    )
    with caplog.at_level(logging.WARNING):
        await client.get()
        await receiver.take(2)
        assert await client.get() == (200, "OK\n98\n10867691")
        await receiver.take(2)
        for _ in range(200):
            if len(simulator.state.callback_log) >= 8:
                break
            await asyncio.sleep(0.01)
    log = simulator.state.callback_log
    assert {entry["kind"] for entry in log} == {"delivery_report", "status_callback"}
    assert all(entry["error"] for entry in log if entry["kind"] == "delivery_report")
    assert {
        entry["http_status"] for entry in log if entry["kind"] == "status_callback"
    } == {500}
    assert "Could not deliver" in caplog.text
    assert "secret" not in caplog.text
    assert "secret" not in str(log)


async def _short_code_sms(client: Client) -> int:
    status, text = await client.get(senderForResponse="1", **{"from": ""})
    assert status == 200, text
    return int(text.splitlines()[2])


async def test_reply_as_this_phone(
    client: Client, receiver: Receiver, simulator: RunningSimulator
) -> None:
    """A reply posts the observed form to the account's reply URL and costs a credit."""
    await _set_urls(client, reply_url=f"{receiver.base_url}/cgi?token=t0k")
    sms_id = await _short_code_sms(client)
    status, body = await client.admin(
        "POST", "reply", json={"sms_id": sms_id, "message": "ok merci\r\n🏠"}
    )
    assert status == 201, body
    call = await receiver.next()
    assert (call.method, call.path, call.content_type) == (
        "POST",
        "/cgi",
        "application/x-www-form-urlencoded",
    )
    assert call.query == [("token", "t0k")]
    assert [name for name, _ in call.form] == [*REPLY_NAMES, "token"]
    form = dict(call.form)
    assert form["senderid"] == "+33612345678"
    assert form["message"] == "ok merci\r\n🏠"
    assert form["keyword"] == "OK"
    assert form["shortcode"] == simulator.state.short_code
    assert int(form["id"]) > sms_id
    assert body["id"] == int(form["id"])
    assert simulator.state.accounts[DEFAULT_ACCOUNT].credit == Decimal(98)


@pytest.mark.parametrize("short_code", [False, True])
async def test_refused_replies_cost_nothing(
    client: Client, receiver: Receiver, simulator: RunningSimulator, short_code: bool
) -> None:
    """Only an SMS from the short code can be answered, and only with a reply URL set."""
    if short_code:
        sms_id = await _short_code_sms(client)
    else:
        await _set_urls(client, reply_url=f"{receiver.base_url}/cgi")
        sms_id = int((await client.get())[1].splitlines()[2])
    for body in (
        {"sms_id": sms_id, "message": "OK"},
        {"sms_id": 1, "message": "OK"},
        {"sms_id": sms_id, "message": "x" * 1601},
        {"sms_id": sms_id},
    ):
        status, _ = await client.admin("POST", "reply", json=body)
        assert status in (400, 404, 409)
    assert simulator.state.accounts[DEFAULT_ACCOUNT].credit == Decimal(99)
    assert receiver.calls.empty()


async def test_reply_without_credit(
    client: Client, receiver: Receiver, simulator: RunningSimulator
) -> None:
    """A reply needs a credit left on the account."""
    await _set_urls(client, reply_url=f"{receiver.base_url}/cgi")
    sms_id = await _short_code_sms(client)
    simulator.state.set_credit(DEFAULT_ACCOUNT, "0.5")
    status, _ = await client.admin(
        "POST", "reply", json={"sms_id": sms_id, "message": "OK"}
    )
    assert status == 409
    assert simulator.state.accounts[DEFAULT_ACCOUNT].credit == Decimal("0.5")


async def test_outbox_page_replies_as_the_phone(
    client: Client, receiver: Receiver, simulator: RunningSimulator
) -> None:
    """Only SMS from the short code offer the form; it posts the reply and comes back."""
    await _set_urls(client, reply_url=f"{receiver.base_url}/cgi")
    await client.get(message="Plain sender")
    sms_id = await _short_code_sms(client)
    async with client.session.get(simulator.outbox_url) as response:
        page = await response.text()
    assert page.count("Reply as this phone") == 1
    assert f'name="sms_id" value="{sms_id}"' in page
    async with client.session.post(
        f"{simulator.base_url}/_simulator/reply",
        data={"sms_id": str(sms_id), "message": "Oui"},
        allow_redirects=False,
    ) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/"
    assert dict((await receiver.next()).form)["message"] == "Oui"
    async with client.session.get(simulator.outbox_url) as response:
        assert "Oui" in await response.text()


@pytest.mark.parametrize(
    "body",
    [
        {"sms_id": "9" * 5000, "message": "OK"},
        {"sms_id": True, "message": "OK"},
        {"sms_id": -1, "message": "OK"},
        {"sms_id": 10867690, "message": 5},
        {"sms_id": 10867690, "message": "\ud800"},
    ],
)
async def test_hostile_reply_requests(
    client: Client,
    receiver: Receiver,
    simulator: RunningSimulator,
    body: dict[str, object],
) -> None:
    """What no phone could send is refused, never a server error, and costs nothing."""
    await _set_urls(client, reply_url=f"{receiver.base_url}/cgi")
    assert await _short_code_sms(client) == 10867690
    status, _ = await client.admin("POST", "reply", json=body)
    assert status == 400
    assert simulator.state.accounts[DEFAULT_ACCOUNT].credit == Decimal(99)


async def test_logs_never_show_credentials_of_a_url(
    client: Client, simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A URL's user, password, path and query stay out of the log."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    await _set_urls(
        client,
        login=DEFAULT_LOGIN,
        callback_url=f"http://user:pw0rd@127.0.0.1:{port}/api/webhook/hook1d",
    )
    with caplog.at_level(logging.WARNING):
        await client.get()
        for _ in range(500):
            if len(simulator.state.callback_log) >= 2:
                break
            await asyncio.sleep(0.01)
    assert len(simulator.state.callback_log) == 2
    shown = caplog.text + str(list(simulator.state.callback_log))
    assert f"127.0.0.1:{port}" in shown
    for secret in ("user", "pw0rd", "hook1d"):
        assert secret not in shown


async def test_deferred_sms_is_delivered_at_its_time(
    client: Client, receiver: Receiver
) -> None:
    """An SMS deferred to the future stays pending until then."""
    await _set_urls(
        client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/dlr"
    )
    await client.get(deferred="000001012099")
    await client.get(message="now")
    calls = await receiver.take(3)
    assert sorted(
        (dict(c.query)["id"], dict(c.query)["description"]) for c in calls
    ) == [("10867690", "0"), ("10867691", "0"), ("10867691", "1")]
    _, outbox = await client.admin("GET", "outbox")
    assert [sms["status"] for sms in outbox] == ["pending", "delivered"]


async def test_each_sms_user_gets_its_own_reports(
    client: Client, receiver: Receiver, simulator: RunningSimulator
) -> None:
    """Two SMS users of one account: each Callback URL hears of its own SMS only."""
    simulator.state.accounts[DEFAULT_ACCOUNT].users["second"] = SmsUser(
        password="0ther4pp"
    )
    await _set_urls(client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/a")
    await _set_urls(client, login="second", callback_url=f"{receiver.base_url}/b")
    await client.get(login="second", password="0ther4pp")
    await client.get()
    calls = await receiver.take(4)
    assert sorted((dict(c.query)["id"], c.path) for c in calls) == [
        ("10867690", "/b"),
        ("10867690", "/b"),
        ("10867691", "/a"),
        ("10867691", "/a"),
    ]


async def test_reset_stops_the_reports_of_forgotten_sms(
    client: Client, receiver: Receiver, simulator: RunningSimulator
) -> None:
    """After a reset, no report of an SMS sent before it arrives (its id may come back)."""
    simulator.state.delivery.delay = 0.1
    await _set_urls(client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/x")
    await client.get(message="forgotten")
    simulator.reset()
    await _set_urls(client, login=DEFAULT_LOGIN, callback_url=f"{receiver.base_url}/y")
    await simulator.idle()
    assert receiver.calls.empty()
    assert list(simulator.state.callback_log) == []
