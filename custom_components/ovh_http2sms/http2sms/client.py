"""An asyncio client for OVH's http2sms gateway.

It POSTs a form (so the password is never part of a URL, a proxy log or an exception text),
asks for JSON, and turns every failure into a typed error. It never resends a request that may
have reached the service: an SMS costs money and must not arrive twice. The one retry it makes
is for a connection that provably never opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from ipaddress import ip_address
import logging
import re
from urllib.parse import quote, quote_plus, urlencode
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import hdrs
from yarl import URL

from .encoding import Encoding
from .exceptions import (
    Http2SmsAuthenticationError,
    Http2SmsConfigurationError,
    Http2SmsConnectionError,
    Http2SmsHttpError,
    Http2SmsInvalidParameterError,
    Http2SmsInvalidResponseError,
    Http2SmsMissingParameterError,
    Http2SmsRateLimitError,
    Http2SmsSenderNotFoundError,
    Http2SmsServiceError,
    Http2SmsTimeoutError,
    Http2SmsUnknownStatusError,
)
from .models import Credentials, ProbeResult, SendResult, SmsRequest
from .parsing import Reply, parse_reply

_LOGGER = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://www.ovh.com/cgi-bin/sms/http2sms.cgi"
DEFAULT_TIMEOUT = 30.0
# Opening the connection (TCP and TLS) gets less: until it is open the request provably never
# left, so a stalled handshake is "not sent" and may take the one retry.
DEFAULT_CONNECT_TIMEOUT = 10.0
# OVH is in France and documents no time zone for `deferred`; Paris time is the only reading
# that matches its examples.
DEFERRED_TIME_ZONE = ZoneInfo("Europe/Paris")
# A genuine reply is a few hundred bytes; anything far larger is not http2sms talking.
MAX_REPLY_BYTES = 64 * 1024
# Bounded retries for connections that never opened (DNS failure, connection refused).
CONNECT_ATTEMPTS = 2
CONNECT_RETRY_DELAY = 1.0
# A password that no SMS user can have (OVH's are 8 alphanumeric characters), used to learn the
# order in which the service checks a request; see `probe`.
_CONTROL_PASSWORD = "-" * 8

_STATUS_ERRORS: dict[int, type[Http2SmsServiceError]] = {
    201: Http2SmsMissingParameterError,
    202: Http2SmsInvalidParameterError,
    241: Http2SmsSenderNotFoundError,
    401: Http2SmsAuthenticationError,
}
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def validate_endpoint(endpoint: str) -> URL:
    """Accept an https URL, or plain http for a loopback host (a local simulator or relay)."""
    url = URL(endpoint)
    if not url.is_absolute() or not url.host:
        raise Http2SmsConfigurationError("The endpoint must be an absolute URL")
    if url.user or url.password or url.query_string or url.fragment:
        raise Http2SmsConfigurationError(
            "The endpoint must not carry credentials, a query or a fragment"
        )
    if url.scheme == "https":
        return url
    if url.scheme == "http" and is_loopback_host(url.host):
        return url
    raise Http2SmsConfigurationError(
        "The endpoint must use https (plain http only for a loopback address)"
    )


def is_loopback_host(host: str) -> bool:
    """Tell whether a host name or address can only be this machine."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_ambiguous_deferred(moment: datetime) -> bool:
    """Tell whether a moment falls in the hour that Paris lives twice when summer time ends.

    hhmmddMMYYYY carries no offset, so the first and the second 02:30 are the same string.
    """
    wall = moment.astimezone(DEFERRED_TIME_ZONE)
    return wall.replace(fold=1 - wall.fold).utcoffset() != wall.utcoffset()


def format_deferred(moment: datetime) -> str:
    """Write a send time as http2sms wants it: hhmmddMMYYYY, in Paris time.

    Raise ValueError for a moment whose Paris wall time is ambiguous (see above).
    """
    if is_ambiguous_deferred(moment):
        raise ValueError("ambiguous Paris time: it happens twice when summer time ends")
    return moment.astimezone(DEFERRED_TIME_ZONE).strftime("%H%M%d%m%Y")


def normalise_line_breaks(text: str) -> str:
    """Turn every line break into CR, the one http2sms documents (`%0d`)."""
    return text.replace("\r\n", "\r").replace("\n", "\r")


class Http2SmsClient:
    """Send SMS for one SMS user of one OVH SMS account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        credentials: Credentials,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    ) -> None:
        """Keep the shared session; refuse an endpoint that would expose the password."""
        if timeout <= 0 or connect_timeout <= 0:
            raise Http2SmsConfigurationError("Timeouts must be positive")
        self._session = session
        self._credentials = credentials
        self._endpoint = validate_endpoint(endpoint)
        self._timeout = aiohttp.ClientTimeout(
            total=timeout, connect=min(connect_timeout, timeout)
        )

    @cached_property
    def _signed_form(self) -> str:
        """The first fields of every SMS request: they never change, so encoded once."""
        return urlencode(self._common_form(self._credentials.password))

    @property
    def endpoint(self) -> URL:
        """The http2sms URL in use."""
        return self._endpoint

    @property
    def timeout(self) -> float:
        """Seconds a whole exchange may take."""
        return float(self._timeout.total or 0)

    @property
    def connect_timeout(self) -> float:
        """Seconds opening the connection may take."""
        return float(self._timeout.connect or 0)

    async def send(self, request: SmsRequest) -> SendResult:
        """Send one SMS request; raise a typed error unless the service accepted it."""
        reply = await self._exchange(
            f"{self._signed_form}&{urlencode(self._form(request))}"
        )
        if not reply.accepted:
            raise self._service_error(
                reply,
                sent=(
                    request.message,
                    normalise_line_breaks(request.message),
                    *request.recipients,
                ),
            )
        return SendResult(
            status=reply.status or 100,
            credits_left=reply.credits_left,
            sms_ids=reply.sms_ids,
        )

    async def probe(self, sender: str) -> ProbeResult:
        """Check the account as far as http2sms allows without sending anything.

        The request carries the credentials and the sender but no recipient and no message, so
        it can never send an SMS nor spend credit. The account format is known to be checked
        first, so a reply about it is conclusive; 401 and 241 are conclusive too. A reply that
        only says a parameter is missing proves the credentials only if the service checks them
        before missing parameters, so the same request with a password no SMS user can have is
        sent once to learn that order: a 401 to it means the first reply was authenticated.
        """
        reply = await self._exchange(
            urlencode(self._probe_form(self._credentials.password, sender))
        )
        if reply.accepted:
            return ProbeResult(
                credentials_verified=True, status=reply.status, reason=""
            )
        if reply.status != 201:
            raise self._service_error(reply)
        control = await self._exchange(
            urlencode(self._probe_form(_CONTROL_PASSWORD, sender))
        )
        verified = control.status == 401
        _LOGGER.debug(
            "Probe: the service answered %s, and %s to a wrong password: credentials %s",
            reply.status,
            control.status,
            "verified" if verified else "not verifiable without sending",
        )
        return ProbeResult(
            credentials_verified=verified,
            status=reply.status,
            reason=self._redact(reply.reason),
        )

    def _common_form(self, password: str) -> list[tuple[str, str]]:
        return [
            ("account", self._credentials.account),
            ("login", self._credentials.login),
            ("password", password),
            ("contentType", "application/json"),
        ]

    def _probe_form(self, password: str, sender: str) -> list[tuple[str, str]]:
        return [*self._common_form(password), ("from", sender)]

    def _form(self, request: SmsRequest) -> list[tuple[str, str]]:
        """Return the fields of an SMS request that follow the signed ones."""
        form = [
            ("from", "" if request.sender_for_response else request.sender or ""),
            ("to", ",".join(request.recipients)),
            ("message", normalise_line_breaks(request.message)),
        ]
        optional: Iterable[tuple[str, str | None]] = (
            ("senderForResponse", "1" if request.sender_for_response else None),
            ("class", "0" if request.flash else None),
            ("noStop", "1" if request.no_stop else None),
            (
                "deferred",
                format_deferred(request.deferred) if request.deferred else None,
            ),
            ("tag", request.tag),
            ("smsCoding", _SMS_CODING.get(request.coding) if request.coding else None),
        )
        form += [(name, value) for name, value in optional if value is not None]
        return form

    async def _exchange(self, form: str) -> Reply:
        """POST the form once (twice only if the first connection never opened), read the reply."""
        body = form.encode()
        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            try:
                return await self._post(body)
            except Http2SmsConnectionError as err:
                if (
                    err.request_sent
                    or attempt == CONNECT_ATTEMPTS
                    or self._session.closed
                ):
                    raise
                _LOGGER.debug(
                    "Connection to %s never opened; trying once more",
                    self._endpoint.host,
                )
                await asyncio.sleep(CONNECT_RETRY_DELAY)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(self, body: bytes) -> Reply:
        if self._session.closed:
            raise Http2SmsConnectionError(
                "The HTTP session is closed", request_sent=False
            )
        try:
            async with self._session.post(
                self._endpoint,
                data=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                if response.status == 429:
                    raise Http2SmsRateLimitError(response.status)
                if response.status != 200:
                    raise Http2SmsHttpError(response.status)
                raw = await _read_limited(response)
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as err:
            raise Http2SmsConnectionError(
                f"Cannot connect to {self._endpoint.host}: {type(err).__name__}",
                request_sent=False,
            ) from err
        except TimeoutError as err:
            raise Http2SmsTimeoutError(
                f"No reply from {self._endpoint.host} within {self._timeout.total} s",
                request_sent=True,
            ) from err
        except aiohttp.ClientError as err:
            raise Http2SmsConnectionError(
                f"The exchange with {self._endpoint.host} broke: {type(err).__name__}",
                request_sent=True,
            ) from err
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        return parse_reply(text)

    def _service_error(
        self, reply: Reply, *, sent: tuple[str, ...] = ()
    ) -> Http2SmsServiceError:
        reason = self._redact(reply.reason)
        if reply.status is None:
            return Http2SmsServiceError(None, reason, sent=sent)
        error_type = _STATUS_ERRORS.get(reply.status, Http2SmsUnknownStatusError)
        return error_type(reply.status, reason, sent=sent)

    def _redact(self, text: str) -> str:
        """Remove the login and password from a text the service wrote, should it echo them.

        In any letter case, and as a form or a URL writes them (`%40`, `+` for a space).
        """
        secrets = (self._credentials.password, self._credentials.login)
        forms = {
            form
            for secret in secrets
            if secret
            for form in (secret, quote(secret, safe=""), quote_plus(secret))
        }
        pattern = "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
        return re.sub(pattern, "***", text, flags=re.IGNORECASE) if pattern else text


_SMS_CODING = {Encoding.GSM7: "1", Encoding.UNICODE: "2"}


async def _read_limited(response: aiohttp.ClientResponse) -> bytes:
    """Read the whole body (a cut connection raises), refusing one too large to be http2sms."""
    if response.content_length is not None:
        if response.content_length > MAX_REPLY_BYTES:
            raise Http2SmsInvalidResponseError("The reply is too large to be http2sms")
        # aiohttp reads no more than the announced length, but that length is what came over
        # the wire: a compressed body is decompressed as it is read, to any size. Only a body
        # sent as is can be read whole.
        if hdrs.CONTENT_ENCODING not in response.headers:
            return await response.read()
    body = bytearray()
    async for chunk in response.content.iter_chunked(4096):
        body += chunk
        if len(body) > MAX_REPLY_BYTES:
            raise Http2SmsInvalidResponseError("The reply is too large to be http2sms")
    return bytes(body)
