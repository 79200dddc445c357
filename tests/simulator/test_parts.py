"""Part counting at every boundary: GSM-7, its extension table, UCS-2 and the STOP mention."""

from __future__ import annotations

import pytest

from http2sms_simulator import Coding, count_parts
from http2sms_simulator.parts import GSM7_BASIC, GSM7_EXTENSION, is_gsm7, to_gsm7

E = "€"  # GSM-7 extension table: two septets
U = "ê"  # not in GSM-7: forces Unicode
EMOJI = "😀"  # outside the BMP: two UTF-16 code units


@pytest.mark.parametrize(
    ("message", "stop", "coding", "units", "parts"),
    [
        ("a" * 159, False, Coding.GSM7, 159, 1),
        ("a" * 160, False, Coding.GSM7, 160, 1),
        ("a" * 161, False, Coding.GSM7, 161, 2),
        ("a" * 306, False, Coding.GSM7, 306, 2),
        ("a" * 307, False, Coding.GSM7, 307, 3),
        ("a" * 918, False, Coding.GSM7, 918, 6),
        ("a" * 919, False, Coding.GSM7, 919, 7),
        # The STOP mention takes 11 characters.
        ("a" * 149, True, Coding.GSM7, 160, 1),
        ("a" * 150, True, Coding.GSM7, 161, 2),
        # Extension characters count twice.
        (E * 80, False, Coding.GSM7, 160, 1),
        (E * 81, False, Coding.GSM7, 162, 2),
        ("a" * 158 + E, False, Coding.GSM7, 160, 1),
        ("a" * 159 + E, False, Coding.GSM7, 161, 2),
        # An escape pair is never split: the first part then holds 152 septets.
        ("a" * 152 + E + "a" * 152, False, Coding.GSM7, 306, 3),
        ("a" * 151 + E + "a" * 153, False, Coding.GSM7, 306, 2),
        ("a" * 153 + E + "a" * 151, False, Coding.GSM7, 306, 2),
        # Unicode: 70 and 67 code units.
        (U * 70, False, Coding.UCS2, 70, 1),
        (U * 71, False, Coding.UCS2, 71, 2),
        (U * 134, False, Coding.UCS2, 134, 2),
        (U * 135, False, Coding.UCS2, 135, 3),
        (U * 402, False, Coding.UCS2, 402, 6),
        (U * 403, False, Coding.UCS2, 403, 7),
        (U * 59, True, Coding.UCS2, 70, 1),
        (U * 60, True, Coding.UCS2, 71, 2),
        # An emoji is two code units and a surrogate pair is never split.
        (EMOJI * 35, False, Coding.UCS2, 70, 1),
        ("a" * 69 + EMOJI, False, Coding.UCS2, 71, 2),
        (U * 66 + EMOJI + U * 66, False, Coding.UCS2, 134, 3),
        (U * 65 + EMOJI + U * 67, False, Coding.UCS2, 134, 2),
        # CR, the http2sms line break, is one GSM-7 character.
        ("a\r" * 80, False, Coding.GSM7, 160, 1),
        ("", True, Coding.GSM7, 11, 1),
    ],
)
def test_automatic_coding(
    message: str, stop: bool, coding: Coding, units: int, parts: int
) -> None:
    """The simulator picks the cheapest encoding and counts its parts."""
    count = count_parts(message, coding=None, stop_mention=stop)
    assert (count.coding, count.units, count.parts) == (coding, units, parts)


def test_forced_gsm7_replaces_what_it_cannot_carry() -> None:
    """Forced GSM-7 replaces what it cannot carry with "?", as a network does."""
    count = count_parts(U * 160, coding=Coding.GSM7, stop_mention=False)
    assert (count.coding, count.text, count.parts) == (Coding.GSM7, "?" * 160, 1)
    count = count_parts(f"Caf{U} {EMOJI} {E}", coding=Coding.GSM7, stop_mention=False)
    assert (count.text, count.units) == ("Caf? ? €", 9)


def test_forced_unicode_counts_code_units() -> None:
    """Forced Unicode counts code units."""
    count = count_parts("a" * 71, coding=Coding.UCS2, stop_mention=False)
    assert (count.coding, count.text, count.parts) == (Coding.UCS2, "a" * 71, 2)


def test_tables() -> None:
    """The simulator's GSM-7 tables have the standard's sizes."""
    assert len(GSM7_BASIC) == 127  # 128 code points minus the escape
    assert len(GSM7_EXTENSION) == 10
    assert is_gsm7(GSM7_BASIC + GSM7_EXTENSION)
    for char in "`êâîôûëïçœ«»’…—":
        assert not is_gsm7(char), char
    assert is_gsm7("Ç")
    assert to_gsm7("Ça ç") == "Ça ?"
