"""Everything checked before an SMS request: numbers, sender names, text, tag, deferred time.

Each check raises a translated ServiceValidationError that says what is wrong, before any
request is made: an SMS costs money, and a request that OVHcloud would refuse, or that would
reach the wrong phone, must never leave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberType

from .errors import private_reason, shown, validation_error
from .http2sms import (
    MAX_TAG_LENGTH,
    format_deferred,
    is_ambiguous_deferred,
    normalise_line_breaks,
)

SENDER_MAX_LENGTH = 11
PHONE_SENDER_MAX_LENGTH = 15
# A phone number, or a name of ASCII letters, digits, spaces and "-._".
_SENDER = re.compile(
    f"[0-9]{{1,{PHONE_SENDER_MAX_LENGTH}}}|[A-Za-z0-9 ._-]{{1,{SENDER_MAX_LENGTH}}}"
)
# Kinds of numbers that cannot receive an SMS, and the error that says so.
_NO_SMS_KINDS = {
    PhoneNumberType.PREMIUM_RATE: "premium_rate_number",
    PhoneNumberType.SHARED_COST: "shared_cost_number",
    PhoneNumberType.TOLL_FREE: "toll_free_number",
    PhoneNumberType.VOICEMAIL: "voicemail_number",
    PhoneNumberType.UAN: "uan_number",
}
# Country codes whose number formats phonenumbers has read from disk for masked_number.
_COUNTRIES_READ: set[str] = set()
# What cannot be sent: a lone surrogate (no encoding takes it), or a control character (Unicode
# category Cc: U+0000-U+001F and U+007F-U+009F, a set Unicode never changes) other than the
# tab and the line breaks.
_UNSENDABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class InvalidPhoneNumber(ValueError):
    """A text that is not a phone number an SMS can reach; args[0] is the text as typed."""

    def __init__(self, text: str, reason: str) -> None:
        """Keep the text and the translation key that says why."""
        super().__init__(text)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A number in the form http2sms wants, and whether it is a landline."""

    http2sms: str
    landline: bool


def parse_phone_number(text: str, region: str | None) -> PhoneNumber:
    """Read a number as people type it; raise InvalidPhoneNumber with the reason.

    `+33 6 12 34 56 78`, `0033612345678` and, with the region FR, `06 12 34 56 78` all give
    `0033612345678`. A national number needs the country configured in Home Assistant.
    Blocking: phonenumbers loads a region's metadata from disk the first time it meets it.
    """
    cleaned = text.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    international = cleaned.startswith("+")
    if not international and region is None:
        raise InvalidPhoneNumber(text, "national_number_without_country")
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException as err:
        raise InvalidPhoneNumber(text, "invalid_phone_number") from err
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            text,
            "phone_number_not_in_use"
            if international and phonenumbers.is_possible_number(number)
            else "invalid_phone_number",
        )
    kind = phonenumbers.number_type(number)
    if kind in _NO_SMS_KINDS:
        raise InvalidPhoneNumber(text, _NO_SMS_KINDS[kind])
    return PhoneNumber(
        http2sms=f"00{number.country_code}{phonenumbers.national_significant_number(number)}",
        landline=kind is PhoneNumberType.FIXED_LINE,
    )


def masked_number(http2sms: str) -> str:
    """Show a stored number so that its owner recognises it and nobody else can use it.

    Written the way its own country groups it, then every digit hidden but the country code,
    the first digit and the last two: `0033612345678` gives `+33 6 •• •• •• 78`,
    `00447911123456` gives `+44 7••• ••••56`. Blocking the first time a country is met:
    phonenumbers reads its formats from disk (see preload_number_formats).
    """
    digits = http2sms.removeprefix("00")
    try:
        number = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return _masked_without_format(digits)
    _COUNTRIES_READ.add(str(number.country_code))
    prefix = f"+{number.country_code} "
    written = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    if not written.startswith(prefix):
        return _masked_without_format(digits)
    national = written.removeprefix(prefix)
    positions = [index for index, char in enumerate(national) if char.isdigit()]
    shown_positions = {positions[0], *positions[-2:]} if len(positions) >= 4 else set()
    return prefix + "".join(
        "•" if char.isdigit() and index not in shown_positions else char
        for index, char in enumerate(national)
    )


def _masked_without_format(digits: str) -> str:
    """Hide a number no country's format fits: every digit but the last two."""
    return f"+{'•' * max(0, len(digits) - 2)}{digits[-2:]}"


def formats_to_read(numbers: Iterable[str]) -> list[str]:
    """Return the stored numbers whose country's formats masked_number has not read yet.

    Reads nothing from disk (the country codes are in memory), so it may run in the loop.
    """
    return [
        number
        for number in numbers
        if not any(
            number.removeprefix("00")[:size] in _COUNTRIES_READ for size in (1, 2, 3)
        )
    ]


def preload_number_formats(numbers: Iterable[str]) -> None:
    """Read the formats of these stored numbers' countries, so masking them never blocks.

    Blocking: call it in the executor before entities mask their numbers in the event loop.
    """
    for number in numbers:
        masked_number(number)


def regions_of(http2sms: str) -> list[str]:
    """Return the countries a number in http2sms form may belong to, by its country code."""
    try:
        number = phonenumbers.parse("+" + http2sms.removeprefix("00"))
    except phonenumbers.NumberParseException:
        return []
    if number.country_code is None:
        return []
    return list(phonenumbers.region_codes_for_country_code(number.country_code))


def to_http2sms_number(text: str, region: str | None) -> str:
    """Return `text` as 00 + country code + national number, or raise InvalidPhoneNumber."""
    return parse_phone_number(text, region).http2sms


def number_error(err: InvalidPhoneNumber) -> Exception:
    """Return the translated error for a number that cannot be used, its digits masked."""
    return validation_error(err.reason, number=shown(private_reason(str(err.args[0]))))


def is_valid_sender(sender: str) -> bool:
    """Tell whether a sender has a shape OVH accepts: 11 letters or digits, or a phone number."""
    return _SENDER.fullmatch(sender) is not None


def checked_sender(sender: str) -> str:
    """Return the sender, or raise: OVH refuses any other shape.

    Spaces around it go, as the config flow takes it: a sender of only spaces is none.
    The error shows a sender that may be a phone number with its last two digits only, and a
    blank one character by character.
    """
    if not is_valid_sender(trimmed := sender.strip()):
        # A blank sender is spelled out, or the error would name nothing.
        given = sender if trimmed else " ".join(f"U+{ord(char):04X}" for char in sender)
        raise validation_error("invalid_sender", sender=shown(private_reason(given)))
    return trimmed


def checked_text(message: str, title: str | None) -> str:
    """Return the text to send (title on its own first line, CR line breaks), or raise.

    Lone surrogates (a template can make one) cannot be encoded; control characters would be
    sent and billed as garbage; a text of only spaces and invisible characters is empty. Each
    field is checked as it was written, so that the error places the character where it is.
    """
    if title:
        _refuse_unsendable(title, "title_invalid_character")
    _refuse_unsendable(message, "message_invalid_character")
    text = normalise_line_breaks(message if not title else f"{title}\r{message}")
    if not is_visible(text):
        raise validation_error("empty_message")
    return text


def is_visible(text: str) -> bool:
    """Tell whether a person would see anything: not only spaces and format characters."""
    if text.isprintable():
        # Printable: no format character, and no white space but " ".
        return bool(text.strip(" "))
    return any(
        not char.isspace() and unicodedata.category(char) != "Cf" for char in text
    )


def checked_tag(tag: str | None) -> str | None:
    """Return the tag (None when empty), or raise when too long or unsendable."""
    if not tag:
        return None
    if len(tag) > MAX_TAG_LENGTH:
        raise validation_error(
            "tag_too_long", length=str(len(tag)), max=str(MAX_TAG_LENGTH)
        )
    _refuse_unsendable(tag, "tag_invalid_character")
    return tag


def _refuse_unsendable(text: str, key: str) -> None:
    if (found := _UNSENDABLE.search(text)) is not None:
        raise validation_error(
            key,
            character=f"U+{ord(found.group()):04X}",
            position=str(found.start() + 1),
        )


def checked_deferred(deferred: datetime | None, zone: tzinfo) -> datetime | None:
    """Return the deferred moment, or raise when it is past, too far, or unclear.

    A time without a zone is read in Home Assistant's zone. A wall time that does not exist
    there (the hour skipped when summer time starts) or that happens twice (when it ends) is
    refused rather than guessed; so is any moment in the hour that Paris, where http2sms reads
    hhmmddMMYYYY without an offset, lives twice.
    """
    if deferred is None:
        return None
    if deferred.tzinfo is None:
        deferred = deferred.replace(tzinfo=zone)
    wall = deferred.replace(tzinfo=None)
    try:
        round_trip = deferred.astimezone(UTC).astimezone(deferred.tzinfo)
    except OverflowError as err:
        raise validation_error("deferred_out_of_range") from err
    shown_time = wall.strftime("%Y-%m-%d %H:%M")
    if round_trip.replace(tzinfo=None) != wall:
        raise validation_error("deferred_nonexistent", time=shown_time)
    if deferred.replace(fold=1 - deferred.fold).utcoffset() != deferred.utcoffset():
        raise validation_error("deferred_ambiguous", time=shown_time)
    if deferred < datetime.now(UTC) - timedelta(minutes=1):
        raise validation_error("deferred_in_past")
    try:
        if is_ambiguous_deferred(deferred):
            raise validation_error("deferred_ambiguous_in_paris", time=shown_time)
        format_deferred(deferred)
    except (OverflowError, ValueError) as err:
        raise validation_error("deferred_out_of_range") from err
    return deferred
