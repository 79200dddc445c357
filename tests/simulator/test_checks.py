"""Every status path of the http2sms checks, their order, and the parameter decoding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_LOGIN,
    DEFAULT_SENDER,
    Account,
    SimulatorState,
    SmsUser,
)
from http2sms_simulator.testing import RunningSimulator

from .conftest import DEFAULT_QUERY, Client, valid_params

GUIDE = "For more informations : http://guides.ovh.com/httpToSms"
INVALID_ACCOUNT = "KO\nInvalid smsAccount, it should look like 'sms-ab1234-1'."


async def test_accepted_sms_is_in_the_outbox(
    client: Client, simulator: RunningSimulator
) -> None:
    """An accepted SMS is replied to and lands in the outbox."""
    assert await client.get() == (200, "OK\n99\n10867690")
    [sms] = simulator.outbox
    assert (sms.account, sms.login, sms.sender, sms.recipient, sms.message) == (
        DEFAULT_ACCOUNT,
        DEFAULT_LOGIN,
        DEFAULT_SENDER,
        "0033612345678",
        "Hello",
    )
    assert (sms.sms_class, sms.flash, sms.no_stop, sms.deferred, sms.tag) == (
        1,
        False,
        False,
        None,
        None,
    )
    assert (sms.parts, sms.cost, sms.method) == (1, Decimal(1), "GET")


async def test_post_form(client: Client, simulator: RunningSimulator) -> None:
    """A POSTed form is accepted like a query string."""
    assert await client.post() == (200, "OK\n99\n10867690")
    assert simulator.outbox[0].method == "POST"


@pytest.mark.parametrize(
    "account",
    ["", "ab1234", "sms-ab1234", "SMS-AB1234-1", "sms-1234-1", "sms-ab1234-1 "],
)
async def test_account_format_is_checked_first(
    client: Client, simulator: RunningSimulator, account: str
) -> None:
    """Whatever the credentials and other parameters, a bad account name is reported first."""
    assert await client.get(
        account=account, login=None, password="wrong", message=None
    ) == (200, INVALID_ACCOUNT)
    assert simulator.outbox == []


async def test_missing_account(client: Client) -> None:
    """A request without an account is refused as the guide says."""
    assert await client.get(account=None) == (200, INVALID_ACCOUNT)


async def test_sms_account_alias(client: Client) -> None:
    """smsAccount is read as account."""
    assert await client.get(account=None, smsAccount=DEFAULT_ACCOUNT) == (
        200,
        "OK\n99\n10867690",
    )


async def test_empty_first_parameter_as_in_the_guide(client: Client) -> None:
    """The guide's URLs, which start with "&", are accepted."""
    query = f"&{DEFAULT_QUERY}&to=0033612345678&message=Hi"
    assert await client.raw_get(query) == (200, "OK\n99\n10867690")


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_plus_is_a_space_and_percent_2b_a_plus(
    client: Client, simulator: RunningSimulator, method: str
) -> None:
    """ "+" decodes to a space and "%2B" to a plus, in GET and POST."""
    encoded = f"{DEFAULT_QUERY}&message=1+%2B+1%0d%3D+2&to="
    send = client.raw_get if method == "GET" else client.raw_post
    assert await send(encoded + "%2B33612345678") == (200, "OK\n99\n10867690")
    assert simulator.outbox[0].message == "1 + 1\r= 2"
    assert simulator.outbox[0].recipient == "0033612345678"
    # An unencoded + reaches the server as a space: not an international number.
    assert await send(encoded + "+33612345678") == (
        200,
        "KO\nInvalid receiver  33612345678",
    )
    assert len(simulator.outbox) == 1


async def test_post_body_wins_over_query_string(
    client: Client, simulator: RunningSimulator
) -> None:
    """A parameter in the body wins over the same in the URL."""
    async with client.session.post(
        simulator.endpoint + "?message=from+query&tag=query",
        data=valid_params(message="from body"),
    ) as response:
        assert await response.text() == "OK\n99\n10867690"
    assert (simulator.outbox[0].message, simulator.outbox[0].tag) == (
        "from body",
        "query",
    )


async def test_multipart_post(client: Client, simulator: RunningSimulator) -> None:
    """A multipart form is accepted."""
    import aiohttp

    form = aiohttp.FormData(valid_params(message="multipart"))
    form.add_field("file", b"ignored", filename="x.bin")
    async with client.session.post(simulator.endpoint, data=form) as response:
        assert await response.text() == "OK\n99\n10867690"
    assert simulator.outbox[0].message == "multipart"


async def test_first_value_of_a_repeated_parameter_wins(
    client: Client, simulator: RunningSimulator
) -> None:
    """A repeated parameter keeps its first value."""
    query = f"{DEFAULT_QUERY}&to=0033612345678&message=first&message=second"
    assert await client.raw_get(query) == (200, "OK\n99\n10867690")
    assert simulator.outbox[0].message == "first"


@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        ("login", "Missing login"),
        ("password", "Missing password"),
        ("from", "Missing from"),
        ("to", "Missing to"),
        ("message", f"Missing message. {GUIDE}"),
    ],
)
@pytest.mark.parametrize("empty", [True, False])
async def test_missing_parameter(
    client: Client, simulator: RunningSimulator, missing: str, reason: str, empty: bool
) -> None:
    """Each missing or empty parameter is refused with its own text, at no cost."""
    assert await client.get(**{missing: "" if empty else None}) == (
        200,
        f"KO\n{reason}",
    )
    assert simulator.outbox == []
    assert simulator.state.account(DEFAULT_ACCOUNT).credit == 100


async def test_to_with_only_commas_is_missing(client: Client) -> None:
    """Recipients made only of commas are missing."""
    assert await client.get(to=",,") == (200, "KO\nMissing to")


async def test_missing_before_auth_by_default(client: Client) -> None:
    """Default order: a missing message is reported even with a wrong password."""
    assert await client.get(password="wrong", message=None) == (
        200,
        f"KO\nMissing message. {GUIDE}",
    )


async def test_missing_after_auth(client: Client, state: SimulatorState) -> None:
    """With credentials checked first, a missing message is reported after them."""
    state.missing_before_auth = False
    assert await client.get(password="wrong", message=None) == (
        200,
        "KO\nInvalid login or password",
    )
    # Good credentials and no message: still nothing sent, and the missing message is reported.
    assert await client.get(message=None, contentType="text/json") == (
        200,
        (
            '{"status":201,"message":"Missing message. For more informations : '
            'http//:guides.ovh.com/httpToSms"}'
        ),
    )
    # Login and password themselves are always needed before authenticating.
    assert await client.get(login=None, message=None) == (200, "KO\nMissing login")


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"account": "sms-zz9999-1"}, 401, "Unknown smsAccount sms-zz9999-1"),
        ({"login": "someone"}, 401, "Invalid login or password"),
        ({"password": "Secr3t43"}, 401, "Invalid login or password"),
        ({"from": "Unknown"}, 241, "Sms sender Unknown does not exists"),
        ({"to": "0612345678"}, 202, "Invalid receiver 0612345678"),
        ({"to": "0033612345678,06"}, 202, "Invalid receiver 06"),
        ({"to": "0033 612345678"}, 202, "Invalid receiver 0033 612345678"),
        ({"class": "4"}, 202, "Invalid class"),
        ({"class": "flash"}, 202, "Invalid class"),
        ({"smsCoding": "3"}, 202, "Invalid smsCoding"),
        ({"deferred": "125031022025"}, 202, "Invalid deferred time"),
        ({"deferred": "12502511201"}, 202, "Invalid deferred time"),
        ({"deferred": "2450251120１9"}, 202, "Invalid deferred time"),
        ({"deferred": "246025112019"}, 202, "Invalid deferred time"),
        ({"tag": "x" * 21}, 202, "Invalid tag: is too long"),
        ({"message": "x" * 919}, 202, "Invalid message: is too long (7 parts)"),
    ],
)
async def test_refusals(
    client: Client,
    simulator: RunningSimulator,
    params: dict[str, str],
    status: int,
    reason: str,
) -> None:
    """Each refusal has its status and text, and costs nothing."""
    assert await client.get(contentType="text/json", **params) == (
        200,
        f'{{"status":{status},"message":"{reason}"}}',
    )
    assert simulator.outbox == []
    assert simulator.state.account(DEFAULT_ACCOUNT).credit == 100


async def test_ip_restriction(socket_enabled: None, session: object) -> None:
    """An SMS user restricted to other addresses is refused."""
    from http2sms_simulator.testing import run_simulator

    from .conftest import Client as RawClient

    restricted = SimulatorState(
        [
            Account(
                name=DEFAULT_ACCOUNT,
                credit=Decimal(10),
                users={
                    "office": SmsUser(password="Offic3ab", allowed_ips=["192.0.2.10"]),
                    "local": SmsUser(password="L0calabc", allowed_ips=["127.0.0.1"]),
                },
                senders=[DEFAULT_SENDER],
            )
        ]
    )
    async with run_simulator(restricted) as running:
        client = RawClient(session, running)  # type: ignore[arg-type]
        assert await client.get(login="office", password="Offic3ab") == (
            200,
            "KO\nIP 127.0.0.1 is not allowed for the SMS user office",
        )
        assert await client.get(
            login="office", password="Offic3ab", contentType="text/json"
        ) == (
            200,
            '{"status":401,"message":"IP 127.0.0.1 is not allowed for the SMS user office"}',
        )
        assert await client.get(login="local", password="L0calabc") == (
            200,
            "OK\n9\n10867690",
        )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"class": "0"}, (0, True)),
        ({"class": "1"}, (1, False)),
        ({"class": "2"}, (2, False)),
        ({"class": "3"}, (3, False)),
        ({"class": ""}, (1, False)),
    ],
)
async def test_classes(
    client: Client,
    simulator: RunningSimulator,
    params: dict[str, str],
    expected: tuple[int, bool],
) -> None:
    """Each SMS class is kept, class 0 being flash."""
    assert (await client.get(**params))[1].startswith("OK\n")
    assert (simulator.outbox[0].sms_class, simulator.outbox[0].flash) == expected


async def test_deferred_tag_and_no_stop_are_kept(
    client: Client, simulator: RunningSimulator
) -> None:
    """Deferred time, tag and noStop are kept with the SMS."""
    assert (await client.get(deferred="125025112019", tag="x" * 20, noStop="1"))[
        1
    ].startswith("OK\n")
    [sms] = simulator.outbox
    assert sms.deferred is not None
    assert sms.deferred.isoformat() == "2019-11-25T12:50:00+01:00"
    assert (sms.tag, sms.no_stop) == ("x" * 20, True)


async def test_leap_day_is_a_real_date(client: Client) -> None:
    """29 February exists only in leap years."""
    assert (await client.get(deferred="000029022028"))[1].startswith("OK\n")
    assert await client.get(deferred="000029022027") == (
        200,
        "KO\nInvalid deferred time",
    )


async def test_sender_for_response_uses_a_short_code(
    client: Client, simulator: RunningSimulator
) -> None:
    """A reply-able SMS is sent from the short code."""
    assert (await client.get(senderForResponse="1", **{"from": ""}))[1].startswith(
        "OK\n"
    )
    assert (await client.get(senderForResponse="1", **{"from": None}))[1].startswith(
        "OK\n"
    )
    assert (simulator.outbox[0].sender, simulator.outbox[0].short_code) == (
        "36111",
        True,
    )
    # Without senderForResponse=1 an empty from is missing.
    assert await client.get(senderForResponse="0", **{"from": ""}) == (
        200,
        "KO\nMissing from",
    )


@pytest.mark.parametrize(
    "message",
    ["See https://example.org/x", "go to www.example.net", "visit example.com now"],
)
async def test_short_code_refuses_urls(
    client: Client, simulator: RunningSimulator, message: str
) -> None:
    """A short code refuses a message with a URL."""
    assert await client.get(senderForResponse="1", message=message) == (
        200,
        "KO\nInvalid message: URLs are not allowed with a short code",
    )
    # The same message is fine from an alphanumeric sender.
    assert (await client.get(message=message))[1].startswith("OK\n")
    assert len(simulator.outbox) == 1


async def test_not_enough_credit_charges_nothing(
    client: Client, simulator: RunningSimulator, state: SimulatorState
) -> None:
    """Too little credit for every recipient sends to none."""
    state.set_credit(DEFAULT_ACCOUNT, 1)
    assert await client.get(to="0033612345678,0033698765432") == (
        200,
        "KO\nNot enough credits",
    )
    assert simulator.outbox == []
    assert state.account(DEFAULT_ACCOUNT).credit == 1
    # Exactly enough is enough.
    assert await client.get() == (200, "OK\n0\n10867690")
