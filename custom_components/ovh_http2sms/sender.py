"""Everything between a Home Assistant action and one http2sms request.

Both the notify entities and the `send_sms` action go through `SmsSender.async_send`: it checks
the input and counts the parts before any request (an SMS costs money), paces the requests,
turns client errors into translated Home Assistant errors, and keeps the credit read from each
reply for the sensor and the low-credit repair issue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import (
    CODING_AUTO,
    CONF_ACCOUNT,
    CONF_CODING,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_PARTS,
    CONF_MAX_SENDS_PER_SECOND,
    CONF_REPLACE_CHARACTERS,
    CONF_SENDER,
    DEFAULT_LOW_CREDIT_THRESHOLD,
    DOMAIN,
    MAX_CONCURRENT_REQUESTS,
    MAX_REQUESTS_PER_SECOND,
    REPLACE_AND_DROP,
    REPLACE_LOOKALIKES,
    REPLACE_OFF,
)
from .http2sms import (
    MAX_PARTS,
    MAX_TAG_LENGTH,
    Encoding,
    Http2SmsAuthenticationError,
    Http2SmsClient,
    Http2SmsConnectionError,
    Http2SmsError,
    Http2SmsHttpError,
    Http2SmsInvalidParameterError,
    Http2SmsInvalidResponseError,
    Http2SmsRateLimitError,
    Http2SmsSenderNotFoundError,
    Http2SmsServiceError,
    Http2SmsTimeoutError,
    SendResult,
    SmsLayout,
    SmsRequest,
    batch_recipients,
    format_deferred,
    is_gsm7,
    layout,
    normalise_line_breaks,
    transliterate,
)
from .phone import InvalidPhoneNumber, to_http2sms_number

if TYPE_CHECKING:
    from . import Http2SmsConfigEntry

_LOGGER = logging.getLogger(__name__)

SENDER_MAX_LENGTH = 11
KNOWN_NUMBERS_LIMIT = 1000
PHONE_SENDER_MAX_LENGTH = 15


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsOrder:
    """What a caller asks for, before any check."""

    numbers: Sequence[str]
    message: str
    title: str | None = None
    flash: bool = False
    no_stop: bool = True
    deferred: datetime | None = None
    tag: str | None = None
    sender: str | None = None
    sender_for_response: bool = False
    coding: str | None = None


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    """What was sent and what it cost, as the action returns it."""

    sms_ids: tuple[str, ...]
    credits_left: Decimal | None
    parts: int
    encoding: Encoding
    recipients: tuple[str, ...]
    replaced: tuple[tuple[str, str], ...]
    dropped: tuple[str, ...]

    def as_response(self) -> dict[str, Any]:
        """Return the action response: plain JSON types only."""
        return {
            "sms_ids": list(self.sms_ids),
            "credits_left": float(self.credits_left)
            if self.credits_left is not None
            else None,
            "parts": self.parts,
            "encoding": self.encoding.value,
            "recipients": list(self.recipients),
            "replaced": [{"from": old, "to": new} for old, new in self.replaced],
            "dropped": list(self.dropped),
        }


def is_valid_sender(sender: str) -> bool:
    """Tell whether a sender has a shape OVH accepts: 11 letters or digits, or a phone number."""
    if sender.isascii() and sender.isdigit():
        return len(sender) <= PHONE_SENDER_MAX_LENGTH
    return 0 < len(sender) <= SENDER_MAX_LENGTH and all(
        char.isascii() and (char.isalnum() or char in " -._") for char in sender
    )


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def _service_error(key: str, **placeholders: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


class PacerClosedError(Exception):
    """The pacer no longer lets requests start (Home Assistant is stopping)."""


class RequestPacer:
    """Let at most `rate` requests start per second and `concurrency` run at once; others wait.

    An alarm can fire dozens of automations in the same second: they queue here rather than be
    refused by OVH, and none is dropped. Closing it releases every waiter at once.
    """

    def __init__(self, rate: float, concurrency: int) -> None:
        """Set the pace."""
        self._interval = 1.0 / rate
        self._semaphore = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self._next_start = 0.0
        self._closed = asyncio.Event()

    def close(self) -> None:
        """Refuse every waiting and future request."""
        self._closed.set()

    async def __aenter__(self) -> None:
        """Wait for a free slot and for this request's turn; raise PacerClosedError if closed."""
        await self._semaphore.acquire()
        try:
            await self._async_wait_turn()
        except BaseException:
            self._semaphore.release()
            raise

    async def _async_wait_turn(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            delay = self._next_start - loop.time()
            if delay > 0 and not self._closed.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._closed.wait()
            if self._closed.is_set():
                raise PacerClosedError
            self._next_start = max(loop.time(), self._next_start) + self._interval

    async def __aexit__(self, *exc_info: object) -> None:
        """Free the slot."""
        self._semaphore.release()


class CreditBook:
    """The last credit figure of one account, and who wants to hear of changes.

    It outlives reloads (it is kept per entry in hass.data): a reply that reaches a sender being
    unloaded still updates the figure that the next sender and the new sensor show.
    """

    def __init__(self) -> None:
        """Start with no figure: http2sms reports the credit only in send replies."""
        self.value: Decimal | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `update_callback` on every change; return the remover."""
        self._listeners.append(update_callback)
        return lambda: self._listeners.remove(update_callback)

    @callback
    def async_notify(self) -> None:
        """Tell every listener."""
        for update_callback in list(self._listeners):
            update_callback()


class SmsSender:
    """Send SMS for one config entry and keep what the replies say about the credit."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: Http2SmsConfigEntry,
        client: Http2SmsClient,
        credit_book: CreditBook,
    ) -> None:
        """Keep the client; the entry's options are read at each send."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self._credit_book = credit_book
        # Numbers already read, by region: a contact's next SMS needs no executor round trip.
        self._known_numbers: dict[str | None, dict[str, str]] = {}
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._pacer = RequestPacer(
            float(
                entry.options.get(CONF_MAX_SENDS_PER_SECOND, MAX_REQUESTS_PER_SECOND)
            ),
            MAX_CONCURRENT_REQUESTS,
        )
        self.reachable = True

    async def async_drain(self) -> None:
        """Let requests already sent finish before Home Assistant closes its HTTP session.

        Runs as a shutdown job: sends still waiting for their turn are refused with an error
        that says they were not sent, rather than cut off midway.
        """
        self._pacer.close()
        await self._idle.wait()

    @property
    def low_credit_issue_id(self) -> str:
        """The repair issue raised while this account's credit is low."""
        return f"low_credit_{self.entry.entry_id}"

    @property
    def credits_left(self) -> Decimal | None:
        """The credit OVH reported last, whichever sender of this entry read it."""
        return self._credit_book.value

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `update_callback` when the credit or the reachability changes; return the remover."""
        return self._credit_book.async_add_listener(update_callback)

    @callback
    def async_set_credit(self, credits_left: Decimal) -> None:
        """Take a credit figure (from a reply, or restored), tell listeners, check the threshold."""
        self._credit_book.value = credits_left
        self._credit_book.async_notify()
        threshold = Decimal(
            str(
                self.entry.options.get(
                    CONF_LOW_CREDIT_THRESHOLD, DEFAULT_LOW_CREDIT_THRESHOLD
                )
            )
        )
        if threshold > 0 and credits_left < threshold:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.low_credit_issue_id,
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="low_credit",
                translation_placeholders={
                    "account": self.entry.data[CONF_ACCOUNT],
                    "credits": f"{credits_left:f}",
                    "threshold": f"{threshold:f}",
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, self.low_credit_issue_id)

    async def async_send(self, order: SmsOrder) -> SmsReceipt:
        """Check the order, send it in as few requests as possible, return what it cost."""
        recipients = await self._async_numbers(order.numbers)
        sender = self._checked_sender(order)
        deferred = self._checked_deferred(order.deferred)
        if order.tag is not None and len(order.tag) > MAX_TAG_LENGTH:
            raise _validation_error("tag_too_long", max=str(MAX_TAG_LENGTH))
        text = normalise_line_breaks(
            order.message if not order.title else f"{order.title}\n{order.message}"
        )
        if not text.strip():
            raise _validation_error("empty_message")
        text, replaced, dropped = self._replace_characters(text)
        sms_layout = self._layout(text, order)

        requests = [
            SmsRequest(
                recipients=batch,
                message=text,
                sender=sender,
                sender_for_response=order.sender_for_response,
                flash=order.flash,
                no_stop=order.no_stop,
                deferred=deferred,
                tag=order.tag or None,
                coding=sms_layout.encoding,
            )
            for batch in batch_recipients(recipients)
        ]
        _LOGGER.debug(
            "Sending %d part(s) in %s to %d recipient(s) in %d request(s)%s",
            sms_layout.parts,
            sms_layout.encoding,
            len(recipients),
            len(requests),
            f", replaced {len(replaced)} character(s)" if replaced else "",
        )
        sms_ids: list[str] = []
        sent_to: list[str] = []
        credits_left: Decimal | None = None
        for request in requests:
            try:
                result = await self._async_send_request(request)
            except HomeAssistantError as err:
                if sent_to:
                    raise _service_error(
                        "partially_sent",
                        sent=str(len(sent_to)),
                        total=str(len(recipients)),
                    ) from err
                raise
            sms_ids.extend(result.sms_ids)
            sent_to.extend(request.recipients)
            credits_left = result.credits_left
        return SmsReceipt(
            sms_ids=tuple(sms_ids),
            credits_left=credits_left,
            parts=sms_layout.parts,
            encoding=sms_layout.encoding,
            recipients=tuple(sent_to),
            replaced=replaced,
            dropped=dropped,
        )

    async def _async_numbers(self, numbers: Sequence[str]) -> list[str]:
        if not numbers:
            raise _validation_error("no_recipients")
        region = self.hass.config.country
        known = self._known_numbers.setdefault(region, {})
        if all(number in known for number in numbers):
            return list(dict.fromkeys(known[number] for number in numbers))
        checked = await self.hass.async_add_executor_job(
            _normalise_numbers, list(numbers), region
        )
        if isinstance(checked, InvalidPhoneNumber):
            raise _validation_error("invalid_phone_number", number=str(checked.args[0]))
        if len(known) < KNOWN_NUMBERS_LIMIT:
            known.update(zip(numbers, checked, strict=True))
        return list(dict.fromkeys(checked))

    def _checked_sender(self, order: SmsOrder) -> str | None:
        if order.sender_for_response:
            return None
        sender = order.sender or self.entry.data[CONF_SENDER]
        if not is_valid_sender(sender):
            raise _validation_error("invalid_sender", sender=sender)
        return sender

    @staticmethod
    def _checked_deferred(deferred: datetime | None) -> datetime | None:
        if deferred is None:
            return None
        if deferred.tzinfo is None:
            deferred = deferred.replace(tzinfo=dt_util.get_default_time_zone())
        if deferred < dt_util.utcnow() - timedelta(minutes=1):
            raise _validation_error("deferred_in_past")
        try:
            format_deferred(deferred)
        except (OverflowError, ValueError) as err:
            raise _validation_error("deferred_out_of_range") from err
        return deferred

    def _replace_characters(
        self, text: str
    ) -> tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]:
        policy = self.entry.options.get(CONF_REPLACE_CHARACTERS, REPLACE_OFF)
        if policy not in (REPLACE_LOOKALIKES, REPLACE_AND_DROP):
            return text, (), ()
        result = transliterate(text, drop_unencodable=policy == REPLACE_AND_DROP)
        if not result.text.strip():
            raise _validation_error("empty_message")
        return result.text, result.replaced, result.dropped

    def _layout(self, text: str, order: SmsOrder) -> SmsLayout:
        coding = order.coding or self.entry.options.get(CONF_CODING, CODING_AUTO)
        encoding = None if coding == CODING_AUTO else Encoding(coding)
        if encoding is Encoding.GSM7 and not is_gsm7(text):
            outside = "".join(dict.fromkeys(char for char in text if not is_gsm7(char)))
            raise _validation_error("not_gsm7", characters=outside)
        sms_layout = layout(text, encoding, stop_mention=not order.no_stop)
        max_parts = min(
            int(self.entry.options.get(CONF_MAX_PARTS, MAX_PARTS)), MAX_PARTS
        )
        if sms_layout.parts > max_parts:
            raise _validation_error(
                "too_many_parts",
                parts=str(sms_layout.parts),
                max_parts=str(max_parts),
                encoding=sms_layout.encoding.value,
            )
        return sms_layout

    @callback
    def _async_set_reachable(
        self, reachable: bool, err: Http2SmsError | None = None
    ) -> None:
        """Log once when the gateway stops answering and once when it is back."""
        if reachable == self.reachable:
            return
        self.reachable = reachable
        if reachable:
            _LOGGER.info("OVH http2sms is reachable again")
        else:
            _LOGGER.warning("OVH http2sms is unreachable: %s", err)
        self._credit_book.async_notify()

    async def _async_send_request(self, request: SmsRequest) -> SendResult:
        try:
            async with self._pacer:
                self._in_flight += 1
                self._idle.clear()
                try:
                    result = await self.client.send(request)
                finally:
                    self._in_flight -= 1
                    if not self._in_flight:
                        self._idle.set()
        except PacerClosedError as err:
            raise _service_error("stopping") from err
        except Http2SmsError as err:
            if isinstance(err, Http2SmsConnectionError) or (
                isinstance(err, Http2SmsHttpError) and err.http_status >= 500
            ):
                self._async_set_reachable(False, err)
            raise self._translate(err) from err
        self._async_set_reachable(True)
        if result.credits_left is not None:
            self.async_set_credit(result.credits_left)
        return result

    def _translate(self, err: Http2SmsError) -> HomeAssistantError:
        """Turn a client error into the translated error the caller sees."""
        match err:
            case Http2SmsAuthenticationError():
                self.entry.async_start_reauth(self.hass)
                return _service_error("authentication_failed")
            case Http2SmsSenderNotFoundError():
                return _validation_error("sender_not_found", reason=err.reason)
            case Http2SmsInvalidParameterError():
                return _validation_error("invalid_parameter", reason=err.reason)
            case Http2SmsServiceError(status=429):
                # How http2sms reports a rate limit in its body is not documented; 429 is the
                # natural reading, and it means the SMS was refused, so not sent.
                return _service_error("rate_limited")
            case Http2SmsServiceError():
                return _service_error(
                    "service_refused",
                    status=str(err.status) if err.status is not None else "KO",
                    reason=err.reason,
                )
            case Http2SmsTimeoutError():
                return _service_error("timeout")
            case Http2SmsConnectionError(request_sent=False):
                return _service_error("cannot_connect")
            case Http2SmsConnectionError():
                return _service_error("connection_broken")
            case Http2SmsRateLimitError():
                return _service_error("rate_limited")
            case Http2SmsHttpError():
                return _service_error("http_error", status=str(err.http_status))
            case Http2SmsInvalidResponseError():
                return _service_error("invalid_response")
        return _service_error("unknown_error")


def _normalise_numbers(
    numbers: list[str], region: str | None
) -> list[str] | InvalidPhoneNumber:
    """Normalise every number, or return the first invalid one (runs in the executor)."""
    try:
        return [to_http2sms_number(number, region) for number in numbers]
    except InvalidPhoneNumber as err:
        return err
