"""Tests for SMS part counting, encoding choice and transliteration."""

from hypothesis import given, strategies as st
import pytest

from custom_components.ovh_http2sms.http2sms import encoding
from custom_components.ovh_http2sms.http2sms.encoding import (
    MAX_PARTS,
    STOP_MENTION_LENGTH,
    Encoding,
    cheapest_encoding,
    is_gsm7,
    layout,
    transliterate,
)

# TS 23.038 §6.2.1, written independently of the module: code point -> character.
BASIC = {
    0x00: "@", 0x01: "£", 0x02: "$", 0x03: "¥", 0x04: "è", 0x05: "é", 0x06: "ù", 0x07: "ì",
    0x08: "ò", 0x09: "Ç", 0x0A: "\n", 0x0B: "Ø", 0x0C: "ø", 0x0D: "\r", 0x0E: "Å", 0x0F: "å",
    0x10: "Δ", 0x11: "_", 0x12: "Φ", 0x13: "Γ", 0x14: "Λ", 0x15: "Ω", 0x16: "Π", 0x17: "Ψ",
    0x18: "Σ", 0x19: "Θ", 0x1A: "Ξ", 0x1C: "Æ", 0x1D: "æ", 0x1E: "ß", 0x1F: "É",
    0x20: " ", 0x21: "!", 0x22: '"', 0x23: "#", 0x24: "¤", 0x40: "¡", 0x5B: "Ä", 0x5C: "Ö",
    0x5D: "Ñ", 0x5E: "Ü", 0x5F: "§", 0x60: "¿", 0x7B: "ä", 0x7C: "ö", 0x7D: "ñ", 0x7E: "ü",
    0x7F: "à",
    **{code: chr(code) for code in range(0x25, 0x40)},  # % & ' ( ) * + , - . / 0-9 : ; < = > ?
    **{code: chr(code) for code in range(0x41, 0x5B)},  # A-Z
    **{code: chr(code) for code in range(0x61, 0x7B)},  # a-z
}  # fmt: skip
EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]",
    0x40: "|", 0x65: "€",
}  # fmt: skip
GSM7 = sorted(set(BASIC.values()) | set(EXTENSION.values()))
# GSM-7 letters with accents, which transliteration must keep as they are.
GSM7_ACCENTED = "éèàùìòäöüñÄÖÜÑÅåÇÉØøÆæß"


def units(text: str, coding: Encoding) -> int:
    if coding is Encoding.GSM7:
        return sum(2 if char in EXTENSION.values() else 1 for char in text)
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def capacity(coding: Encoding, parts: int) -> int:
    if coding is Encoding.GSM7:
        return 160 if parts == 1 else 153
    return 70 if parts == 1 else 67


def without_last(segments: tuple[str, ...], count: int) -> tuple[str, ...]:
    """Remove `count` characters from the end of the split text, keeping the parts."""
    kept = list(segments)
    index = len(kept) - 1
    while count:
        cut = min(count, len(kept[index]))
        kept[index] = kept[index][: len(kept[index]) - cut]
        count -= cut
        index -= 1
    return tuple(kept)


# ---------------------------------------------------------------------------------------------
# The alphabet


def test_basic_table_has_127_characters_and_the_escape() -> None:
    assert len(BASIC) == 127  # 128 codes, 0x1B being the escape
    assert set(BASIC.values()) == encoding._GSM7_BASIC
    assert [encoding._BASIC_TABLE.index(char) for char in BASIC.values()] == list(BASIC)
    assert set(EXTENSION.values()) == encoding._GSM7_EXTENSION


@pytest.mark.parametrize(
    "char", ["\n", "\r", "Ç", "ß", "Æ", "æ", "Δ", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "¡", "¿", "§", "¤", "€", "\f", "^", "{", "}", "\\", "[", "~", "]", "|"]
)  # fmt: skip
def test_in_gsm7(char: str) -> None:
    assert is_gsm7(char)
    assert cheapest_encoding(f"abc{char}") is Encoding.GSM7


@pytest.mark.parametrize(
    "char", ["`", "ç", "ê", "â", "î", "ô", "û", "ë", "ï", "œ", "«", "»", "’", "…", "—", "°", "á", "Α", "α", "\t", "\x1b", "🔥"]
)  # fmt: skip
def test_not_in_gsm7(char: str) -> None:
    assert not is_gsm7(char)
    assert cheapest_encoding(f"abc{char}") is Encoding.UNICODE


def test_empty_text_is_gsm7() -> None:
    assert is_gsm7("")
    assert cheapest_encoding("") is Encoding.GSM7


# ---------------------------------------------------------------------------------------------
# Counting, by hand at every boundary


@pytest.mark.parametrize(
    ("length", "parts", "units_left"), [(159, 1, 1), (160, 1, 0), (161, 2, 145)]
)
def test_single_gsm7_sms_holds_160(length: int, parts: int, units_left: int) -> None:
    sms = layout("a" * length)
    assert (sms.encoding, sms.parts, sms.units, sms.units_left) == (
        Encoding.GSM7,
        parts,
        length,
        units_left,
    )


def test_161_characters_split_153_and_8() -> None:
    assert [len(segment) for segment in layout("a" * 161).segments] == [153, 8]


@pytest.mark.parametrize(
    ("length", "sizes"),
    [(305, [153, 152]), (306, [153, 153]), (307, [153, 153, 1])],
)
def test_concatenated_gsm7_parts_hold_153(length: int, sizes: list[int]) -> None:
    sms = layout("b" * length)
    assert [len(segment) for segment in sms.segments] == sizes
    assert sms.parts == len(sizes)
    assert sms.units_left == 153 - sizes[-1]


@pytest.mark.parametrize("char", ["€", "{"])
def test_escape_pair_at_position_153_moves_whole_to_next_part(char: str) -> None:
    text = "a" * 152 + char + "b" * 20
    sms = layout(text)
    assert sms.units == 152 + 2 + 20
    assert sms.segments == ("a" * 152, char + "b" * 20)
    assert sms.units_left == 153 - 22


@pytest.mark.parametrize("char", ["€", "{"])
def test_escape_pair_ending_at_septet_153_stays(char: str) -> None:
    text = "a" * 151 + char + "b" * 20
    sms = layout(text)
    assert sms.segments == ("a" * 151 + char, "b" * 20)


def test_extension_characters_cost_two_septets() -> None:
    assert layout("€" * 80).parts == 1
    assert layout("€" * 81).parts == 2
    assert layout("€" * 81).segments == ("€" * 76, "€" * 5)  # 76 pairs = 152 septets
    assert layout("a\fb").units == 4


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2)])
def test_single_unicode_sms_holds_70(length: int, parts: int) -> None:
    sms = layout("ê" * length)
    assert (sms.encoding, sms.parts, sms.units) == (Encoding.UNICODE, parts, length)


def test_71_unicode_characters_split_67_and_4() -> None:
    sms = layout("ê" * 71)
    assert sms.segments == ("ê" * 67, "ê" * 4)
    assert sms.units_left == 63


def test_surrogate_pair_straddling_unicode_part_boundary_moves_whole() -> None:
    text = "ê" * 66 + "🔥" + "ê" * 10
    sms = layout(text)
    assert sms.units == 78
    assert sms.segments == ("ê" * 66, "🔥" + "ê" * 10)
    assert sms.units_left == 67 - 12


def test_emoji_counts_two_code_units() -> None:
    assert layout("🔥" * 35).parts == 1
    assert layout("🔥" * 35 + "a").parts == 2


def test_stop_mention_turns_150_characters_into_161_and_2_parts() -> None:
    text = "a" * 150
    assert layout(text).parts == 1
    sms = layout(text, stop_mention=True)
    assert (sms.parts, sms.units) == (2, 161)
    # The text fits the first part; the end of the mention spills into a part of its own.
    assert sms.segments == (text, "")
    assert sms.units_left == 153 - 8


def test_stop_mention_at_the_limit_of_one_sms() -> None:
    sms = layout("a" * 149, stop_mention=True)
    assert (sms.parts, sms.units, sms.units_left) == (1, 160, 0)


def test_stop_mention_after_an_exactly_full_part() -> None:
    sms = layout("a" * 306, stop_mention=True)
    assert sms.parts == 3
    assert sms.segments == ("a" * 153, "a" * 153, "")
    assert sms.units_left == 153 - STOP_MENTION_LENGTH


def test_stop_mention_in_unicode_is_11_code_units() -> None:
    assert layout("ê" * 59, stop_mention=True).parts == 1
    sms = layout("ê" * 60, stop_mention=True)
    assert (sms.parts, sms.units, sms.segments) == (2, 71, ("ê" * 60, ""))


def test_stop_mention_of_an_empty_message() -> None:
    sms = layout("", stop_mention=True)
    assert (sms.parts, sms.units, sms.segments, sms.units_left) == (1, 11, ("",), 149)


def test_empty_message_is_one_part() -> None:
    sms = layout("")
    assert (sms.encoding, sms.parts, sms.units, sms.segments, sms.units_left) == (
        Encoding.GSM7,
        1,
        0,
        ("",),
        160,
    )


def test_six_parts_hold_918_gsm7_characters() -> None:
    sms = layout("c" * 918)
    assert sms.parts == MAX_PARTS == 6
    assert sms.units_left == 0
    assert layout("c" * 919).parts == 7


def test_six_parts_hold_402_unicode_code_units() -> None:
    assert layout("ê" * 402).parts == 6
    assert layout("ê" * 403).parts == 7


def test_line_breaks_are_counted_as_given() -> None:
    assert layout("a\nb").units == 3
    assert layout("a\r\nb").units == 4
    assert layout("a\r\nb").encoding is Encoding.GSM7


def test_forcing_gsm7_on_non_gsm7_text_raises() -> None:
    with pytest.raises(ValueError, match="ê"):
        layout("fenêtre", Encoding.GSM7)


def test_forcing_unicode_on_gsm7_text_counts_code_units() -> None:
    sms = layout("a" * 71, Encoding.UNICODE)
    assert (sms.encoding, sms.parts, sms.units) == (Encoding.UNICODE, 2, 71)
    assert layout("€" * 10, Encoding.UNICODE).units == 10


def test_encoding_accepts_its_string_value() -> None:
    sms = layout("abc", Encoding("unicode"))
    assert sms.encoding is Encoding.UNICODE


def test_layout_is_frozen() -> None:
    sms = layout("abc")
    with pytest.raises(AttributeError):
        sms.parts = 2  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Transliteration, by hand


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l’alarme ‘test’ ‚x‛", "l'alarme 'test' 'x'"),
        ("“porte” „ouverte‟", '"porte" "ouverte"'),
        ("« Salon »", '" Salon "'),
        ("attendez…", "attendez..."),
        ("8h–9h — fin ‑ a−b", "8h-9h - fin - a-b"),
        ("25\u00a0%\u202f!\u2009ok", "25 % ! ok"),
        ("fenêtre château île côte sûr Noël maïs ça œuf Œuvre", "fenetre chateau ile cote sur Noel mais ca oeuf OEuvre"),
        ("árbol índice ópera único ýes São Tomé ā", "arbol indice opera unico yes Sao Tomé a"),
        ("À Ê Ô Ù È", "A E O U E"),
        ("• un\n• deux", "- un\n- deux"),
        ("3×4 ≥ 10", "3x4 >= 10"),
        ("CO₂ à 800 ppm, 12 m² et 3 m³", "CO2 à 800 ppm, 12 m2 et 3 m3"),
        ("10²³ et 10⁻³", "10^23 et 10^-3"),
        ("PM2.5 : 35 µg/m³", "PM2.5 : 35 ug/m3"),
        ("salarié·es", "salarié.es"),
        ("ﬁn ｏｋ №5", "fin ok No5"),
        ("ΑΘΗΝΑ", "AΘHNA"),
        ("a\tb\u2028c", "a b\nc"),
        ("soft\u00adhyphen zero\u200bwidth\ufeff", "softhyphen zerowidth"),
        ("Prix 12 € ^ { } [ ] | ~ \\", "Prix 12 € ^ { } [ ] | ~ \\"),
    ],
)  # fmt: skip
def test_transliterate(text: str, expected: str) -> None:
    result = transliterate(text)
    assert result.text == expected
    assert is_gsm7(result.text)
    assert result.dropped == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Salon 19,5°C", "Salon 19,5C"),
        ("Salon 19.5 °C, dehors 60°F", "Salon 19.5 C, dehors 60F"),
        ("Il fait 25℃", "Il fait 25C"),
        ("Facture n°12, N°3", "Facture no12, No3"),
        ("angle 45°", "angle 45o"),
        ("n°Client", "noClient"),
    ],
)
def test_degree_sign(text: str, expected: str) -> None:
    assert transliterate(text).text == expected


def test_gsm7_accented_letters_are_kept() -> None:
    text = GSM7_ACCENTED + " fenêtre"
    result = transliterate(text)
    assert result.text == GSM7_ACCENTED + " fenetre"
    assert result.replaced == (("ê", "e"),)


def test_gsm7_text_is_returned_untouched() -> None:
    text = "Alerte : porte d'entrée ouverte à 22:15 (15 €) {ok}"
    assert transliterate(text, drop_unencodable=True) == encoding.Transliteration(
        text, (), ()
    )


def test_replaced_pairs_are_listed_once_in_first_seen_order() -> None:
    result = transliterate("l’été… c’est « chaud » ’")
    assert result.replaced == (("’", "'"), ("…", "..."), ("«", '"'), ("»", '"'))


def test_context_gives_one_character_two_replacements() -> None:
    assert transliterate("n°1 à 20°C").replaced == (("°", "o"), ("°", ""))


def test_decomposed_accents_are_composed_or_stripped() -> None:
    result = transliterate("e\u0301te\u0301 fe\u0302te")
    assert result.text == "été fete"
    assert result.replaced == (("e\u0301", "é"), ("e\u0302", "e"))


def test_characters_without_twin_keep_the_whole_text_when_not_dropped() -> None:
    text = "🔥 Incendie détecté… l’alarme sonne"
    result = transliterate(text)
    assert result == encoding.Transliteration(text, (), ())
    assert layout(result.text).encoding is Encoding.UNICODE


def test_drop_removes_emoji_and_tidies_spacing() -> None:
    result = transliterate(
        "🔥 Incendie  cuisine 🚨🚨 l’alarme sonne 💧", drop_unencodable=True
    )
    assert result.text == "Incendie  cuisine l'alarme sonne"
    assert result.dropped == ("🔥", "🚨", "💧")
    assert result.replaced == (("’", "'"),)


def test_drop_at_line_ends() -> None:
    result = transliterate(
        "Batterie faible 🔋\n🔋 Capteur salon", drop_unencodable=True
    )
    assert result.text == "Batterie faible\nCapteur salon"


def test_dropped_emoji_sequences_are_reported_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    heart = "❤\ufe0f"
    thumb = "👍🏽"
    flag = "🇫🇷"
    result = transliterate(
        f"a {family} {heart} {thumb} {flag} b", drop_unencodable=True
    )
    assert result.text == "a b"
    assert result.dropped == (family, heart, thumb, flag)
    assert result.replaced == ()


def test_keycap_keeps_its_digit() -> None:
    assert transliterate("Étape 1\ufe0f\u20e3").text == "Étape 1"


def test_zero_width_joiner_between_letters_is_removed() -> None:
    result = transliterate("a\u200db")
    assert (result.text, result.replaced) == ("ab", (("\u200d", ""),))


def test_cjk_is_dropped() -> None:
    result = transliterate("Alerte 火事", drop_unencodable=True)
    assert (result.text, result.dropped) == ("Alerte", ("火", "事"))


def test_ellipsis_that_would_cost_a_part_becomes_two_dots() -> None:
    text = "…" * 70  # 70 code units = 1 part; "..." x 70 = 210 septets = 2 parts
    result = transliterate(text)
    assert result.text == ".." * 70
    assert result.replaced == (("…", ".."),)
    assert layout(result.text).parts == 1


def test_long_twin_that_would_cost_a_part_is_dropped_in_drop_mode() -> None:
    text = "©" * 70  # 70 code units = 1 part; "(c)" x 70 = 210 septets = 2 parts
    assert transliterate("© 2026").text == "(c) 2026"
    assert transliterate(text).text == text
    result = transliterate(text, drop_unencodable=True)
    assert (result.text, result.dropped) == ("", ("©",))


def test_stop_mention_is_considered_when_guarding_the_cost() -> None:
    # 59 ellipses + STOP = 70 code units, 1 part; "..." x 59 + STOP = 188 septets, 2 parts.
    text = "…" * 59
    assert transliterate(text).text == ".." * 59


def test_every_twin_is_gsm7() -> None:
    for twin in (*encoding._TWINS.values(), *encoding._COMPACT_TWINS.values()):
        assert is_gsm7(twin), twin
    for char in encoding._TWINS:
        assert not is_gsm7(char), char


# ---------------------------------------------------------------------------------------------
# Properties

INTERESTING = [
    *"aZ09 .,'\"\n\ré€{}[]^|~\\\fêçœ’‘“”«»…—–°²³₂µ·•×\t\u00a0\u202f\u200b\u200d\ufe0f\u0301\u20e3",
    *"🔥💧🚨🔋👍🏽🇫🇷火Α",
]
CHARS = st.one_of(
    st.sampled_from(GSM7), st.sampled_from(INTERESTING), st.characters(codec="utf-8")
)
FILLERS = st.sampled_from(["a", "é", "€", "{a", "ê", "🔥", "…", "a🔥", "°C "])
TEXTS = st.one_of(
    st.text(CHARS, max_size=300),
    st.builds(
        lambda head, fill, count, tail: head + fill * count + tail,
        st.text(CHARS, max_size=20),
        FILLERS,
        st.integers(0, 500),
        st.text(CHARS, max_size=20),
    ),
)
GSM7_TEXTS = st.one_of(
    st.text(st.sampled_from(GSM7), max_size=1000),
    st.builds(
        lambda head, fill, count: head + fill * count,
        st.text(st.sampled_from(GSM7), max_size=20),
        st.sampled_from(["a", "€", "a€", "{}"]),
        st.integers(0, 500),
    ),
)
CODINGS = st.sampled_from([None, Encoding.UNICODE])


@given(TEXTS, CODINGS, st.booleans())
def test_segments_join_back_to_the_text(
    text: str, coding: Encoding | None, stop: bool
) -> None:
    assert "".join(layout(text, coding, stop_mention=stop).segments) == text


@given(TEXTS, CODINGS)
def test_parts_are_the_segments_filled_greedily(
    text: str, coding: Encoding | None
) -> None:
    sms = layout(text, coding)
    assert sms.parts == len(sms.segments) >= 1
    room = capacity(sms.encoding, sms.parts)
    sizes = [units(segment, sms.encoding) for segment in sms.segments]
    assert all(size <= room for size in sizes)
    assert sms.units == sum(sizes)
    assert sms.units_left == room - sizes[-1]
    for size, following in zip(sizes, sms.segments[1:], strict=False):
        # A part is closed only when the next character does not fit in it.
        assert size + units(following[0], sms.encoding) > room


@given(TEXTS, CODINGS)
def test_stop_mention_counts_as_eleven_appended_characters(
    text: str, coding: Encoding | None
) -> None:
    sms = layout(text, coding, stop_mention=True)
    # The mention is 11 one-unit characters in either encoding: count them as text.
    reference = layout(text + "S" * STOP_MENTION_LENGTH, sms.encoding)
    assert sms.encoding is (coding or cheapest_encoding(text))
    assert (sms.parts, sms.units, sms.units_left) == (
        reference.parts,
        reference.units,
        reference.units_left,
    )
    assert sms.segments == without_last(reference.segments, STOP_MENTION_LENGTH)


@given(TEXTS)
def test_cheapest_encoding_is_gsm7_iff_the_text_is_gsm7(text: str) -> None:
    gsm7 = all(char in GSM7 for char in text)
    assert is_gsm7(text) is gsm7
    assert (cheapest_encoding(text) is Encoding.GSM7) is gsm7
    assert layout(text).encoding is cheapest_encoding(text)


@given(TEXTS)
def test_forcing_gsm7_raises_iff_the_text_is_not_gsm7(text: str) -> None:
    if is_gsm7(text):
        assert layout(text, Encoding.GSM7) == layout(text)
    else:
        with pytest.raises(ValueError):
            layout(text, Encoding.GSM7)


@given(GSM7_TEXTS, st.booleans())
def test_unicode_is_never_cheaper_than_gsm7(text: str, stop: bool) -> None:
    gsm7 = layout(text, Encoding.GSM7, stop_mention=stop)
    unicode = layout(text, Encoding.UNICODE, stop_mention=stop)
    assert gsm7.parts <= unicode.parts


@given(TEXTS)
def test_dropping_transliteration_always_gives_gsm7(text: str) -> None:
    result = transliterate(text, drop_unencodable=True)
    assert is_gsm7(result.text)
    assert len(set(result.replaced)) == len(result.replaced)
    assert len(set(result.dropped)) == len(result.dropped)
    assert all(char in text for char in result.dropped)
    assert all(original in text for original, _ in result.replaced)


@given(TEXTS)
def test_transliteration_is_all_or_nothing_without_drop(text: str) -> None:
    result = transliterate(text)
    assert result.dropped == ()
    if not is_gsm7(result.text):
        assert result == encoding.Transliteration(text, (), ())


@given(TEXTS, st.booleans(), st.booleans())
def test_transliteration_never_increases_the_part_count(
    text: str, drop: bool, stop: bool
) -> None:
    result = transliterate(text, drop_unencodable=drop)
    assert (
        layout(result.text, stop_mention=stop).parts
        <= layout(text, stop_mention=stop).parts
    )


@given(GSM7_TEXTS)
def test_transliteration_leaves_gsm7_text_alone(text: str) -> None:
    assert transliterate(text, drop_unencodable=True).text == text


@given(TEXTS, CHARS, st.booleans())
def test_parts_never_decrease_when_appending(text: str, char: str, stop: bool) -> None:
    assert (
        layout(text + char, stop_mention=stop).parts
        >= layout(text, stop_mention=stop).parts
    )
