"""How many SMS parts a message costs, and in which encoding.

OVH bills every part, and one character outside GSM 03.38 switches the whole message to
Unicode, which holds less than half as much per part. This module counts exactly what the
network does, so that the integration can validate a message and show its cost before sending.
It uses the standard library only.

The simulator counts with its own code, on purpose: `tests/client/test_counting_agreement.py`
checks that two independent counts agree, which one shared count could not prove.

Counting follows 3GPP TS 23.038 and OVH's documented limits:

- GSM-7: 160 septets in a single SMS, 153 per part once concatenated (the user data header takes
  the rest). Extension characters cost an escape septet plus their own, and the pair is never split
  across parts, so a part may hold only 152.
- Unicode (UCS-2/UTF-16): 70 code units in a single SMS, 67 per part. Characters outside the Basic
  Multilingual Plane (most emoji) take a surrogate pair that is never split, so a part may hold 66.
- Without noStop OVH adds the "STOP au XXXXX" mention, which costs 11 units. It is counted as if
  11 basic characters were appended to the text: it fills parts like any text would, and may
  spill into a part of its own.

The text is counted exactly as given: line breaks are not normalised here, because the rule
that turns LF and CR LF into a single CR belongs to the client. Count the text it will send, or
accept that a CR LF pair counts 2 septets (an overestimate, never an underestimate).
"""

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "MAX_PARTS",
    "STOP_MENTION_LENGTH",
    "Encoding",
    "SmsLayout",
    "cheapest_encoding",
    "gsm7_septets",
    "is_gsm7",
    "layout",
    "utf16_units",
]


class Encoding(StrEnum):
    """Data coding of the message: OVH's smsCoding 1 (GSM7) or 2 (UNICODE)."""

    GSM7 = "gsm7"
    UNICODE = "unicode"


MAX_PARTS = 6
"""OVH refuses to concatenate more parts than this (918 GSM-7 characters)."""

STOP_MENTION_LENGTH = 11
"""Units taken by the "STOP au XXXXX" mention when noStop is not set."""

_GSM7_SINGLE = 160
_GSM7_PART = 153
_UNICODE_SINGLE = 70
_UNICODE_PART = 67

_ESCAPE = "\x1b"
# TS 23.038 §6.2.1, in code order, 16 codes a row (0x00-0x7F), so that it can be checked against
# the standard position by position. 0x1B is the escape to the extension table, not a character.
_BASIC_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
_GSM7_BASIC = frozenset(_BASIC_TABLE) - {_ESCAPE}
# TS 23.038 §6.2.1.1: 0x0A form feed, 0x14 ^, 0x28 {, 0x29 }, 0x2F \, 0x3C [, 0x3D ~, 0x3E ],
# 0x40 |, 0x65 €. Each is sent as escape + code, so it costs 2 septets.
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7 = _GSM7_BASIC | _GSM7_EXTENSION


def is_gsm7(text: str) -> bool:
    """Return whether every character of `text` is in the GSM-7 basic or extension table."""
    return _GSM7.issuperset(text)


def cheapest_encoding(text: str) -> Encoding:
    """Return GSM7 when the text can be sent in it, UNICODE otherwise.

    GSM-7 is never dearer: even a text made only of extension characters fits 76 of them in a
    part, against 67 Unicode code units.
    """
    return Encoding.GSM7 if is_gsm7(text) else Encoding.UNICODE


@dataclass(frozen=True, slots=True)
class SmsLayout:
    """What the network will do with one message: its encoding and how many parts it takes."""

    encoding: Encoding
    parts: int


def layout(
    text: str, encoding: Encoding | None = None, *, stop_mention: bool = False
) -> SmsLayout:
    """Count the SMS parts of `text` the way the network splits it.

    `encoding` None picks the cheapest one. Forcing GSM7 on a text that has characters outside
    GSM-7 raises ValueError rather than guessing a replacement: the caller decides (reject,
    transliterate, or send as Unicode). A message longer than MAX_PARTS is still counted, so that
    the caller can say by how much it is too long.
    """
    encoding = cheapest_encoding(text) if encoding is None else Encoding(encoding)
    gsm7 = encoding is Encoding.GSM7
    if gsm7:
        units = gsm7_septets(text)
        single, per_part = _GSM7_SINGLE, _GSM7_PART
    else:
        units = utf16_units(text)
        single, per_part = _UNICODE_SINGLE, _UNICODE_PART
    stop = STOP_MENTION_LENGTH if stop_mention else 0
    if units + stop <= single:
        return SmsLayout(encoding, 1)

    # Longer than one SMS: filled character by character, as pairs are never split.
    costs = (
        [2 if char in _GSM7_EXTENSION else 1 for char in text]
        if gsm7
        else [_utf16_units(char) for char in text]
    )
    parts = 1
    fill = 0
    for cost in costs:
        # A character that does not fit opens the next part whole: pairs are never split.
        if fill + cost > per_part:
            parts += 1
            fill = 0
        fill += cost
    # The mention is made of 1-unit characters, so it tops the last part up exactly and the
    # rest (fewer than a part's worth) opens one more part.
    if fill + stop > per_part:
        parts += 1
    return SmsLayout(encoding, parts)


def gsm7_septets(text: str) -> int:
    """Return the septets `text` takes in GSM-7; raise ValueError if it is not GSM-7."""
    if not _GSM7.issuperset(text):
        outside = dict.fromkeys(char for char in text if char not in _GSM7)
        raise ValueError(f"Not in the GSM-7 alphabet: {''.join(outside)!r}")
    # Every character is one septet; an extension character is two (escape + code).
    return len(text) + sum(map(text.count, _GSM7_EXTENSION))


def utf16_units(text: str) -> int:
    """Return the UTF-16 code units `text` takes in Unicode (a lone surrogate is one)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1
