"""Errors raised by the http2sms client.

None of them ever carries the SMS user's login or password: their texts are built from status
codes and from the service's own reason, from which the client removes both secrets.
"""

from __future__ import annotations


class Http2SmsError(Exception):
    """Base class of every error of this client."""


class Http2SmsConfigurationError(Http2SmsError, ValueError):
    """The client was given something it must refuse before any request (an http endpoint, say)."""


class Http2SmsConnectionError(Http2SmsError):
    """The service could not be reached, or the exchange broke before a readable reply.

    `request_sent` is False only when the request provably never left this machine (DNS failure,
    connection refused, TLS handshake failure): then, and only then, a retry cannot send twice.
    """

    def __init__(self, message: str, *, request_sent: bool) -> None:
        """Keep whether the request may have reached the service."""
        super().__init__(message)
        self.request_sent = request_sent


class Http2SmsTimeoutError(Http2SmsConnectionError):
    """No complete reply within the configured total timeout."""


class Http2SmsResponseError(Http2SmsError):
    """The service answered, but not with a reply this client can trust."""


class Http2SmsHttpError(Http2SmsResponseError):
    """The reply had an HTTP status other than 200 (http2sms itself always answers 200)."""

    def __init__(self, http_status: int) -> None:
        """Keep the HTTP status for the caller."""
        super().__init__(f"Unexpected HTTP status {http_status}")
        self.http_status = http_status


class Http2SmsRateLimitError(Http2SmsHttpError):
    """HTTP 429: the service asks to slow down; the SMS was not accepted."""


class Http2SmsInvalidResponseError(Http2SmsResponseError):
    """The body is empty, truncated, too large or in no known layout."""


class Http2SmsServiceError(Http2SmsError):
    """The service refused the request and said why.

    `status` is None for the text and HTML layouts, whose failures carry a reason but no code.
    """

    def __init__(
        self, status: int | None, reason: str, *, sent: tuple[str, ...] = ()
    ) -> None:
        """Keep the status, the service's reason (free of secrets) and what was sent.

        `sent` is what the request carried that the reason may repeat (the text, the numbers):
        whoever shows the reason to people hides it there.
        """
        label = f"status {status}" if status is not None else "KO"
        super().__init__(f"http2sms refused the request ({label}): {reason}")
        self.status = status
        self.reason = reason
        self.sent = sent


class Http2SmsMissingParameterError(Http2SmsServiceError):
    """Status 201: a required parameter is missing."""


class Http2SmsInvalidParameterError(Http2SmsServiceError):
    """Status 202: a parameter is invalid (tag too long, deferred time, number, account format)."""


class Http2SmsSenderNotFoundError(Http2SmsServiceError):
    """Status 241: the sender is not one of the account's senders."""


class Http2SmsAuthenticationError(Http2SmsServiceError):
    """Status 401: wrong login or password, or this IP is not allowed for the SMS user."""


class Http2SmsUnknownStatusError(Http2SmsServiceError):
    """A status this client does not know; the SMS must be taken as not sent."""
