"""Client for OVH's http2sms SMS gateway, with no Home Assistant dependency.

Everything here uses only the standard library, aiohttp and yarl, so it can become a package of
its own; the Home Assistant integration imports it, never the other way round.
"""

from .client import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_ENDPOINT,
    DEFAULT_TIMEOUT,
    Http2SmsClient,
    format_deferred,
    is_ambiguous_deferred,
    is_loopback_host,
    normalise_line_breaks,
    validate_endpoint,
)
from .encoding import (
    MAX_PARTS,
    STOP_MENTION_LENGTH,
    Encoding,
    SmsLayout,
    cheapest_encoding,
    is_gsm7,
    layout,
)
from .exceptions import (
    Http2SmsAuthenticationError,
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
)
from .lookalikes import Transliteration, transliterate
from .models import (
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_TAG_LENGTH,
    Credentials,
    ProbeResult,
    SendResult,
    SmsRequest,
    batch_recipients,
)
from .parsing import Reply, parse_reply, read_credit

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_ENDPOINT",
    "DEFAULT_TIMEOUT",
    "MAX_PARTS",
    "MAX_RECIPIENTS_PER_REQUEST",
    "MAX_TAG_LENGTH",
    "STOP_MENTION_LENGTH",
    "Credentials",
    "Encoding",
    "Http2SmsAuthenticationError",
    "Http2SmsClient",
    "Http2SmsConfigurationError",
    "Http2SmsConnectionError",
    "Http2SmsError",
    "Http2SmsHttpError",
    "Http2SmsInvalidParameterError",
    "Http2SmsInvalidResponseError",
    "Http2SmsMissingParameterError",
    "Http2SmsRateLimitError",
    "Http2SmsResponseError",
    "Http2SmsSenderNotFoundError",
    "Http2SmsServiceError",
    "Http2SmsTimeoutError",
    "Http2SmsUnknownStatusError",
    "ProbeResult",
    "Reply",
    "SendResult",
    "SmsLayout",
    "SmsRequest",
    "Transliteration",
    "batch_recipients",
    "cheapest_encoding",
    "format_deferred",
    "is_ambiguous_deferred",
    "is_gsm7",
    "is_loopback_host",
    "layout",
    "normalise_line_breaks",
    "parse_reply",
    "read_credit",
    "transliterate",
    "validate_endpoint",
]
