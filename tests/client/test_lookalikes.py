"""Tests for the look-alike replacements that make a message GSM-7."""

from hypothesis import given, strategies as st
import pytest

from custom_components.ovh_http2sms.http2sms import lookalikes
from custom_components.ovh_http2sms.http2sms.encoding import Encoding, is_gsm7, layout
from custom_components.ovh_http2sms.http2sms.lookalikes import (
    Transliteration,
    transliterate,
)

from .sms_texts import GSM7_TEXTS, TEXTS

# GSM-7 letters with accents, which transliteration must keep as they are.
GSM7_ACCENTED = "éèàùìòäöüñÄÖÜÑÅåÇÉØøÆæß"


# ---------------------------------------------------------------------------------------------
# By hand


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
    """Each look-alike becomes its GSM-7 twin."""
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
    """The degree sign goes before a unit and reads "o" elsewhere."""
    assert transliterate(text).text == expected


def test_gsm7_accented_letters_are_kept() -> None:
    """Accented letters that GSM-7 has are never changed."""
    text = GSM7_ACCENTED + " fenêtre"
    result = transliterate(text)
    assert result.text == GSM7_ACCENTED + " fenetre"
    assert result.replaced == (("ê", "e"),)


def test_gsm7_text_is_returned_untouched() -> None:
    """A GSM-7 text comes back as it was, with nothing listed."""
    text = "Alerte : porte d'entrée ouverte à 22:15 (15 €) {ok}"
    assert transliterate(text, drop_unencodable=True) == Transliteration(text, (), ())


def test_replaced_pairs_are_listed_once_in_first_seen_order() -> None:
    """Each replacement is listed once, in the order of the text."""
    result = transliterate("l’été… c’est « chaud » ’")
    assert result.replaced == (("’", "'"), ("…", "..."), ("«", '"'), ("»", '"'))


def test_context_gives_one_character_two_replacements() -> None:
    """One character may have two twins, depending on what follows it."""
    assert transliterate("n°1 à 20°C").replaced == (("°", "o"), ("°", ""))


def test_decomposed_accents_are_composed_or_stripped() -> None:
    """A letter typed with a combining accent is read as one character."""
    result = transliterate("e\u0301te\u0301 fe\u0302te")
    assert result.text == "été fete"
    assert result.replaced == (("e\u0301", "é"), ("e\u0302", "e"))


def test_characters_without_twin_keep_the_whole_text_when_not_dropped() -> None:
    """Without drop, one character with no twin leaves the whole text as it was."""
    text = "🔥 Incendie détecté… l’alarme sonne"
    result = transliterate(text)
    assert result == Transliteration(text, (), ())
    assert layout(result.text).encoding is Encoding.UNICODE


def test_drop_removes_emoji_and_tidies_spacing() -> None:
    """Dropping an emoji takes the space it leaves with it."""
    result = transliterate(
        "🔥 Incendie  cuisine 🚨🚨 l’alarme sonne 💧", drop_unencodable=True
    )
    assert result.text == "Incendie  cuisine l'alarme sonne"
    assert result.dropped == ("🔥", "🚨", "💧")
    assert result.replaced == (("’", "'"),)


def test_drop_at_line_ends() -> None:
    """Dropping at the start or end of a line leaves no stray space."""
    result = transliterate(
        "Batterie faible 🔋\n🔋 Capteur salon", drop_unencodable=True
    )
    assert result.text == "Batterie faible\nCapteur salon"


def test_dropped_emoji_sequences_are_reported_whole() -> None:
    """A family, a heart, a skin tone or a flag is dropped and listed as one."""
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
    """A keycap emoji keeps its digit."""
    assert transliterate("Étape 1\ufe0f\u20e3").text == "Étape 1"


def test_zero_width_joiner_between_letters_is_removed() -> None:
    """An invisible joiner between letters is removed."""
    result = transliterate("a\u200db")
    assert (result.text, result.replaced) == ("ab", (("\u200d", ""),))


def test_cjk_is_dropped() -> None:
    """Characters with no twin at all are dropped."""
    result = transliterate("Alerte 火事", drop_unencodable=True)
    assert (result.text, result.dropped) == ("Alerte", ("火", "事"))


def test_ellipsis_that_would_cost_a_part_becomes_two_dots() -> None:
    """Where "..." would cost a part, the ellipsis becomes ".."."""
    text = "…" * 70  # 70 code units = 1 part; "..." x 70 = 210 septets = 2 parts
    result = transliterate(text)
    assert result.text == ".." * 70
    assert result.replaced == (("…", ".."),)
    assert layout(result.text).parts == 1


def test_long_twin_that_would_cost_a_part_is_dropped_in_drop_mode() -> None:
    """A twin that would cost a part is treated as none."""
    text = "©" * 70  # 70 code units = 1 part; "(c)" x 70 = 210 septets = 2 parts
    assert transliterate("© 2026").text == "(c) 2026"
    assert transliterate(text).text == text
    result = transliterate(text, drop_unencodable=True)
    assert (result.text, result.dropped) == ("", ("©",))


def test_stop_mention_is_considered_when_guarding_the_cost() -> None:
    """The STOP mention counts when checking that nothing costs more."""
    # 59 ellipses + STOP = 70 code units, 1 part; "..." x 59 + STOP = 188 septets, 2 parts.
    text = "…" * 59
    assert transliterate(text).text == ".." * 59


def test_every_twin_is_gsm7() -> None:
    """Every twin is GSM-7, and every replaced character is not."""
    for twin in (*lookalikes._TWINS.values(), *lookalikes._COMPACT_TWINS.values()):
        assert is_gsm7(twin), twin
    for char in lookalikes._TWINS:
        assert not is_gsm7(char), char


# ---------------------------------------------------------------------------------------------
# Properties


@given(TEXTS)
def test_dropping_transliteration_always_gives_gsm7(text: str) -> None:
    """With drop, the result is always GSM-7, and lists only what the text had."""
    result = transliterate(text, drop_unencodable=True)
    assert is_gsm7(result.text)
    assert len(set(result.replaced)) == len(result.replaced)
    assert len(set(result.dropped)) == len(result.dropped)
    assert all(char in text for char in result.dropped)
    assert all(original in text for original, _ in result.replaced)


@given(TEXTS)
def test_transliteration_is_all_or_nothing_without_drop(text: str) -> None:
    """Without drop, the result is GSM-7 or the text untouched."""
    result = transliterate(text)
    assert result.dropped == ()
    if not is_gsm7(result.text):
        assert result == Transliteration(text, (), ())


@given(TEXTS, st.booleans(), st.booleans())
def test_transliteration_never_increases_the_part_count(
    text: str, drop: bool, stop: bool
) -> None:
    """Replacing look-alikes never costs a part more."""
    result = transliterate(text, drop_unencodable=drop)
    assert (
        layout(result.text, stop_mention=stop).parts
        <= layout(text, stop_mention=stop).parts
    )


@given(GSM7_TEXTS)
def test_transliteration_leaves_gsm7_text_alone(text: str) -> None:
    """A GSM-7 text is never changed, even with drop."""
    assert transliterate(text, drop_unencodable=True).text == text
