"""How many SMS parts a message costs, in which encoding, and how to make it cheaper.

OVH bills every part, and one character outside GSM 03.38 switches the whole message to
Unicode, which holds less than half as much per part. This module counts exactly what the
network does, so that the integration can validate a message and show its cost before sending.

It is deliberately standalone (standard library only, no import from the rest of the package) so
that the client, the simulator, the integration and the benchmark all share one count.

Counting follows 3GPP TS 23.038 and OVH's documented limits:

- GSM-7: 160 septets in a single SMS, 153 per part once concatenated (the user data header takes
  the rest). Extension characters cost an escape septet plus their own, and the pair is never split
  across parts, so a part may hold only 152.
- Unicode (UCS-2/UTF-16): 70 code units in a single SMS, 67 per part. Characters outside the Basic
  Multilingual Plane (most emoji) take a surrogate pair that is never split, so a part may hold 66.
- Without noStop OVH adds the "STOP au XXXXX" mention, which costs 11 units. It is counted as if
  11 basic characters were appended to the text: the mention is OVH's text, not the caller's, so it
  never appears in `segments`, but it fills parts like any text would, and it may spill into a part
  of its own (whose segment is then empty).

The text is counted exactly as given: line breaks are not normalised here, because the rule
that turns LF and CR LF into a single CR belongs to the client. Count the text it will send, or
accept that a CR LF pair counts 2 septets (an overestimate, never an underestimate).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
import unicodedata

__all__ = [
    "MAX_PARTS",
    "STOP_MENTION_LENGTH",
    "Encoding",
    "SmsLayout",
    "Transliteration",
    "cheapest_encoding",
    "is_gsm7",
    "layout",
    "transliterate",
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
    """What the network will do with one message.

    `segments` has one entry per part; joined they give back the text. A part that holds only
    the end of the STOP mention has an empty segment, so `len(segments) == parts` always.
    """

    encoding: Encoding
    parts: int
    units: int
    segments: tuple[str, ...]
    units_left: int


def layout(
    text: str, encoding: Encoding | None = None, *, stop_mention: bool = False
) -> SmsLayout:
    """Split `text` into SMS parts the way the network does.

    `encoding` None picks the cheapest one. Forcing GSM7 on a text that has characters outside
    GSM-7 raises ValueError rather than guessing a replacement: the caller decides (reject,
    transliterate, or send as Unicode). A message longer than MAX_PARTS is still counted, so that
    the caller can say by how much it is too long.
    """
    if encoding is None:
        encoding = cheapest_encoding(text)
    if encoding == Encoding.GSM7:
        costs = _gsm7_costs(text)
        single, per_part = _GSM7_SINGLE, _GSM7_PART
    else:
        costs = [_utf16_units(char) for char in text]
        single, per_part = _UNICODE_SINGLE, _UNICODE_PART
    stop = STOP_MENTION_LENGTH if stop_mention else 0
    units = sum(costs) + stop
    if units <= single:
        return SmsLayout(Encoding(encoding), 1, units, (text,), single - units)

    segments: list[str] = []
    start = fill = 0
    for index, cost in enumerate(costs):
        if fill + cost > per_part:
            segments.append(text[start:index])
            start, fill = index, 0
        fill += cost
    segments.append(text[start:])
    # The mention is made of 1-unit characters, so it tops the last part up exactly and the
    # rest (fewer than a part's worth) opens one more part.
    fill += stop
    if fill > per_part:
        segments.append("")
        fill -= per_part
    return SmsLayout(
        Encoding(encoding), len(segments), units, tuple(segments), per_part - fill
    )


def _gsm7_costs(text: str) -> list[int]:
    costs: list[int] = []
    outside: dict[str, None] = {}
    for char in text:
        if char in _GSM7_BASIC:
            costs.append(1)
        elif char in _GSM7_EXTENSION:
            costs.append(2)
        else:
            outside[char] = None
    if outside:
        raise ValueError(f"Not in the GSM-7 alphabet: {''.join(outside)!r}")
    return costs


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _septets(text: str) -> int:
    return sum(2 if char in _GSM7_EXTENSION else 1 for char in text)


@dataclass(frozen=True, slots=True)
class Transliteration:
    """A message rewritten in GSM-7, and what was changed to get there.

    `replaced` holds (original, replacement) pairs and `dropped` the removed characters, each
    once, in first-seen order. An "original" is what a reader sees as one character: an accented
    letter typed as letter + combining accent, or an emoji with its modifiers, counts as one.
    """

    text: str
    replaced: tuple[tuple[str, str], ...]
    dropped: tuple[str, ...]


# Characters with a faithful GSM-7 twin that Unicode decomposition does not give. Letters that
# decompose (ê, á, ç, ...) are handled generically by stripping their accents.
_TWINS: dict[str, str] = {
    **dict.fromkeys("‘’‚‛′‵`´ʹʻʼ‹›", "'"),
    **dict.fromkeys("“”„‟″‶«»", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃", "-"),
    # Bullets start list items, written "- item" in plain text.
    **dict.fromkeys("•‣◦▪", "-"),
    # The middle dot of French inclusive writing ("salarié·es") is written with a period.
    **dict.fromkeys("·∙", "."),
    "…": "...",
    "×": "x",
    "÷": "/",
    "⁄": "/",
    "±": "+/-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "©": "(c)",
    "®": "(R)",
    # The micro sign of µg/m³ (air quality) is written "ug" where Greek is not available.
    "µ": "u",
    # Same as "°C" and "°F" (see _degree_twin).
    "℃": "C",
    "℉": "F",
    "œ": "oe",
    "Œ": "OE",
    "Ð": "D",
    "ð": "d",
    "Đ": "D",
    "đ": "d",
    "Þ": "Th",
    "þ": "th",
    "Ł": "L",
    "ł": "l",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "Ŀ": "L",
    "ŀ": "l",
    "ẞ": "SS",
    # GSM-7 codes only the Greek capitals that look unlike Latin ones; TS 23.038 expects the
    # others to be sent as their Latin lookalikes, which display identically.
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "\t": " ",
    "\v": "\n",
    "\x85": "\n",
    "\u2028": "\n",
    "\u2029": "\n",
}
# Shorter twins for the rare text where the faithful ones would cost an extra part.
_COMPACT_TWINS = {"…": "..", "±": "+-"}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-", strict=True))
_DIGITS = frozenset("0123456789")
_ZWJ = "\u200d"


def transliterate(text: str, *, drop_unencodable: bool = False) -> Transliteration:
    """Rewrite `text` in GSM-7 where every change keeps its meaning, to make it cheaper.

    Only characters outside GSM-7 are touched; GSM-7 ones (é è à ù Ä Ñ Ç €, ...) stay as they
    are. Characters with no faithful twin (emoji, CJK, ...) are removed when `drop_unencodable`
    is set (with the spacing they leave behind, so "Feu 🔥 cuisine" reads "Feu cuisine"), so
    that the result is always GSM-7.

    The result is never dearer than the original, because it is all or nothing:

    - When a character without twin is kept, the message stays Unicode, where a replacement
      brings no saving and may cost more ("…" is one code unit, "..." three), so the text is
      returned untouched.
    - Twins may be longer than the original ("…" → "..."). In the rare text where that costs an
      extra part, "…" becomes ".." and twins still longer than 2 septets per UTF-16 unit are
      treated as having none; with that bound a GSM-7 result never needs more parts than the
      Unicode original (2 × 67 ≤ 152 septets a part, 2 × 70 ≤ 160 for a single SMS).
    """
    if is_gsm7(text):
        return Transliteration(text, (), ())
    result = _rewrite(text, drop=drop_unencodable, compact=False)
    if result is not None and _costs_more(result.text, text):
        result = _rewrite(text, drop=drop_unencodable, compact=True)
    return result if result is not None else Transliteration(text, (), ())


def _costs_more(new: str, old: str) -> bool:
    return any(
        layout(new, stop_mention=stop).parts > layout(old, stop_mention=stop).parts
        for stop in (False, True)
    )


def _rewrite(text: str, *, drop: bool, compact: bool) -> Transliteration | None:
    """Return the GSM-7 rewrite, or None when a character has no twin and may not be dropped."""
    out: list[str] = []
    replaced: dict[tuple[str, str], None] = {}
    dropped: dict[str, None] = {}
    skip_space = False
    for start, end in _clusters(text):
        cluster = text[start:end]
        if skip_space:
            skip_space = False
            if cluster == " ":
                continue
        if is_gsm7(cluster):
            out.extend(cluster)
            continue
        twin = _twin(text, start, end)
        if compact and twin is not None:
            twin = _COMPACT_TWINS.get(cluster, twin)
            if _septets(twin) > 2 * _utf16_length(cluster):
                twin = None
        if twin is not None:
            out.extend(twin)
            replaced[cluster, twin] = None
            continue
        if not drop:
            return None
        dropped[cluster] = None
        following = text[end : end + 1]
        if (not out or out[-1] in " \n\r") and following == " ":
            skip_space = True
        elif out and out[-1] == " " and following in ("", "\n", "\r"):
            out.pop()
    return Transliteration("".join(out), tuple(replaced), tuple(dropped))


def _utf16_length(text: str) -> int:
    return sum(_utf16_units(char) for char in text)


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """Yield the bounds of what a reader sees as one character.

    A light approximation of Unicode's extended grapheme clusters, enough for accents typed as
    combining marks and for emoji (variation selectors, skin tones, ZWJ sequences, flags), so
    that a family emoji is reported once and not as three people and two joiners.
    """
    length = len(text)
    start = 0
    while start < length:
        end = start + 1
        if (
            _is_regional_indicator(text[start])
            and end < length
            and _is_regional_indicator(text[end])
        ):
            end += 1  # a flag is a pair of regional indicators
        joins_symbols = unicodedata.category(text[start]) == "So"
        while end < length:
            char = text[end]
            code = ord(char)
            if (
                unicodedata.category(char).startswith("M")
                or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
                or 0xE0020 <= code <= 0xE007F  # tags of subdivision flags
            ):
                end += 1
            elif (
                char == _ZWJ
                and joins_symbols
                and end + 1 < length
                and unicodedata.category(text[end + 1]) == "So"
            ):
                end += 2
            else:
                break
        yield start, end
        start = end


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _twin(text: str, start: int, end: int) -> str | None:
    """Return the GSM-7 twin of text[start:end], or None when it has none."""
    cluster = text[start:end]
    if cluster == "°":
        return _degree_twin(text[end : end + 2])
    if cluster in _SUPERSCRIPTS:
        return _superscript_twin(cluster, text[start - 1] if start else "")
    composed = unicodedata.normalize("NFC", cluster)
    if is_gsm7(composed):
        return composed
    if composed in _TWINS:
        return _TWINS[composed]
    if len(composed) == 1 and unicodedata.category(composed) == "Zs":
        return " "
    visible = [
        char
        for char in unicodedata.normalize("NFKD", composed)
        if not unicodedata.category(char).startswith("M")
        and unicodedata.category(char) != "Cf"
    ]
    if not visible:
        # Zero-width and format characters, or accents with no letter: nothing to show.
        return ""
    pieces: list[str] = []
    for char in visible:
        if char in _GSM7:
            pieces.append(char)
        elif char in _TWINS:
            pieces.append(_TWINS[char])
        elif unicodedata.category(char) == "Zs":
            pieces.append(" ")
        else:
            return None
    twin = "".join(pieces)
    # A spacing accent ("¨", "˜") decomposes to a space and a mark: a blank is no twin.
    return None if twin.isspace() else twin


def _degree_twin(following: str) -> str:
    """Twin of "°", which has none in GSM-7.

    Before a temperature unit the sign goes: "19.5°C" → "19.5C" is unambiguous, while "19.5oC"
    reads as a typo. Elsewhere it is "o", its usual stand-in, which also gives French "n°" →
    "no", the standard abbreviation of "numéro".
    """
    unit, after = following[:1], following[1:]
    if unit in ("C", "F") and not after.isalpha():
        return ""
    return "o"


def _superscript_twin(char: str, before: str) -> str:
    """Twin of a superscript: an exponent after a number ("10²" → "10^2", not "102")."""
    plain = _SUPERSCRIPTS[char]
    if before in _DIGITS:
        return "^" + plain
    # After a letter it is a unit ("m²" → "m2", "m³" → "m3"), as commonly typed.
    return plain
