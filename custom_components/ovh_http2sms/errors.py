"""What a caller sees when an SMS is refused or fails: translated errors that never guess.

An SMS costs money and reaches a person. When a request may have reached OVHcloud and the
outcome is unknown, the error says "may have been sent" and that it was not sent again; it
says "not sent" only when that is certain.
"""

from __future__ import annotations

from enum import StrEnum

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

# A text shown in an error is cut to this many characters.
MAX_SHOWN_LENGTH = 40


class Outcome(StrEnum):
    """What a failed request did, as far as anyone can know."""

    NOT_SENT = "not_sent"
    UNKNOWN = "unknown"


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated error about the caller's input, raised before any request."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def send_error(key: str, **placeholders: str) -> HomeAssistantError:
    """Return a translated error about a send that failed."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


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


def translate(err: Http2SmsError) -> HomeAssistantError:
    """Turn a client error into the translated error the caller sees."""
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
