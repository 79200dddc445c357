"""Count the SMS parts a message costs, independently of the integration's own counter.

The two counters are cross-checked in tests, so this one follows GSM 03.38 and 3GPP 23.040 directly:
GSM-7 counts septets (extension characters take an escape septet too) and UCS-2 counts UTF-16 code
units. Concatenated parts are filled greedily and never split an escape pair or a surrogate pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"

_GSM7_BASIC_SET = frozenset(GSM7_BASIC)
_GSM7_EXTENSION_SET = frozenset(GSM7_EXTENSION)

GSM7_SINGLE = 160
GSM7_CONCATENATED = 153
UCS2_SINGLE = 70
UCS2_CONCATENATED = 67
MAX_PARTS = 6
# OVH appends "STOP au XXXXX" to commercial SMS; its guide says it takes 11 characters.
STOP_MENTION_LENGTH = 11
# GUESS: what OVH does with a character outside GSM-7 when smsCoding=1 forces 7-bit is not
# documented; SMS gateways commonly substitute a question mark, so the simulator does that.
GSM7_REPLACEMENT = "?"


class Coding(StrEnum):
    """The alphabet an SMS is sent in."""

    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True, slots=True)
class PartCount:
    """How a message is sent: its alphabet, the text the phone shows, its length and its parts."""

    coding: Coding
    text: str
    units: int
    parts: int


def is_gsm7(text: str) -> bool:
    """Tell whether every character of text exists in the GSM-7 basic or extension table."""
    return all(char in _GSM7_BASIC_SET or char in _GSM7_EXTENSION_SET for char in text)


def to_gsm7(text: str) -> str:
    """Replace each character that GSM-7 cannot carry, as a forced 7-bit send does."""
    return "".join(
        char
        if char in _GSM7_BASIC_SET or char in _GSM7_EXTENSION_SET
        else GSM7_REPLACEMENT
        for char in text
    )


def _gsm7_widths(text: str) -> list[int]:
    return [2 if char in _GSM7_EXTENSION_SET else 1 for char in text]


def _ucs2_widths(text: str) -> list[int]:
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _pack(widths: list[int], single: int, concatenated: int) -> int:
    """Count parts, filling each greedily without splitting a character's units."""
    total = sum(widths)
    if total <= single:
        return 1
    parts = 1
    used = 0
    for width in widths:
        if used + width > concatenated:
            parts += 1
            used = 0
        used += width
    return parts


def count_parts(
    message: str, *, coding: Coding | None, stop_mention: bool
) -> PartCount:
    """Count the parts of message; coding None picks GSM-7 when every character allows it.

    The STOP mention is counted as 11 one-unit characters at the end of the message, where OVH
    shows it.
    """
    if coding is None:
        coding = Coding.GSM7 if is_gsm7(message) else Coding.UCS2
    if coding is Coding.GSM7:
        text = to_gsm7(message)
        widths = _gsm7_widths(text)
        single, concatenated = GSM7_SINGLE, GSM7_CONCATENATED
    else:
        text = message
        widths = _ucs2_widths(text)
        single, concatenated = UCS2_SINGLE, UCS2_CONCATENATED
    if stop_mention:
        widths += [1] * STOP_MENTION_LENGTH
    return PartCount(
        coding=coding,
        text=text,
        units=sum(widths),
        parts=_pack(widths, single, concatenated),
    )
