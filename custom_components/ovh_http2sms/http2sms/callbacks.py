"""What OVHcloud calls back with: delivery reports and replies to the short code.

OVHcloud calls a URL of the customer's (see the reference's "What comes back"):
- the SMS user's Callback URL, for every status change of an SMS: a GET query with `id`, `ptt`,
  `date`, `description` and `descriptionDlr` [documented];
- the account's status callback: `id` and `dlr`, same values as `description` [observed];
- "Call a CGI" for a reply: a form POST with `id`, `senderid`, `message`, `keyword`, `shortcode`,
  `tag` [observed once].

Anyone who learns the URL can call it, so both parsers take any mapping of text and give a result
only for what has the right shape; garbage gives None and never raises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Final

# Bigger bodies or queries are not OVHcloud's: a reply holds 1600 characters at most.
MAX_CALLBACK_BYTES: Final = 8 * 1024
MAX_REPLY_LENGTH: Final = 1600
# Caps of the side fields; a longer value makes the whole callback garbage.
_MAX_ID_DIGITS = 19
_FIELD_CAPS: Final = {
    "ptt": 32,
    "date": 64,
    "description": 8,
    "dlr": 8,
    "descriptionDlr": 256,
    "senderid": 32,
    "message": MAX_REPLY_LENGTH,
    "keyword": 160,
    "shortcode": 16,
    "tag": 64,
}
_PLAUSIBLE_ID = re.compile(rf"[1-9][0-9]{{0,{_MAX_ID_DIGITS - 1}}}")
# What a person or a program writes between digits of a phone number.
_NUMBER_SEPARATORS = str.maketrans("", "", " .-()/\u00a0")
_INTERNATIONAL_DIGITS = re.compile(r"[1-9][0-9]{6,14}")
# A number without 00 or + is taken as international only when long enough to hold a country
# code and a whole national number, so that a bare national number is never read as foreign.
_BARE_INTERNATIONAL = re.compile(r"[1-9][0-9]{10,14}")
# Replies to the short code come from French operators only: a national number is French.
_FRENCH_NATIONAL = re.compile(r"0([1-9][0-9]{8})")
_TEXT_CONTROLS_KEPT = frozenset("\r\n\t")
# `+33 (0)6…`: the national trunk 0 written in brackets after the country code, never dialled.
_TRUNK_ZERO = re.compile(r"^(\s*(?:\+|00)\s*[1-9][0-9]{0,2})\s*\(\s*0\s*\)")


class DeliveryStatus(StrEnum):
    """Where an SMS is, as OVHcloud's delivery reports say."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    WAITING = "waiting"
    BUFFERED = "buffered"
    NOT_BILLED = "not_billed"


# A final status is never undone by a later report.
FINAL_STATUSES: Final = frozenset(
    {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.NOT_BILLED}
)
# The documented codes of `description` (and of `dlr`, observed with the same values).
_STATUS_CODES: Final = {
    "0": DeliveryStatus.PENDING,
    "1": DeliveryStatus.DELIVERED,
    "2": DeliveryStatus.FAILED,
    "4": DeliveryStatus.WAITING,
    "8": DeliveryStatus.BUFFERED,
    "16": DeliveryStatus.NOT_BILLED,
}


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One status change of one sent SMS; ptt and reported_at are OVHcloud's raw values."""

    sms_id: str
    status: DeliveryStatus
    ptt: str | None
    reported_at: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomingSms:
    """A reply to the short code (or to a virtual number).

    sender is in the form contacts' numbers are stored in (`0033612345678`). OVHcloud does not
    say whether sms_id is the reply's own id or the id of the SMS it answers.
    """

    sms_id: str
    sender: str
    message: str
    keyword: str | None
    short_code: str | None
    tag: str | None

    @property
    def sender_international(self) -> str:
        """The sender as people write it abroad: `+33612345678`."""
        return "+" + self.sender.removeprefix("00")


class _Garbage(Exception):
    """The callback is not OVHcloud's shape."""


type CallbackFields = Mapping[str, str | Sequence[str]]


def parse_delivery_report(fields: CallbackFields) -> DeliveryReport | None:
    """Read a delivery report from a query (either callback's names); None for garbage."""
    try:
        reader = _Reader(fields)
        sms_id = reader.sms_id()
        codes = {reader.get("description"), reader.get("dlr")} - {None}
        reader.get("descriptionDlr")
        if len(codes) != 1 or (code := codes.pop()) not in _STATUS_CODES:
            return None
        ptt = reader.get("ptt")
        return DeliveryReport(
            sms_id=sms_id,
            status=_STATUS_CODES[code],
            ptt=ptt if ptt is not None and ptt.isascii() and ptt.isdigit() else None,
            reported_at=_printable_or_none(reader.get("date")),
        )
    except _Garbage:
        return None


def parse_reply(fields: CallbackFields) -> IncomingSms | None:
    """Read a reply from a form (or a query); None for garbage."""
    try:
        reader = _Reader(fields)
        sms_id = reader.sms_id()
        sender = normalise_sender(reader.get("senderid") or "")
        message = reader.get("message")
        if sender is None or message is None:
            return None
        return IncomingSms(
            sms_id=sms_id,
            sender=sender,
            message=_clean_text(message),
            keyword=_clean_line(reader.get("keyword")),
            short_code=_clean_line(reader.get("shortcode")),
            tag=_clean_line(reader.get("tag")),
        )
    except _Garbage:
        return None


def normalise_sender(text: str) -> str | None:
    """Give a sender's number in stored form (`0033612345678`), or None if it is not one.

    `+33…`, `0033…`, `33…` (the + lost to form decoding), `+33 (0)6…` and the French `06…`
    all give the same.
    """
    digits = _TRUNK_ZERO.sub(r"\1", text, count=1).translate(_NUMBER_SEPARATORS)
    if digits.startswith("+"):
        international = digits[1:]
    elif digits.startswith("00"):
        international = digits[2:]
    elif match := _FRENCH_NATIONAL.fullmatch(digits):
        international = "33" + match.group(1)
    elif _BARE_INTERNATIONAL.fullmatch(digits):
        international = digits
    else:
        return None
    if not international.isascii() or not _INTERNATIONAL_DIGITS.fullmatch(
        international
    ):
        return None
    return "00" + international


class _Reader:
    """Reads fields once each: repeats must agree, sizes must stay under the caps."""

    def __init__(self, fields: CallbackFields) -> None:
        self._fields = fields
        total = 0
        for name in set(fields):
            if not isinstance(name, str):
                raise _Garbage
            for value in self._values(name):
                total += _size(name) + _size(value) + 2
                if total > MAX_CALLBACK_BYTES:
                    raise _Garbage

    def _values(self, name: str) -> list[str]:
        getall = getattr(self._fields, "getall", None)
        if getall is not None:
            values = getall(name, [])
        else:
            raw = self._fields.get(name)
            if raw is None:
                return []
            if isinstance(raw, str):
                values = [raw]
            elif isinstance(raw, (list, tuple)):
                values = raw
            else:
                raise _Garbage
        if not all(isinstance(value, str) for value in values):
            raise _Garbage
        return list(values)

    def get(self, name: str) -> str | None:
        """Return the one value of name, None when absent; disagreeing repeats are garbage."""
        values = set(self._values(name))
        if not values:
            return None
        if len(values) > 1:
            raise _Garbage
        value = values.pop()
        if len(value) > _FIELD_CAPS.get(name, MAX_CALLBACK_BYTES):
            raise _Garbage
        return value

    def sms_id(self) -> str:
        """Return a plausible OVHcloud SMS id (ASCII digits, no leading zero)."""
        sms_id = self.get("id")
        if sms_id is None or not _PLAUSIBLE_ID.fullmatch(sms_id):
            raise _Garbage
        return sms_id


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _printable_or_none(text: str | None) -> str | None:
    return text if text and text.isprintable() else None


def _clean_text(text: str) -> str:
    """Keep what a person typed: line breaks stay, other controls go, lone surrogates show as �."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return "".join(
        char for char in text if char in _TEXT_CONTROLS_KEPT or not _is_control(char)
    )


def _clean_line(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = "".join(char for char in _clean_text(text) if char not in "\r\n\t")
    return cleaned or None


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0
