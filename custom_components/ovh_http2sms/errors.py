"""What a caller sees when an SMS is refused or fails: translated errors that never guess.

An SMS costs money and reaches a person. When a request may have reached OVHcloud and the
outcome is unknown, the error says "may have been sent" and that it was not sent again; it
says "not sent" only when that is certain.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
import logging
import re
import unicodedata

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .http2sms import (
    Http2SmsConnectionError,
    Http2SmsError,
    Http2SmsHttpError,
    Http2SmsInvalidParameterError,
    Http2SmsInvalidResponseError,
    Http2SmsRateLimitError,
    Http2SmsSenderNotFoundError,
    Http2SmsServiceError,
    Http2SmsTimeoutError,
)

_LOGGER = logging.getLogger(__name__)

# A text shown in an error is cut to this many characters.
MAX_SHOWN_LENGTH = 40
# Digits of any script, at most a few signs between them and no letter, maybe after + or (:
# with _NUMBER_DIGITS digits or more, a phone number, whatever separates its groups.
_DIGIT_RUN = re.compile(r"[(+]{0,2}\d(?:[^\w\r\n]{0,3}\d)*")
_NUMBER_DIGITS = 6
# A gateway's reason is cut to this many characters once masked: one or two sentences.
MAX_REASON_LENGTH = 200
# Reasons longer than this are cut before they are masked, so that masking stays cheap.
_MASKED_LENGTH = 20 * MAX_REASON_LENGTH
# A piece of the gateway's reason this long that is also in the sent text is that text.
_MIN_ECHO = 4


class Outcome(StrEnum):
    """What a failed request did, as far as anyone can know."""

    NOT_SENT = "not_sent"
    UNKNOWN = "unknown"


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated error about the caller's input, raised before any request."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=_encodable(placeholders),
    )


def send_error(key: str, **placeholders: str) -> HomeAssistantError:
    """Return a translated error about a send that failed."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=_encodable(placeholders),
    )


def _encodable(placeholders: dict[str, str]) -> dict[str, str]:
    """Replace lone surrogates by U+FFFD: the websocket cannot send them as UTF-8."""
    return {
        name: "".join(
            "\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in value
        )
        for name, value in placeholders.items()
    }


def shown(text: str) -> str:
    """Make a caller's text safe to show: controls and lone surrogates as U+XXXX, cut short."""
    cut = text[:MAX_SHOWN_LENGTH] + ("…" if len(text) > MAX_SHOWN_LENGTH else "")
    return "".join(
        f"U+{ord(char):04X}"
        if not char.isprintable() or 0xD800 <= ord(char) <= 0xDFFF
        else char
        for char in cut
    )


def outcome(err: Http2SmsError) -> Outcome:
    """Tell whether a failed request may have reached OVHcloud and been accepted."""
    match err:
        case Http2SmsConnectionError(request_sent=False):
            return Outcome.NOT_SENT
        case Http2SmsConnectionError() | Http2SmsInvalidResponseError():
            return Outcome.UNKNOWN
        case Http2SmsHttpError(http_status=status) if status >= 500:
            # A proxy or load balancer may answer 5xx after http2sms took the SMS.
            return Outcome.UNKNOWN
    return Outcome.NOT_SENT


def private_reason(reason: str, sent: Iterable[str] = ()) -> str:
    """Return the gateway's reason as anyone may read it.

    A number shows only its last two digits; any piece of what was sent (`sent`: the text,
    the numbers) becomes an ellipsis; a long reason is cut to MAX_REASON_LENGTH.
    """
    reason = mask_numbers(reason[:_MASKED_LENGTH])
    for text in sorted({text.casefold() for text in sent if text}, key=len):
        reason = _without_echo(reason, text)
    if len(reason) > MAX_REASON_LENGTH:
        return reason[: MAX_REASON_LENGTH - 1] + "…"
    return reason


def mask_numbers(text: str) -> str:
    """Hide every run of six digits or more but its last two, whatever separates them.

    Digits of any script count (fullwidth, Arabic-Indic); the two kept are written 0-9.
    """
    return _DIGIT_RUN.sub(_masked_run, text)


def _masked_run(match: re.Match[str]) -> str:
    digits = [unicodedata.digit(char, 0) for char in match[0] if char.isdigit()]
    if len(digits) < _NUMBER_DIGITS:
        return match[0]
    return "…" + "".join(map(str, digits[-2:]))


def _without_echo(reason: str, sent: str) -> str:
    """Replace each piece of `reason` of at least _MIN_ECHO characters that `sent` holds.

    Compared without letter case; `sent` is case folded already.
    """
    folded = reason.casefold()
    # Where each folded character comes from (ß folds to two).
    origin = [index for index, char in enumerate(reason) for _ in char.casefold()]
    hidden = [False] * len(reason)
    start = 0
    while start < len(folded):
        end = start
        while end < len(folded) and folded[start : end + 1] in sent:
            end += 1
        if end - start >= _MIN_ECHO:
            for index in range(origin[start], origin[end - 1] + 1):
                hidden[index] = True
            start = end
        else:
            start += 1
    kept: list[str] = []
    for index, char in enumerate(reason):
        if not hidden[index]:
            kept.append(char)
        elif index == 0 or not hidden[index - 1]:
            kept.append("…")
    return "".join(kept)


def _mask_reason(err: Http2SmsServiceError) -> None:
    """Log the gateway's reason whole at debug, then keep only its masked form.

    The client's error becomes the cause of the caller's error, and Home Assistant prints
    causes in the tracebacks of its ERROR logs: from here on it reads masked too.
    """
    _LOGGER.debug("http2sms refused the request: %s", err.reason)
    raw, err.reason = err.reason, private_reason(err.reason, err.sent)
    if raw:
        err.args = tuple(str(arg).replace(raw, err.reason) for arg in err.args)
    err.sent = ()


def translate(err: Http2SmsError) -> HomeAssistantError:
    """Turn a client error into the translated error the caller sees.

    The gateway's reason may repeat the numbers and the text: it is shown masked, and only
    the debug log holds it whole.
    """
    if isinstance(err, Http2SmsServiceError):
        _mask_reason(err)
    match err:
        case Http2SmsServiceError(status=401):
            return send_error("authentication_failed")
        case Http2SmsSenderNotFoundError():
            return validation_error("sender_not_found", reason=err.reason)
        case Http2SmsInvalidParameterError():
            return validation_error("invalid_parameter", reason=err.reason)
        case Http2SmsServiceError(status=429) | Http2SmsRateLimitError():
            # How http2sms reports a rate limit in its body is not documented; 429 is the
            # natural reading, and it means the SMS was refused, so not sent.
            return send_error("rate_limited")
        case Http2SmsServiceError():
            return send_error(
                "service_refused",
                status=str(err.status) if err.status is not None else "KO",
                reason=err.reason,
            )
        case Http2SmsTimeoutError():
            return send_error("timeout")
        case Http2SmsConnectionError(request_sent=False):
            return send_error("cannot_connect")
        case Http2SmsConnectionError():
            return send_error("connection_broken")
        case Http2SmsHttpError() if outcome(err) is Outcome.UNKNOWN:
            return send_error("http_error_unknown_outcome", status=str(err.http_status))
        case Http2SmsHttpError():
            return send_error("http_error", status=str(err.http_status))
        case Http2SmsInvalidResponseError():
            return send_error("invalid_response")
    return send_error("unknown_error")


def failed_outcome(err: HomeAssistantError) -> Outcome:
    """Whether the request behind a translated send error may have been sent."""
    cause = err.__cause__
    return outcome(cause) if isinstance(cause, Http2SmsError) else Outcome.NOT_SENT
