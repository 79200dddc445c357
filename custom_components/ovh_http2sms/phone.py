"""Phone numbers as people type them, turned into the form http2sms wants (0033612345678)."""

from __future__ import annotations

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """A text that is not a valid phone number; its args[0] is the text as typed."""


def to_http2sms_number(text: str, default_region: str | None) -> str:
    """Return `text` as 00 + country code + national number, or raise InvalidPhoneNumber.

    `+33 6 12 34 56 78`, `0033612345678` and, with the region FR, `06 12 34 56 78` all give
    `0033612345678`. A national number needs the country configured in Home Assistant.
    Blocking: phonenumbers loads a region's metadata from disk the first time it meets it.
    """
    cleaned = text.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, default_region)
    except phonenumbers.NumberParseException as err:
        raise InvalidPhoneNumber(text) from err
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(text)
    return f"00{number.country_code}{phonenumbers.national_significant_number(number)}"
