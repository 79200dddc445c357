"""Tests for SMS part counting and the choice of encoding."""

from hypothesis import given, strategies as st
import pytest

from custom_components.ovh_http2sms.http2sms import encoding
from custom_components.ovh_http2sms.http2sms.encoding import (
    MAX_PARTS,
    STOP_MENTION_LENGTH,
    Encoding,
    cheapest_encoding,
    gsm7_septets,
    is_gsm7,
    layout,
    utf16_units,
)

from .sms_texts import BASIC, CHARS, EXTENSION, GSM7, GSM7_TEXTS, TEXTS

CODINGS = st.sampled_from([None, Encoding.UNICODE])


def unit_cost(char: str, coding: Encoding) -> int:
    """Septets (GSM-7) or UTF-16 code units (Unicode) of one character, from the tables."""
    if coding is Encoding.GSM7:
        return 2 if char in EXTENSION.values() else 1
    return 2 if ord(char) > 0xFFFF else 1


def greedy_parts(text: str, coding: Encoding, stop_mention: bool) -> int:
    """Parts of the standard's sizes filled in order, a character never split between two."""
    single, per_part = (160, 153) if coding is Encoding.GSM7 else (70, 67)
    costs = [unit_cost(char, coding) for char in text]
    costs += [1] * (STOP_MENTION_LENGTH if stop_mention else 0)
    if sum(costs) <= single:
        return 1
    parts, fill = 1, 0
    for cost in costs:
        if fill + cost > per_part:
            parts, fill = parts + 1, 0
        fill += cost
    return parts


# ---------------------------------------------------------------------------------------------
# The alphabet


def test_basic_table_has_127_characters_and_the_escape() -> None:
    """The module's tables are TS 23.038's, position by position."""
    assert len(BASIC) == 127  # 128 codes, 0x1B being the escape
    assert set(BASIC.values()) == encoding._GSM7_BASIC
    assert [encoding._BASIC_TABLE.index(char) for char in BASIC.values()] == list(BASIC)
    assert set(EXTENSION.values()) == encoding._GSM7_EXTENSION


@pytest.mark.parametrize(
    "char", ["\n", "\r", "Ç", "ß", "Æ", "æ", "Δ", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "¡", "¿", "§", "¤", "€", "\f", "^", "{", "}", "\\", "[", "~", "]", "|"]
)  # fmt: skip
def test_in_gsm7(char: str) -> None:
    """Basic and extension characters keep a text in GSM-7."""
    assert is_gsm7(char)
    assert cheapest_encoding(f"abc{char}") is Encoding.GSM7


@pytest.mark.parametrize(
    "char", ["`", "ç", "ê", "â", "î", "ô", "û", "ë", "ï", "œ", "«", "»", "’", "…", "—", "°", "á", "Α", "α", "\t", "\x1b", "🔥"]
)  # fmt: skip
def test_not_in_gsm7(char: str) -> None:
    """One character outside GSM-7 makes the whole text Unicode."""
    assert not is_gsm7(char)
    assert cheapest_encoding(f"abc{char}") is Encoding.UNICODE


def test_empty_text_is_gsm7() -> None:
    """An empty text is sent in GSM-7."""
    assert is_gsm7("")
    assert cheapest_encoding("") is Encoding.GSM7


def test_cost_of_a_text_in_each_encoding() -> None:
    """Extension characters cost two septets, characters outside the BMP two code units."""
    assert gsm7_septets("a€{\f") == 7
    assert utf16_units("aê€🔥") == 5
    with pytest.raises(ValueError, match="ê"):
        gsm7_septets("fenêtre")


# ---------------------------------------------------------------------------------------------
# Counting, by hand at every boundary


@pytest.mark.parametrize(("length", "parts"), [(159, 1), (160, 1), (161, 2)])
def test_single_gsm7_sms_holds_160(length: int, parts: int) -> None:
    """One GSM-7 SMS holds 160 characters."""
    assert layout("a" * length) == encoding.SmsLayout(Encoding.GSM7, parts)


@pytest.mark.parametrize(("length", "parts"), [(305, 2), (306, 2), (307, 3)])
def test_concatenated_gsm7_parts_hold_153(length: int, parts: int) -> None:
    """Each part of a longer GSM-7 SMS holds 153 characters."""
    assert layout("b" * length).parts == parts


@pytest.mark.parametrize("char", ["€", "{"])
def test_escape_pair_at_position_153_moves_whole_to_next_part(char: str) -> None:
    """306 septets would fill two parts, but the pair at 153-154 opens the second."""
    assert layout("a" * 152 + char + "b" * 152).parts == 3


@pytest.mark.parametrize("char", ["€", "{"])
def test_escape_pair_ending_at_septet_153_stays(char: str) -> None:
    """A pair that ends exactly at the end of a part stays in it."""
    assert layout("a" * 151 + char + "b" * 153).parts == 2


def test_extension_characters_cost_two_septets() -> None:
    """80 euro signs fit one SMS, and 76 a concatenated part (152 septets)."""
    assert layout("€" * 80).parts == 1
    assert layout("€" * 81).parts == 2
    assert layout("€" * 152).parts == 2
    assert layout("€" * 153).parts == 3
    assert layout("\f" * 81).parts == 2


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_unicode_sms_holds_70_then_67_a_part(length: int, parts: int) -> None:
    """One Unicode SMS holds 70 code units, each part of a longer one 67."""
    assert layout("ê" * length) == encoding.SmsLayout(Encoding.UNICODE, parts)


def test_surrogate_pair_straddling_unicode_part_boundary_moves_whole() -> None:
    """134 code units would fill two parts, but the emoji at 67-68 opens the second."""
    assert layout("ê" * 66 + "🔥" + "ê" * 66).parts == 3


def test_emoji_counts_two_code_units() -> None:
    """35 emoji fill one Unicode SMS."""
    assert layout("🔥" * 35).parts == 1
    assert layout("🔥" * 35 + "a").parts == 2


def test_stop_mention_turns_150_characters_into_161_and_2_parts() -> None:
    """The STOP mention's 11 characters count like the text's."""
    text = "a" * 150
    assert layout(text).parts == 1
    assert layout(text, stop_mention=True).parts == 2
    assert layout("a" * 149, stop_mention=True).parts == 1


def test_stop_mention_after_an_exactly_full_part() -> None:
    """After two full parts, the mention takes a part of its own."""
    assert layout("a" * 306, stop_mention=True).parts == 3


def test_stop_mention_in_unicode_is_11_code_units() -> None:
    """The mention costs 11 code units in Unicode too."""
    assert layout("ê" * 59, stop_mention=True).parts == 1
    assert layout("ê" * 60, stop_mention=True).parts == 2


def test_empty_message_is_one_part() -> None:
    """An empty message, with or without the mention, is one GSM-7 part."""
    assert layout("") == encoding.SmsLayout(Encoding.GSM7, 1)
    assert layout("", stop_mention=True) == encoding.SmsLayout(Encoding.GSM7, 1)


def test_six_parts_hold_918_gsm7_characters() -> None:
    """OVH's limit of six parts is 918 GSM-7 characters."""
    assert layout("c" * 918).parts == MAX_PARTS == 6
    assert layout("c" * 919).parts == 7


def test_six_parts_hold_402_unicode_code_units() -> None:
    """Six Unicode parts hold 402 code units."""
    assert layout("ê" * 402).parts == 6
    assert layout("ê" * 403).parts == 7


def test_line_breaks_are_counted_as_given() -> None:
    """CR LF is two septets here: normalising line breaks is the client's job."""
    assert layout("\r\n" * 80).parts == 1
    assert layout("\r\n" * 80 + "a").parts == 2
    assert layout("a\r\nb").encoding is Encoding.GSM7


def test_forcing_gsm7_on_non_gsm7_text_raises() -> None:
    """GSM-7 is never forced on a text it cannot carry."""
    with pytest.raises(ValueError, match="ê"):
        layout("fenêtre", Encoding.GSM7)


def test_forcing_unicode_on_gsm7_text_counts_code_units() -> None:
    """In Unicode a euro sign is one code unit, not two septets."""
    assert layout("a" * 71, Encoding.UNICODE) == encoding.SmsLayout(Encoding.UNICODE, 2)
    assert layout("€" * 70, Encoding.UNICODE).parts == 1


def test_encoding_accepts_its_string_value() -> None:
    """The encoding may be given as its string value."""
    sms = layout("abc", Encoding("unicode"))
    assert sms.encoding is Encoding.UNICODE


def test_layout_is_frozen() -> None:
    """A layout cannot be changed after the fact."""
    sms = layout("abc")
    with pytest.raises(AttributeError):
        sms.parts = 2  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Properties


@given(TEXTS, CODINGS, st.booleans())
def test_parts_are_the_text_filled_greedily(
    text: str, coding: Encoding | None, stop: bool
) -> None:
    """The count is the standard's sizes filled in order, from the tables of TS 23.038."""
    sms = layout(text, coding, stop_mention=stop)
    assert sms.parts == greedy_parts(text, sms.encoding, stop)


@given(TEXTS, CODINGS)
def test_stop_mention_counts_as_eleven_appended_characters(
    text: str, coding: Encoding | None
) -> None:
    """The mention is 11 one-unit characters in either encoding."""
    sms = layout(text, coding, stop_mention=True)
    assert sms.encoding is (coding or cheapest_encoding(text))
    assert sms == layout(text + "S" * STOP_MENTION_LENGTH, sms.encoding)


@given(TEXTS)
def test_cheapest_encoding_is_gsm7_iff_the_text_is_gsm7(text: str) -> None:
    """GSM-7 is chosen exactly when every character is in its tables."""
    gsm7 = all(char in GSM7 for char in text)
    assert is_gsm7(text) is gsm7
    assert (cheapest_encoding(text) is Encoding.GSM7) is gsm7
    assert layout(text).encoding is cheapest_encoding(text)


@given(TEXTS)
def test_forcing_gsm7_raises_iff_the_text_is_not_gsm7(text: str) -> None:
    """Forcing GSM-7 counts what it can carry and refuses the rest."""
    if is_gsm7(text):
        assert layout(text, Encoding.GSM7) == layout(text)
    else:
        with pytest.raises(ValueError):
            layout(text, Encoding.GSM7)


@given(GSM7_TEXTS, st.booleans())
def test_unicode_is_never_cheaper_than_gsm7(text: str, stop: bool) -> None:
    """A GSM-7 text never costs fewer parts in Unicode."""
    gsm7 = layout(text, Encoding.GSM7, stop_mention=stop)
    unicode = layout(text, Encoding.UNICODE, stop_mention=stop)
    assert gsm7.parts <= unicode.parts


@given(TEXTS, CHARS, st.booleans())
def test_parts_never_decrease_when_appending(text: str, char: str, stop: bool) -> None:
    """A longer text never costs fewer parts."""
    assert (
        layout(text + char, stop_mention=stop).parts
        >= layout(text, stop_mention=stop).parts
    )
