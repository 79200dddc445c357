"""Read-only views, the phone page, the admin endpoints, and the password never shown."""

from __future__ import annotations

import pytest

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
)
from http2sms_simulator.testing import RunningSimulator

from .conftest import Client


async def _page(client: Client) -> str:
    async with client.session.get(client.simulator.outbox_url) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        return await response.text()


async def test_outbox_json(client: Client) -> None:
    """The outbox lists every accepted SMS with what it was sent with."""
    await client.post(
        to="0033612345678,0033698765432",
        message="Hi\rthere",
        deferred="125025112019",
        tag="alarm",
        noStop="1",
    )
    status, outbox = await client.admin("GET", "outbox")
    assert status == 200
    # Reports start a second after sending (see test_callbacks).
    assert outbox[0].pop("status") in ("pending", "delivered")
    assert outbox[0] == {
        "id": 10867690,
        "account": DEFAULT_ACCOUNT,
        "login": DEFAULT_LOGIN,
        "sender": DEFAULT_SENDER,
        "short_code": False,
        "recipient": "0033612345678",
        "message": "Hi\rthere",
        "text": "Hi\rthere",
        "class": 1,
        "flash": False,
        "no_stop": True,
        "deferred": "2019-11-25T12:50:00+01:00",
        "tag": "alarm",
        "coding": "gsm7",
        "parts": 1,
        "cost": "1",
        "sent_at": outbox[0]["sent_at"],
        "method": "POST",
    }
    assert [sms["recipient"] for sms in outbox] == ["0033612345678", "0033698765432"]
    assert outbox[1]["id"] == 10867691


async def test_request_log_proves_exactly_once(client: Client) -> None:
    """The request log shows each request once with its outcome."""
    await client.get()
    await client.post(message=None)
    status, log = await client.admin("GET", "requests")
    assert status == 200
    assert [(entry["method"], entry["status"], entry["outcome"]) for entry in log] == [
        ("GET", 100, "replied"),
        ("POST", 201, "replied"),
    ]
    assert log[0]["sms_ids"] == [10867690]
    assert log[0]["params"]["password"] == "***"
    assert log[0]["remote"] == "127.0.0.1"


async def test_password_is_never_shown(
    client: Client, simulator: RunningSimulator
) -> None:
    """No page or view shows a password, right or wrong."""
    await client.get(message="one")
    await client.post(message="two", tag="t")
    await client.get(password="Wr0ngpass")
    await client.post(message=None)
    texts = [
        await _page(client),
        str((await client.admin("GET", "outbox"))[1]),
        str((await client.admin("GET", "requests"))[1]),
        str((await client.admin("GET", "accounts"))[1]),
        str([sms.to_json() for sms in simulator.outbox]),
        str([record.to_json() for record in simulator.requests]),
    ]
    for text in texts:
        assert DEFAULT_PASSWORD not in text
        assert "Wr0ngpass" not in text
    assert len(simulator.outbox) == 2


async def test_phone_page(client: Client) -> None:
    """The outbox page shows each recipient's SMS as a phone would."""
    assert "No SMS sent yet." in await _page(client)
    await client.get(message="Door <open>\rnow", **{"class": "0"})
    await client.get(message="Later", deferred="125025112019", noStop="1")
    await client.get(message="Bye", to="0033698765432", tag="t1", smsCoding="2")
    page = await _page(client)
    assert '<meta http-equiv="refresh"' in page
    assert page.count('<section class="phone"') == 2
    assert "<h2>+33612345678</h2>" in page
    assert "<h2>+33698765432</h2>" in page
    assert "Door &lt;open&gt;<br>now" in page
    assert '<span class="badge flash">Flash</span>' in page
    assert '<span class="badge deferred">Deferred 25/11/2019 12:50</span>' in page
    assert page.count("STOP au 36111") == 2
    assert "Unicode" in page
    assert "tag t1" in page
    assert f"{DEFAULT_ACCOUNT}: 97 credits" in page
    # Flash is on the first bubble only.
    assert page.count('class="bubble flash"') == 1


async def test_accounts_view(client: Client) -> None:
    """The accounts view shows credits, logins and senders, never passwords."""
    assert await client.admin("GET", "accounts") == (
        200,
        [
            {
                "name": DEFAULT_ACCOUNT,
                "credit": "100",
                "logins": [DEFAULT_LOGIN],
                "senders": [DEFAULT_SENDER],
                "rates": {},
                "default_rate": "1",
            }
        ],
    )


async def test_reset(client: Client, simulator: RunningSimulator) -> None:
    """A reset empties outbox, log and faults, and restores the credit; ids never repeat."""
    await client.get()
    await client.admin("POST", "faults", json={"kind": "empty", "times": None})
    assert await client.admin("POST", "reset") == (200, {"reset": True})
    assert simulator.outbox == []
    assert simulator.requests == []
    assert simulator.state.faults == []
    # The credit starts again; the ids go on (whoever got 10867690 may still match it).
    assert await client.get() == (200, "OK\n99\n10867691")
    simulator.reset()
    assert simulator.outbox == []


@pytest.mark.parametrize(
    ("credit", "shown", "left"),
    [("12.5", "12.50", "11.50"), (7, "7", "6"), (2.25, "2.25", "1.25")],
)
async def test_set_credit(
    client: Client, credit: object, shown: str, left: str
) -> None:
    """The credit can be set over HTTP."""
    assert await client.admin(
        "POST", "credit", json={"account": DEFAULT_ACCOUNT, "credit": credit}
    ) == (200, {"account": DEFAULT_ACCOUNT, "credit": shown})
    assert (await client.get())[1].split("\n")[1] == left


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"account": "sms-zz0000-1", "credit": 1}, 404),
        ({"account": DEFAULT_ACCOUNT, "credit": -1}, 400),
        ({"account": DEFAULT_ACCOUNT, "credit": "lots"}, 400),
        ({"account": DEFAULT_ACCOUNT, "credit": "NaN"}, 400),
        ({"account": DEFAULT_ACCOUNT, "credit": True}, 400),
        ({"account": DEFAULT_ACCOUNT}, 400),
    ],
)
async def test_set_credit_refusals(
    client: Client, simulator: RunningSimulator, body: dict[str, object], status: int
) -> None:
    """A credit that makes no sense is refused."""
    code, reply = await client.admin("POST", "credit", json=body)
    assert code == status
    assert "error" in reply
    assert simulator.state.account(DEFAULT_ACCOUNT).credit == 100


async def test_admin_is_outside_the_http2sms_path(
    client: Client, simulator: RunningSimulator
) -> None:
    """The admin views are not reachable under the http2sms path."""
    async with client.session.get(simulator.endpoint + "/outbox") as response:
        assert response.status == 404
    async with client.session.put(simulator.endpoint) as response:
        assert response.status == 405
