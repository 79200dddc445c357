"""Look-alike replacements that make a message GSM-7, and so cheaper, without changing its sense.

A heuristic on top of the exact count of `encoding`: one curly apostrophe or ellipsis turns a
whole message into Unicode, which holds less than half as much per part. Only characters that
have a faithful GSM-7 twin are replaced, and the result is never dearer than the original.
"""

from collections.abc import Iterator
from dataclasses import dataclass
import unicodedata

from .encoding import gsm7_septets, is_gsm7, layout, utf16_units

__all__ = ["Transliteration", "clusters", "transliterate"]


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
    for start, end in clusters(text):
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
            if gsm7_septets(twin) > 2 * utf16_units(cluster):
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


def clusters(text: str) -> Iterator[tuple[int, int]]:
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
        if is_gsm7(char):
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
