"""Tests for the http2sms client, against the real simulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from compression import zstd
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
import gzip
import socket
from types import SimpleNamespace
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from yarl import URL

from custom_components.ovh_http2sms.http2sms import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_TAG_LENGTH,
    Credentials,
    Encoding,
    Http2SmsAuthenticationError,
    Http2SmsClient,
    Http2SmsConfigurationError,
    Http2SmsConnectionError,
    Http2SmsError,
    Http2SmsHttpError,
    Http2SmsInvalidParameterError,
    Http2SmsInvalidResponseError,
    Http2SmsMissingParameterError,
    Http2SmsRateLimitError,
    Http2SmsResponseError,
    Http2SmsSenderNotFoundError,
    Http2SmsServiceError,
    Http2SmsTimeoutError,
    Http2SmsUnknownStatusError,
    ProbeResult,
    SendResult,
    SmsRequest,
    format_deferred,
    is_ambiguous_deferred,
    is_loopback_host,
    normalise_line_breaks,
    validate_endpoint,
)
from custom_components.ovh_http2sms.http2sms.client import MAX_REPLY_BYTES
from http2sms_simulator import HTTP2SMS_PATH, Coding, Fault, FaultKind, SimulatorState
from http2sms_simulator.testing import RunningSimulator, run_simulator
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SECRETS, SENDER
from tests.secret_scan import exception_texts, leaks

from .conftest import OTHER_RECIPIENT, OTHER_SENDER, RECIPIENT, Trace, make_account

PARIS = ZoneInfo("Europe/Paris")
WRONG_PASSWORD = "Wr0ngPwKq8"


def client_with(
    session: aiohttp.ClientSession,
    simulator: RunningSimulator,
    *,
    account: str,
    login: str,
    password: str,
) -> Http2SmsClient:
    """A client of the simulator with other credentials than the fixture's."""
    return Http2SmsClient(
        session,
        Credentials(account=account, login=login, password=password),
        endpoint=simulator.endpoint,
    )


def sms(**changes: object) -> SmsRequest:
    """A request the default simulator accepts, with some fields changed."""
    fields: dict[str, object] = {
        "recipients": (RECIPIENT,),
        "message": "Hello",
        "sender": SENDER,
    }
    fields.update(changes)
    return SmsRequest(**fields)  # type: ignore[arg-type]


def assert_no_secret(err: BaseException, *secrets: str) -> None:
    """Neither the text, the repr, the args, the causes nor the whole traceback shows a secret."""
    assert leaks(exception_texts(err), secrets or SECRETS) == []


def free_port() -> int:
    """A port nothing listens on: bound, then closed at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_endpoint(port: int) -> str:
    return f"http://127.0.0.1:{port}{HTTP2SMS_PATH}"


@dataclass(slots=True)
class RawServer:
    """A tiny HTTP server answering every request with the same raw bytes."""

    endpoint: str
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)


@asynccontextmanager
async def raw_server(reply: bytes | None) -> AsyncIterator[RawServer]:
    """Serve on 127.0.0.1; reply=None closes each connection without reading or answering."""
    server_info = RawServer(endpoint="")

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        server_info.connections += 1
        try:
            if reply is not None:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                server_info.requests.append(head + await reader.readexactly(length))
                writer.write(reply)
                await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server_info.endpoint = closed_endpoint(port)
    try:
        yield server_info
    finally:
        server.close()
        await server.wait_closed()


def http_reply(status_line: str, body: bytes, *headers: str) -> bytes:
    head = "".join(f"{header}\r\n" for header in headers)
    return (
        f"HTTP/1.1 {status_line}\r\n{head}Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


# --- endpoint validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://www.ovh.com/cgi-bin/sms/http2sms.cgi",
        "https://sms.example.org:8443/relay",
        "http://127.0.0.1:8080/cgi-bin/sms/http2sms.cgi",
        "http://127.8.9.10/x",
        "http://[::1]:8080/cgi-bin/sms/http2sms.cgi",
        "http://localhost:8080/cgi-bin/sms/http2sms.cgi",
        "http://LOCALHOST/x",
        "http://localhost.localdomain/x",
    ],
)
def test_validate_endpoint_accepts(endpoint: str) -> None:
    """OVH's https URL, and plain http on loopback only, are valid endpoints."""
    assert validate_endpoint(endpoint) == URL(endpoint)


@pytest.mark.parametrize(
    "endpoint",
    [
        pytest.param("http://www.ovh.com/cgi-bin/sms/http2sms.cgi", id="http-remote"),
        pytest.param("http://192.168.1.10/x", id="http-lan"),
        pytest.param("http://localhost.evil.example/x", id="http-localhost-lookalike"),
        pytest.param("http://127.0.0.1.nip.io/x", id="http-loopback-lookalike"),
        pytest.param("http://[::2]/x", id="http-ipv6-not-loopback"),
        pytest.param("ftp://127.0.0.1/x", id="other-scheme"),
        pytest.param("https://user:secret@www.ovh.com/x", id="userinfo"),
        pytest.param("https://user@www.ovh.com/x", id="user-only"),
        pytest.param("http://user:secret@127.0.0.1/x", id="userinfo-loopback"),
        pytest.param("https://www.ovh.com/x?login=a&password=b", id="query"),
        pytest.param("https://www.ovh.com/x?a", id="bare-query"),
        pytest.param("https://www.ovh.com/x#frag", id="fragment"),
        pytest.param("/cgi-bin/sms/http2sms.cgi", id="relative"),
        pytest.param("www.ovh.com/cgi-bin/sms/http2sms.cgi", id="no-scheme"),
        pytest.param("", id="empty"),
    ],
)
def test_validate_endpoint_refuses(endpoint: str) -> None:
    """Anything that could send the password in clear or nowhere is refused."""
    with pytest.raises(Http2SmsConfigurationError):
        validate_endpoint(endpoint)


def test_configuration_error_is_a_value_error() -> None:
    """A bad endpoint is a ValueError, as callers validating input expect."""
    with pytest.raises(ValueError):
        validate_endpoint("http://example.org/")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("example.org", False),
        ("10.0.0.1", False),
        ("", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    """Only loopback addresses and localhost count as loopback."""
    assert is_loopback_host(host) is loopback


async def test_client_refuses_plain_http_to_a_remote_host(
    session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """The client never sends the password over plain http to another host."""
    with pytest.raises(Http2SmsConfigurationError):
        Http2SmsClient(session, credentials, endpoint="http://www.ovh.com/cgi")


async def test_client_defaults_to_ovh_over_https(
    session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """Without an endpoint the client talks to OVH over https."""
    client = Http2SmsClient(session, credentials)
    assert client.endpoint == URL("https://www.ovh.com/cgi-bin/sms/http2sms.cgi")


# --- pure helpers -------------------------------------------------------------------------------


def test_format_deferred_documented_example() -> None:
    # The guide's example: 125025112017 is 12:50 on 25 November 2017.
    """The deferred time follows the guide's example, hhmmddMMYYYY."""
    assert (
        format_deferred(datetime(2017, 11, 25, 12, 50, tzinfo=PARIS)) == "125025112017"
    )


# Send times and their hhmmddMMYYYY in Paris time, across summer time, New Year and another zone.
DEFERRED_CASES = [
    pytest.param(
        datetime(2031, 7, 14, 10, 30, tzinfo=UTC), "123014072031", id="summer"
    ),
    pytest.param(
        datetime(2031, 1, 15, 10, 30, tzinfo=UTC), "113015012031", id="winter"
    ),
    pytest.param(
        datetime(2031, 12, 31, 23, 30, tzinfo=UTC), "003001012032", id="new-year"
    ),
    pytest.param(
        # New York is on summer time, Paris not yet: UTC 10:05, Paris 11:05.
        datetime(2031, 3, 20, 6, 5, tzinfo=ZoneInfo("America/New_York")),
        "110520032031",
        id="other-zone",
    ),
]


@pytest.mark.parametrize(("moment", "expected"), DEFERRED_CASES)
def test_format_deferred_in_paris_time(moment: datetime, expected: str) -> None:
    """Any deferred moment is written in Paris time, summer and winter."""
    assert format_deferred(moment) == expected


def test_normalise_line_breaks() -> None:
    """LF and CR LF become the CR that SMS use."""
    assert normalise_line_breaks("a\nb\r\nc\rd\n\ne") == "a\rb\rc\rd\r\re"


# --- models -------------------------------------------------------------------------------------


def test_credentials_repr_hides_login_and_password(credentials: Credentials) -> None:
    """Credentials print the account, never the login or the password."""
    for text in (repr(credentials), str(credentials)):
        assert ACCOUNT in text
        assert LOGIN not in text
        assert PASSWORD not in text


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"recipients": ()}, id="no-recipient"),
        pytest.param(
            {
                "recipients": tuple(
                    f"00336{n:08d}" for n in range(MAX_RECIPIENTS_PER_REQUEST + 1)
                )
            },
            id="too-many-recipients",
        ),
        pytest.param({"recipients": ("+33612345678",)}, id="plus-number"),
        pytest.param({"recipients": ("06 12 34 56 78",)}, id="spaces"),
        pytest.param({"recipients": (RECIPIENT, "")}, id="empty-number"),
        pytest.param({"recipients": (f"{RECIPIENT},{OTHER_RECIPIENT}",)}, id="comma"),
        pytest.param({"message": ""}, id="empty-message"),
        pytest.param({"tag": "t" * (MAX_TAG_LENGTH + 1)}, id="tag-too-long"),
        pytest.param({"deferred": datetime(2031, 1, 1, 12, 0)}, id="naive-deferred"),
        pytest.param({"sender": None}, id="no-sender"),
        pytest.param({"sender": ""}, id="empty-sender"),
    ],
)
def test_sms_request_refusals(changes: dict[str, object]) -> None:
    """A request OVH would refuse is refused before any connection."""
    with pytest.raises(ValueError):
        sms(**changes)


def test_sms_request_refuses_non_ascii_digits() -> None:
    # str.isdigit() is true for "²" and for Arabic-Indic or full-width digits, none of which
    # can ever be part of an http2sms number.
    """Digits of other scripts are not phone numbers."""
    for number in ("0033612345678²", "٠٠٣٣٦١٢٣٤٥٦٧٨", "００３３６１２３４５６７８"):
        with pytest.raises(ValueError):
            sms(recipients=(number,))


def test_sms_request_limits_are_inclusive() -> None:
    """The limits themselves are allowed."""
    many = tuple(f"00336{n:08d}" for n in range(MAX_RECIPIENTS_PER_REQUEST))
    assert len(sms(recipients=many).recipients) == MAX_RECIPIENTS_PER_REQUEST
    assert sms(tag="t" * MAX_TAG_LENGTH).tag == "t" * MAX_TAG_LENGTH
    assert sms(sender=None, sender_for_response=True).sender is None
    assert sms(deferred=datetime(2031, 1, 1, tzinfo=UTC)).deferred is not None


def test_exception_hierarchy() -> None:
    """Callers can catch errors by what they mean."""
    assert issubclass(Http2SmsTimeoutError, Http2SmsConnectionError)
    assert issubclass(Http2SmsRateLimitError, Http2SmsHttpError)
    assert issubclass(Http2SmsHttpError, Http2SmsResponseError)
    assert issubclass(Http2SmsInvalidResponseError, Http2SmsResponseError)
    for error in (
        Http2SmsMissingParameterError,
        Http2SmsInvalidParameterError,
        Http2SmsSenderNotFoundError,
        Http2SmsAuthenticationError,
        Http2SmsUnknownStatusError,
    ):
        assert issubclass(error, Http2SmsServiceError)
    for error in (Http2SmsServiceError, Http2SmsResponseError, Http2SmsConnectionError):
        assert issubclass(error, Http2SmsError)


def test_service_error_texts() -> None:
    """A refusal reads with its status and OVH's own reason."""
    coded = Http2SmsSenderNotFoundError(241, "Sms sender X does not exists")
    assert (coded.status, coded.reason) == (241, "Sms sender X does not exists")
    assert (
        str(coded)
        == "http2sms refused the request (status 241): Sms sender X does not exists"
    )
    uncoded = Http2SmsServiceError(None, "nope")
    assert str(uncoded) == "http2sms refused the request (KO): nope"
    assert Http2SmsHttpError(503).http_status == 503
    assert "503" in str(Http2SmsHttpError(503))


# --- sending ------------------------------------------------------------------------------------


async def test_send_success(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """One SMS sent gives its id and the credit left."""
    result = await client.send(sms())

    assert result == SendResult(
        status=100, credits_left=Decimal(999), sms_ids=("10867690",)
    )
    assert isinstance(result.credits_left, Decimal)
    [sent] = simulator.outbox
    assert sent.sms_id == 10867690
    assert (sent.account, sent.login, sent.sender) == (ACCOUNT, LOGIN, SENDER)
    assert (sent.recipient, sent.message) == (RECIPIENT, "Hello")
    assert sent.sms_class == 1
    assert sent.no_stop is True
    assert (sent.deferred, sent.tag, sent.short_code) == (None, None, False)


async def test_send_is_one_form_post_with_the_password_only_in_the_body(
    client: Http2SmsClient, simulator: RunningSimulator, trace: Trace
) -> None:
    """The password travels in a POSTed form, never in the URL."""
    await client.send(sms())

    [record] = simulator.requests
    assert record.method == "POST"
    assert record.params["contentType"] == "application/json"
    assert record.params["account"] == ACCOUNT
    assert record.params["login"] == LOGIN
    [sent] = trace.requests
    assert sent.method == "POST"
    assert sent.url == URL(simulator.endpoint)
    assert not sent.url.query_string
    assert PASSWORD not in str(sent.url)
    assert LOGIN not in str(sent.url)
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert f"password={PASSWORD}".encode() in sent.body


async def test_send_to_several_recipients_gives_one_id_each(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Several recipients in one request give one id each, in order."""
    third = "0044712345678"
    result = await client.send(sms(recipients=(RECIPIENT, OTHER_RECIPIENT, third)))

    assert result.sms_ids == ("10867690", "10867691", "10867692")
    assert result.credits_left == Decimal(997)
    assert [sent.recipient for sent in simulator.outbox] == [
        RECIPIENT,
        OTHER_RECIPIENT,
        third,
    ]
    [record] = simulator.requests
    assert record.params["to"] == f"{RECIPIENT},{OTHER_RECIPIENT},{third}"
    assert "+" not in record.params["to"]


async def test_send_returns_a_decimal_credit_exactly(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """A fractional credit is read exactly, as a Decimal."""
    simulator.state.set_credit(ACCOUNT, "230.50")

    result = await client.send(sms())

    assert result.credits_left == Decimal("229.50")
    assert str(result.credits_left) == "229.50"


async def test_send_with_the_smsids_key(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    credentials: Credentials,
) -> None:
    """The lower-case smsIds key of some replies is read too."""
    state = SimulatorState([make_account()], json_ids_key="smsIds")
    async with run_simulator(state) as sim:
        client = Http2SmsClient(session, credentials, endpoint=sim.endpoint)
        result = await client.send(sms())
    assert result.sms_ids == ("10867690",)


async def test_message_characters_arrive_intact(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Characters that mean something in a form arrive as typed."""
    message = "1+1=2 & 50% off? é€ #tag ; a,b"

    await client.send(sms(message=message))

    assert simulator.outbox[0].message == message


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("line 1\nline 2", "line 1\rline 2"),
        ("line 1\r\nline 2", "line 1\rline 2"),
        ("a\r\n\nb\rc", "a\r\rb\rc"),
    ],
)
async def test_line_breaks_arrive_as_cr(
    client: Http2SmsClient, simulator: RunningSimulator, message: str, expected: str
) -> None:
    """Line breaks reach the phone as CR."""
    await client.send(sms(message=message))

    assert simulator.outbox[0].message == expected
    assert simulator.requests[0].params["message"] == expected


async def test_flash_is_class_0(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """A flash SMS is class 0; others send no class."""
    await client.send(sms(flash=True))
    await client.send(sms(flash=False))

    assert [sent.sms_class for sent in simulator.outbox] == [0, 1]
    assert simulator.outbox[0].flash
    assert simulator.requests[0].params["class"] == "0"
    assert "class" not in simulator.requests[1].params


async def test_no_stop(client: Http2SmsClient, simulator: RunningSimulator) -> None:
    """noStop is sent only when asked for."""
    await client.send(sms(no_stop=True))
    await client.send(sms(no_stop=False))

    assert [sent.no_stop for sent in simulator.outbox] == [True, False]
    assert simulator.requests[0].params["noStop"] == "1"
    assert "noStop" not in simulator.requests[1].params


@pytest.mark.parametrize(("moment", "expected"), DEFERRED_CASES)
async def test_deferred_is_sent_in_paris_time(
    client: Http2SmsClient,
    simulator: RunningSimulator,
    moment: datetime,
    expected: str,
) -> None:
    """A deferred SMS is sent with its Paris time."""
    await client.send(sms(deferred=moment))

    assert simulator.requests[0].params["deferred"] == expected
    assert simulator.outbox[0].deferred == moment


async def test_no_deferred_parameter_without_deferred(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Options not asked for are not sent at all."""
    await client.send(sms())

    assert "deferred" not in simulator.requests[0].params
    assert "tag" not in simulator.requests[0].params
    assert "smsCoding" not in simulator.requests[0].params
    assert "senderForResponse" not in simulator.requests[0].params


async def test_tag(client: Http2SmsClient, simulator: RunningSimulator) -> None:
    """A tag of the maximum length arrives whole."""
    await client.send(sms(tag="t" * MAX_TAG_LENGTH))

    assert simulator.outbox[0].tag == "t" * MAX_TAG_LENGTH


@pytest.mark.parametrize(
    ("coding", "param", "expected"),
    [(Encoding.GSM7, "1", Coding.GSM7), (Encoding.UNICODE, "2", Coding.UCS2)],
)
async def test_coding(
    client: Http2SmsClient,
    simulator: RunningSimulator,
    coding: Encoding,
    param: str,
    expected: Coding,
) -> None:
    """The forced encoding becomes OVH's smsCoding."""
    await client.send(sms(coding=coding))

    assert simulator.requests[0].params["smsCoding"] == param
    assert simulator.outbox[0].coding is expected


@pytest.mark.parametrize("sender", [None, SENDER])
async def test_sender_for_response_sends_an_empty_from(
    client: Http2SmsClient, simulator: RunningSimulator, sender: str | None
) -> None:
    """A reply-able SMS goes from OVH's short code, with an empty sender."""
    await client.send(sms(sender=sender, sender_for_response=True))

    params = simulator.requests[0].params
    assert params["from"] == ""
    assert params["senderForResponse"] == "1"
    [sent] = simulator.outbox
    assert sent.short_code
    assert sent.sender == simulator.state.short_code


async def test_other_sender(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Another declared sender may be used."""
    await client.send(sms(sender=OTHER_SENDER))

    assert simulator.outbox[0].sender == OTHER_SENDER


# --- service refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "password", "reason"),
    [("", PASSWORD, "Missing login"), (LOGIN, "", "Missing password")],
)
async def test_missing_parameter_is_201(
    session: aiohttp.ClientSession,
    simulator: RunningSimulator,
    login: str,
    password: str,
    reason: str,
) -> None:
    """A missing login or password is OVH's status 201."""
    client = client_with(
        session, simulator, account=ACCOUNT, login=login, password=password
    )

    with pytest.raises(Http2SmsMissingParameterError) as caught:
        await client.send(sms())

    assert (caught.value.status, caught.value.reason) == (201, reason)
    assert_no_secret(caught.value)
    assert simulator.outbox == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param(
            {"recipients": ("0612345678",)}, "Invalid receiver 0612345678", id="number"
        ),
        pytest.param(
            {"message": "x" * 1000},
            "Invalid message: is too long (7 parts)",
            id="length",
        ),
    ],
)
async def test_invalid_parameter_is_202(
    client: Http2SmsClient,
    simulator: RunningSimulator,
    changes: dict[str, object],
    reason: str,
) -> None:
    """An invalid parameter is status 202, and nothing is sent."""
    with pytest.raises(Http2SmsInvalidParameterError) as caught:
        await client.send(sms(**changes))

    assert (caught.value.status, caught.value.reason) == (202, reason)
    assert_no_secret(caught.value)
    assert simulator.outbox == []


async def test_not_enough_credit_is_202(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Too little credit is status 202, and nothing is sent."""
    simulator.state.set_credit(ACCOUNT, "0.50")

    with pytest.raises(Http2SmsInvalidParameterError) as caught:
        await client.send(sms())

    assert caught.value.status == 202
    assert simulator.outbox == []


async def test_bad_account_format_is_202(
    session: aiohttp.ClientSession, simulator: RunningSimulator
) -> None:
    """A malformed account name is status 202."""
    client = client_with(
        session, simulator, account="ab1234", login=LOGIN, password=PASSWORD
    )

    with pytest.raises(Http2SmsInvalidParameterError) as caught:
        await client.send(sms())

    assert caught.value.reason.startswith("Invalid smsAccount")
    assert_no_secret(caught.value)


async def test_unknown_sender_is_241(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """An undeclared sender is status 241."""
    with pytest.raises(Http2SmsSenderNotFoundError) as caught:
        await client.send(sms(sender="Unknown"))

    assert (caught.value.status, caught.value.reason) == (
        241,
        "Sms sender Unknown does not exists",
    )
    assert_no_secret(caught.value)
    assert simulator.outbox == []


@pytest.mark.parametrize(
    ("login", "password"),
    [
        pytest.param(LOGIN, WRONG_PASSWORD, id="wrong-password"),
        pytest.param("someoneElse42", PASSWORD, id="unknown-login"),
    ],
)
async def test_wrong_credentials_are_401(
    session: aiohttp.ClientSession,
    simulator: RunningSimulator,
    login: str,
    password: str,
) -> None:
    """A wrong password or login is status 401, and neither is shown."""
    client = client_with(
        session, simulator, account=ACCOUNT, login=login, password=password
    )

    with pytest.raises(Http2SmsAuthenticationError) as caught:
        await client.send(sms())

    assert caught.value.status == 401
    assert_no_secret(caught.value, login, password, LOGIN, PASSWORD)
    assert simulator.outbox == []


async def test_ip_not_allowed_is_401_and_the_login_is_redacted(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """An address the SMS user does not allow is a 401 whose text hides the login."""
    state = SimulatorState([make_account(allowed_ips=["192.0.2.7"])])
    async with run_simulator(state) as sim:
        client = Http2SmsClient(session, credentials, endpoint=sim.endpoint)
        with pytest.raises(Http2SmsAuthenticationError) as caught:
            await client.send(sms())
        assert sim.outbox == []
        # The simulator names the login in this refusal: the client must hide it.
        assert LOGIN in (sim.requests[0].reason or "")

    assert caught.value.status == 401
    assert caught.value.reason == "IP 127.0.0.1 is not allowed for the SMS user ***"
    assert_no_secret(caught.value)


async def test_secrets_echoed_by_the_service_are_redacted(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Secrets that the reply repeats are hidden from the error."""
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=f'{{"status":401,"message":"Bad password {PASSWORD} for {LOGIN}"}}',
        )
    )

    with pytest.raises(Http2SmsAuthenticationError) as caught:
        await client.send(sms())

    assert caught.value.reason == "Bad password *** for ***"
    assert_no_secret(caught.value)


ODD_PASSWORD = "p@ss wörd&42"


@pytest.mark.parametrize(
    "echo",
    [
        LOGIN.upper(),
        ODD_PASSWORD.upper(),
        "p%40ss%20w%C3%B6rd%2642",
        "p%40ss+w%c3%b6rd%2642",
        f"login={LOGIN.swapcase()}&password={quote_plus(ODD_PASSWORD).upper()}",
    ],
)
async def test_secrets_echoed_in_another_form_are_redacted(
    session: aiohttp.ClientSession, simulator: RunningSimulator, echo: str
) -> None:
    """The login or password in another letter case, URL- or form-encoded, is hidden too."""
    client = client_with(
        session, simulator, account=ACCOUNT, login=LOGIN, password=ODD_PASSWORD
    )
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=f'{{"status":201,"message":"Invalid parameter {echo}"}}',
        )
    )

    with pytest.raises(Http2SmsError) as caught:
        await client.send(sms())

    reason = caught.value.reason.casefold()
    assert "***" in reason
    for secret in (LOGIN, ODD_PASSWORD, "p%40ss", "w%c3%b6rd"):
        assert secret.casefold() not in reason


async def test_unknown_status_is_its_own_error(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """A status OVH does not document is an error of its own."""
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS))

    with pytest.raises(Http2SmsUnknownStatusError) as caught:
        await client.send(sms())

    assert caught.value.status == 999
    assert_no_secret(caught.value)


async def test_rate_limit_inside_a_200_reply_is_a_refusal(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """A rate limit reported in a 200 reply is a refusal, and nothing is sent."""
    simulator.inject(Fault(kind=FaultKind.RATE_LIMIT, http_status=200, limit=0))

    with pytest.raises(Http2SmsServiceError) as caught:
        await client.send(sms())

    assert caught.value.status == 429
    assert simulator.outbox == []


# --- transport faults ---------------------------------------------------------------------------


async def test_http_503(client: Http2SmsClient, simulator: RunningSimulator) -> None:
    """An HTTP error is reported with its status."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR))

    with pytest.raises(Http2SmsHttpError) as caught:
        await client.send(sms())

    assert type(caught.value) is Http2SmsHttpError
    assert caught.value.http_status == 503
    assert_no_secret(caught.value)


async def test_http_429_is_a_rate_limit(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """HTTP 429 is a rate limit."""
    simulator.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=0))

    with pytest.raises(Http2SmsRateLimitError) as caught:
        await client.send(sms())

    assert caught.value.http_status == 429
    assert simulator.outbox == []


async def test_a_redirect_is_not_followed(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """A redirect is not followed: the form could land elsewhere."""
    reply = http_reply("302 Found", b"", "Location: /elsewhere")
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        with pytest.raises(Http2SmsHttpError) as caught:
            await client.send(sms())

    assert caught.value.http_status == 302
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(kind=FaultKind.EMPTY), id="empty"),
        pytest.param(Fault(kind=FaultKind.MALFORMED), id="truncated"),
        pytest.param(Fault(kind=FaultKind.MALFORMED, body="<h1>Oops</h1>"), id="junk"),
        pytest.param(
            Fault(kind=FaultKind.MALFORMED, body="OK\n" + "1" * 70_000), id="too-large"
        ),
    ],
)
async def test_unreadable_reply_is_an_invalid_response(
    client: Http2SmsClient, simulator: RunningSimulator, fault: Fault
) -> None:
    """A reply that cannot be read is an invalid response."""
    simulator.inject(fault)

    with pytest.raises(Http2SmsInvalidResponseError) as caught:
        await client.send(sms())

    assert_no_secret(caught.value)
    assert len(simulator.requests) == 1


@pytest.mark.parametrize("reset_in", ["headers", "body"])
async def test_reset_is_a_connection_error_after_the_request_was_sent(
    client: Http2SmsClient, simulator: RunningSimulator, reset_in: str
) -> None:
    """A connection reset while reading says the request may have been sent."""
    simulator.inject(Fault(kind=FaultKind.RESET, reset_in=reset_in))  # type: ignore[arg-type]

    with pytest.raises(Http2SmsConnectionError) as caught:
        await client.send(sms())

    assert caught.value.request_sent is True
    assert not isinstance(caught.value, Http2SmsTimeoutError)
    assert_no_secret(caught.value)
    assert len(simulator.requests) == 1


async def test_delay_beyond_the_timeout(
    session: aiohttp.ClientSession,
    simulator: RunningSimulator,
    credentials: Credentials,
) -> None:
    """A reply slower than the timeout is a timeout, after the request was sent."""
    client = Http2SmsClient(
        session, credentials, endpoint=simulator.endpoint, timeout=0.2
    )
    simulator.inject(Fault(kind=FaultKind.DELAY, seconds=10))

    with pytest.raises(Http2SmsTimeoutError) as caught:
        await client.send(sms())

    assert caught.value.request_sent is True
    assert_no_secret(caught.value)
    assert len(simulator.requests) == 1


async def test_delay_within_the_timeout_succeeds(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """A slow reply within the timeout is read."""
    simulator.inject(Fault(kind=FaultKind.DELAY, seconds=0.05))

    result = await client.send(sms())

    assert result.sms_ids == ("10867690",)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(kind=FaultKind.RESET, after_send=True), id="reset-body"),
        pytest.param(
            Fault(kind=FaultKind.RESET, after_send=True, reset_in="headers"),
            id="reset-headers",
        ),
        pytest.param(Fault(kind=FaultKind.MALFORMED, after_send=True), id="malformed"),
        pytest.param(Fault(kind=FaultKind.EMPTY, after_send=True), id="empty"),
        pytest.param(Fault(kind=FaultKind.HTTP_ERROR, after_send=True), id="http-503"),
        pytest.param(
            Fault(kind=FaultKind.DELAY, after_send=True, seconds=10), id="timeout"
        ),
    ],
)
async def test_never_resends_after_a_broken_reply(
    session: aiohttp.ClientSession,
    simulator: RunningSimulator,
    credentials: Credentials,
    trace: Trace,
    no_retry_delay: None,
    fault: Fault,
) -> None:
    """Once the request may have reached OVH it is never sent again."""
    client = Http2SmsClient(
        session, credentials, endpoint=simulator.endpoint, timeout=0.5
    )
    simulator.inject(fault)

    with pytest.raises(Http2SmsError) as caught:
        await client.send(sms())

    if isinstance(caught.value, Http2SmsConnectionError):
        assert caught.value.request_sent is True
    assert len(simulator.outbox) == 1
    assert len(simulator.requests) == 1
    assert len(trace.requests) == 1
    assert simulator.state.account(ACCOUNT).credit == Decimal(999)
    assert_no_secret(caught.value)


async def test_connection_refused_is_retried_once(
    session: aiohttp.ClientSession,
    credentials: Credentials,
    trace: Trace,
    no_retry_delay: None,
) -> None:
    """A refused connection, which sent nothing, is tried once more."""
    client = Http2SmsClient(session, credentials, endpoint=closed_endpoint(free_port()))

    with pytest.raises(Http2SmsConnectionError) as caught:
        await client.send(sms())

    assert type(caught.value) is Http2SmsConnectionError
    assert caught.value.request_sent is False
    assert len(trace.requests) == 2
    assert trace.connections == 2
    assert all(not request.body for request in trace.requests)
    assert_no_secret(caught.value)


async def test_retry_after_a_refused_connection_sends_once(
    socket_enabled: None,
    credentials: Credentials,
    no_retry_delay: None,
) -> None:
    """The first connection is refused; the simulator starts on that port before the retry."""
    port = free_port()
    attempts: list[type[BaseException]] = []
    async with AsyncExitStack() as stack:
        started: list[RunningSimulator] = []

        async def on_request_exception(
            _session: aiohttp.ClientSession,
            _context: SimpleNamespace,
            params: aiohttp.TraceRequestExceptionParams,
        ) -> None:
            attempts.append(type(params.exception))
            if not started:
                started.append(
                    await stack.enter_async_context(
                        run_simulator(make_state(), port=port)
                    )
                )

        config = aiohttp.TraceConfig()
        config.on_request_exception.append(on_request_exception)
        session = await stack.enter_async_context(
            aiohttp.ClientSession(trace_configs=[config])
        )
        client = Http2SmsClient(session, credentials, endpoint=closed_endpoint(port))

        result = await client.send(sms())

        [sim] = started
        assert result.sms_ids == ("10867690",)
        assert len(sim.requests) == 1
        assert len(sim.outbox) == 1
    assert len(attempts) == 1
    assert issubclass(attempts[0], aiohttp.ClientConnectorError)


def make_state() -> SimulatorState:
    return SimulatorState([make_account()], missing_before_auth=False)


async def test_a_connection_closed_after_opening_is_not_retried(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    credentials: Credentials,
    no_retry_delay: None,
) -> None:
    """A connection closed after the request went out is not retried."""
    async with raw_server(None) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        with pytest.raises(Http2SmsConnectionError) as caught:
            await client.send(sms())

    assert caught.value.request_sent is True
    assert server.connections == 1


async def test_a_latin_1_text_reply_is_read(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """A text reply in Latin-1 is read, accents included."""
    body = "KO\nMot de passe erroné".encode("latin-1")
    reply = http_reply("200 OK", body, "Content-Type: text/plain")
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        with pytest.raises(Http2SmsServiceError) as caught:
            await client.send(sms())

    assert type(caught.value) is Http2SmsServiceError
    assert caught.value.status is None
    assert caught.value.reason == "Mot de passe erroné"


async def test_a_text_success_reply_is_accepted(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """The text layout of a success is read like the JSON one."""
    reply = http_reply("200 OK", b"OK\n1007\n10867690", "Content-Type: text/plain")
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        result = await client.send(sms())

    assert result == SendResult(
        status=100, credits_left=Decimal(1007), sms_ids=("10867690",)
    )


# --- probe --------------------------------------------------------------------------------------


def assert_nothing_sent(sim: RunningSimulator) -> None:
    assert sim.outbox == []
    assert sim.state.account(ACCOUNT).credit == Decimal(1000)
    for record in sim.requests:
        assert "to" not in record.params
        assert "message" not in record.params


async def test_probe_verifies_credentials_when_checked_first(
    client: Http2SmsClient, simulator: RunningSimulator, trace: Trace
) -> None:
    """A probe proves the credentials when OVH checks them before the missing message."""
    result = await client.probe(SENDER)

    assert result.credentials_verified is True
    assert result.status == 201
    assert_nothing_sent(simulator)
    assert simulator.requests[0].params["from"] == SENDER
    assert f"password={PASSWORD}".encode() in trace.requests[0].body
    assert all(PASSWORD not in str(request.url) for request in trace.requests)


async def test_probe_wrong_password(
    session: aiohttp.ClientSession, simulator: RunningSimulator
) -> None:
    """A probe with a wrong password is a 401, and sends nothing."""
    client = client_with(
        session, simulator, account=ACCOUNT, login=LOGIN, password=WRONG_PASSWORD
    )

    with pytest.raises(Http2SmsAuthenticationError) as caught:
        await client.probe(SENDER)

    assert caught.value.status == 401
    assert_no_secret(caught.value, LOGIN, WRONG_PASSWORD, PASSWORD)
    assert_nothing_sent(simulator)


@pytest.mark.parametrize("password", [PASSWORD, WRONG_PASSWORD])
async def test_probe_cannot_verify_when_missing_parameters_come_first(
    socket_enabled: None, session: aiohttp.ClientSession, password: str
) -> None:
    """A probe says it proved nothing when OVH reports the missing message first."""
    state = SimulatorState([make_account()], missing_before_auth=True)
    async with run_simulator(state) as sim:
        client = Http2SmsClient(
            session,
            Credentials(account=ACCOUNT, login=LOGIN, password=password),
            endpoint=sim.endpoint,
        )
        result = await client.probe(SENDER)
        assert_nothing_sent(sim)

    assert result.credentials_verified is False
    assert result.status == 201
    assert LOGIN not in result.reason
    assert password not in result.reason


async def test_probe_bad_account_format(
    session: aiohttp.ClientSession, simulator: RunningSimulator
) -> None:
    """A probe reports a malformed account."""
    client = client_with(
        session, simulator, account="ab1234", login=LOGIN, password=PASSWORD
    )

    with pytest.raises(Http2SmsInvalidParameterError):
        await client.probe(SENDER)

    assert len(simulator.requests) == 1
    assert_nothing_sent(simulator)


async def test_probe_accepted_reply_proves_the_credentials(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """An accepted probe proves the credentials."""
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=101))

    result = await client.probe(SENDER)

    assert result == ProbeResult(credentials_verified=True, status=101, reason="")
    assert len(simulator.requests) == 1
    assert_nothing_sent(simulator)


async def test_probe_reason_is_redacted(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """Secrets in a probe's reason are hidden."""
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=f'{{"status":201,"message":"Missing to for {LOGIN} / {PASSWORD}"}}',
        )
    )

    result = await client.probe(SENDER)

    assert result.reason == "Missing to for *** / ***"
    assert result.credentials_verified is True
    assert_nothing_sent(simulator)


async def test_probe_transport_failure(
    client: Http2SmsClient, simulator: RunningSimulator
) -> None:
    """A probe that fails in transport raises, and sends nothing."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR))

    with pytest.raises(Http2SmsHttpError):
        await client.probe(SENDER)

    assert_nothing_sent(simulator)


@asynccontextmanager
async def silent_server() -> AsyncIterator[RawServer]:
    """Accept TCP connections and never say a word: a TLS handshake to it stalls."""
    server_info = RawServer(endpoint="")
    release = asyncio.Event()

    async def handle(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        server_info.connections += 1
        await release.wait()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server_info.endpoint = f"https://127.0.0.1:{port}{HTTP2SMS_PATH}"
    try:
        yield server_info
    finally:
        release.set()
        server.close()
        await server.wait_closed()


async def test_a_stalled_handshake_is_not_sent_and_retried_once(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    credentials: Credentials,
    trace: Trace,
    no_retry_delay: None,
) -> None:
    """A TLS handshake that never ends times out on connect: provably not sent, one retry."""
    async with silent_server() as server:
        client = Http2SmsClient(
            session,
            credentials,
            endpoint=server.endpoint,
            timeout=30,
            connect_timeout=0.2,
        )
        with pytest.raises(Http2SmsConnectionError) as caught:
            await client.send(sms())

    assert caught.value.request_sent is False
    assert not isinstance(caught.value, Http2SmsTimeoutError)
    assert server.connections == 2
    assert all(not request.body for request in trace.requests)
    assert_no_secret(caught.value)


async def test_timeouts_are_constructor_arguments(
    session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """Both timeouts are set where the client is made, with OVH-friendly defaults."""
    client = Http2SmsClient(session, credentials)
    assert (client.timeout, client.connect_timeout) == (
        DEFAULT_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
    )
    assert DEFAULT_CONNECT_TIMEOUT < DEFAULT_TIMEOUT
    assert Http2SmsClient(session, credentials, timeout=5).connect_timeout == 5
    with pytest.raises(Http2SmsConfigurationError):
        Http2SmsClient(session, credentials, connect_timeout=0)


@pytest.mark.parametrize(
    "moment",
    [
        # The second 02:30 of 31 October 2027 in Paris (UTC 01:30): the same wall time as the
        # first (UTC 00:30), which hhmmddMMYYYY cannot tell apart.
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=PARIS),
    ],
    ids=["second", "first", "paris-fold"],
)
def test_format_deferred_refuses_an_ambiguous_paris_time(moment: datetime) -> None:
    """A Paris wall time that happens twice cannot be written without an offset."""
    assert is_ambiguous_deferred(moment)
    with pytest.raises(ValueError, match="ambiguous"):
        format_deferred(moment)


def test_format_deferred_around_the_autumn_change_is_kept() -> None:
    """Just outside the repeated hour, times are written as usual."""
    assert format_deferred(datetime(2027, 10, 30, 23, 59, tzinfo=UTC)) == "015931102027"
    assert format_deferred(datetime(2027, 10, 31, 2, 0, tzinfo=UTC)) == "030031102027"
    assert not is_ambiguous_deferred(datetime(2027, 3, 28, 1, 30, tzinfo=UTC))


def chunked_reply(*chunks: bytes) -> bytes:
    """A 200 reply whose length is not announced: its body comes in chunks."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n" + body + b"0\r\n\r\n"
    )


async def test_a_chunked_reply_is_read_whole(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """A reply of unannounced length is read to its end."""
    reply = chunked_reply(b"OK\n10", b"07\n108", b"67690")
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        result = await client.send(sms())

    assert result.credits_left == Decimal(1007)
    assert result.sms_ids == ("10867690",)


async def test_a_chunked_reply_too_large_for_http2sms_is_refused(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """A reply of unannounced length is cut off once it outgrows any http2sms reply."""
    reply = chunked_reply(b"OK\n", *([b"1" * 4096] * 17))
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        with pytest.raises(Http2SmsInvalidResponseError):
            await client.send(sms())


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("zstd", zstd.compress)],
)
async def test_a_compressed_reply_of_small_length_too_large_once_read_is_refused(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    credentials: Credentials,
    encoding: str,
    compress: Callable[[bytes], bytes],
) -> None:
    """A compressed reply is capped once decompressed, not by its announced length."""
    body = compress(b"OK\n1007\n10867690\n" + b"\n" * (16 * MAX_REPLY_BYTES))
    assert len(body) < MAX_REPLY_BYTES
    reply = http_reply("200 OK", body, f"Content-Encoding: {encoding}")
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        with pytest.raises(Http2SmsInvalidResponseError):
            await client.send(sms())


async def test_a_compressed_reply_of_sane_size_is_read(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """A gzip reply of announced length is decompressed and read to its end."""
    reply = http_reply(
        "200 OK", gzip.compress(b"OK\n1007\n10867690\n"), "Content-Encoding: gzip"
    )
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        result = await client.send(sms())

    assert result.credits_left == Decimal(1007)
    assert result.sms_ids == ("10867690",)


async def test_a_reply_shorter_than_it_announced_may_have_been_sent(
    socket_enabled: None, session: aiohttp.ClientSession, credentials: Credentials
) -> None:
    """A body cut short of its Content-Length is a broken exchange after the request left."""
    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n"
        b"Connection: close\r\n\r\nOK\n1007\n"
    )
    async with raw_server(reply) as server:
        client = Http2SmsClient(session, credentials, endpoint=server.endpoint)
        with pytest.raises(Http2SmsConnectionError) as caught:
            await client.send(sms())

    assert caught.value.request_sent is True
    assert_no_secret(caught.value)


async def test_credentials_with_form_characters_reach_the_gateway_intact(
    session: aiohttp.ClientSession, simulator: RunningSimulator, state: SimulatorState
) -> None:
    """A login and password with & = + % spaces and accents arrive as typed, SMS after SMS."""
    login, password = "ops+sms@home", "p&ss=w+rd %25é/?"
    state.account(ACCOUNT).users[login] = replace(
        state.account(ACCOUNT).users[LOGIN], password=password
    )
    client = client_with(
        session, simulator, account=ACCOUNT, login=login, password=password
    )

    await client.send(sms(message="un"))
    await client.send(sms(message="deux & trois"))

    # The simulator checks the password (and logs it masked): both SMS were authenticated.
    assert [record.params["login"] for record in simulator.requests] == [login] * 2
    assert [record.params["message"] for record in simulator.requests] == [
        "un",
        "deux & trois",
    ]
    assert [sent.message for sent in simulator.outbox] == ["un", "deux & trois"]


def test_a_client_is_made_whatever_its_password_holds(
    session: aiohttp.ClientSession, simulator: RunningSimulator
) -> None:
    """Nothing is encoded before the first request: making a client never fails on it."""
    client = client_with(
        session, simulator, account=ACCOUNT, login=LOGIN, password="\ud83d lone"
    )
    assert client.endpoint == URL(simulator.endpoint)
