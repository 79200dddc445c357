"""Typed models of what goes to http2sms and what comes back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .encoding import Encoding

MAX_TAG_LENGTH = 20
# http2sms documents no limit on the number of recipients of one request; this client keeps one
# request under a size any HTTP server accepts (100 numbers of 13 digits is about 1.4 kB).
MAX_RECIPIENTS_PER_REQUEST = 100


def batch_recipients(recipients: Sequence[str]) -> list[tuple[str, ...]]:
    """Split numbers into as few requests as possible: one, unless beyond the per-request cap."""
    return [
        tuple(recipients[start : start + MAX_RECIPIENTS_PER_REQUEST])
        for start in range(0, len(recipients), MAX_RECIPIENTS_PER_REQUEST)
    ]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An SMS account and one of its SMS users; the login and password never show in a repr."""

    account: str
    login: str = field(repr=False)
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsRequest:
    """One http2sms request: one message to one or more numbers.

    Numbers are in http2sms' international form (`0033612345678`); validating what a user typed
    is the caller's job, this model only refuses what can never be a valid request.
    """

    recipients: tuple[str, ...]
    message: str
    sender: str | None = None
    sender_for_response: bool = False
    flash: bool = False
    no_stop: bool = True
    deferred: datetime | None = None
    tag: str | None = None
    coding: Encoding | None = None

    def __post_init__(self) -> None:
        """Refuse requests that the service would refuse anyway, before any network use."""
        if not self.recipients:
            raise ValueError("an SMS needs at least one recipient")
        if len(self.recipients) > MAX_RECIPIENTS_PER_REQUEST:
            raise ValueError(
                f"at most {MAX_RECIPIENTS_PER_REQUEST} recipients per request"
            )
        if not all(number.isascii() and number.isdigit() for number in self.recipients):
            raise ValueError("recipients must be numbers in the form 0033612345678")
        if not self.message:
            raise ValueError("an SMS needs a message")
        if self.tag is not None and len(self.tag) > MAX_TAG_LENGTH:
            raise ValueError(f"a tag has at most {MAX_TAG_LENGTH} characters")
        if self.deferred is not None and self.deferred.tzinfo is None:
            raise ValueError("a deferred time must carry its time zone")
        if not self.sender and not self.sender_for_response:
            raise ValueError("an SMS needs a sender, or sender_for_response")


@dataclass(frozen=True, slots=True)
class SendResult:
    """What http2sms answered to an accepted SMS.

    `credits_left` is None only if a success reply lacks it: the SMS was sent all the same, so
    a missing field must never turn into an error the caller might retry.
    """

    status: int
    credits_left: Decimal | None
    sms_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What a request without a message revealed about the account.

    `credentials_verified` is True only when the reply proves that the login and password were
    checked and accepted. http2sms has no documented way to check them without sending, so a
    reply that only names the missing message proves the endpoint and the account format, no more.
    """

    credentials_verified: bool
    status: int | None
    reason: str
