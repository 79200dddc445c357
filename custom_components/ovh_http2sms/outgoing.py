"""What one send hands the account, and what the account hands back.

Apart from the account so that the account and the record of what was sent (`record.py`) both
read them without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .http2sms import SmsRequest
from .ledger import SentSms


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """One SMS that passed every check: its recipients, its request and its cost."""

    recipients: tuple[str, ...]
    # The text, sender and flags; made again for each batch of the admitted recipients.
    request: SmsRequest
    parts: int
    encoding: str
    # Stored number -> the contact's key (`contacts.contact_key`), for the numbers that are
    # contacts: renames keep it, a contact added again gets another.
    contacts: Mapping[str, str] = field(default_factory=dict)
    allow_repeat: bool = False


@dataclass(slots=True)
class Delivery:
    """What one send did, filled in as each of its requests is accepted."""

    suppressed: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    requests: int = 0
    sent: list[SentSms] = field(default_factory=list)
    credits_left: Decimal | None = None
