"""What counts as the same SMS: what a phone displays, when it arrives and how."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.ovh_http2sms.ledger import Ledger, displayed_text, sms_identity

from .conftest import ALICE, BOB, NOW, PARIS, admit, recipient, send

TEXT = "Water leak in the cellar"

# Eight ways to write TEXT that a phone displays exactly as TEXT.
INVISIBLE_VARIANTS = {
    "leading spaces": f"  {TEXT}",
    "trailing spaces": f"{TEXT}   ",
    "double space": TEXT.replace(" ", "  ", 1),
    "zero-width space": TEXT.replace("leak", "le\u200bak"),
    "no-break space": TEXT.replace(" ", "\u00a0", 1),
    "trailing newline": f"{TEXT}\n",
    "word joiner": TEXT.replace("cellar", "cel\u2060lar"),
    "right-to-left mark": f"\u200f{TEXT}",
}


@pytest.mark.parametrize("variant", INVISIBLE_VARIANTS.values(), ids=INVISIBLE_VARIANTS)
def test_an_invisible_difference_is_the_same_sms(variant: str) -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE, TEXT)])

    again = admit(ledger, [recipient(ALICE, variant)], now=NOW + timedelta(seconds=30))

    assert displayed_text(variant) == TEXT
    assert [r.number for r in again.suppressed] == [ALICE]
    assert again.admitted == ()


def test_letter_case_is_not_invisible() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE, "ALARM")])

    again = admit(ledger, [recipient(ALICE, "alarm")])

    assert [r.number for r in again.admitted] == [ALICE]


def test_a_deferred_sms_planned_for_another_time_is_another_sms() -> None:
    ledger = Ledger()
    in_two_hours = NOW + timedelta(hours=2)
    in_fourteen_hours = NOW + timedelta(hours=14)
    send(ledger, [recipient(ALICE, planned_for=in_two_hours)], planned_for=in_two_hours)

    later = admit(
        ledger,
        [recipient(ALICE, planned_for=in_fourteen_hours)],
        planned_for=in_fourteen_hours,
    )
    immediate = admit(ledger, [recipient(ALICE)])
    flash = admit(ledger, [recipient(ALICE, flash=True)])

    assert [r.number for r in later.admitted] == [ALICE]
    assert [r.number for r in immediate.admitted] == [ALICE]
    assert [r.number for r in flash.admitted] == [ALICE]


def test_the_same_deferred_sms_is_held_back() -> None:
    ledger = Ledger()
    planned = NOW + timedelta(hours=2)
    send(ledger, [recipient(ALICE, planned_for=planned)], planned_for=planned)

    again = admit(ledger, [recipient(ALICE, planned_for=planned)], planned_for=planned)

    assert [r.number for r in again.suppressed] == [ALICE]


def test_a_flash_sms_is_held_back_by_the_same_flash_sms_only() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE, flash=True)])

    assert admit(ledger, [recipient(ALICE, flash=True)]).suppressed
    assert admit(ledger, [recipient(ALICE)]).admitted


def test_the_planned_time_counts_to_the_minute_and_in_any_zone() -> None:
    planned = datetime(2026, 6, 15, 12, 30, 10, tzinfo=UTC)
    same_minute = datetime(2026, 6, 15, 12, 30, 50, tzinfo=UTC)
    next_minute = datetime(2026, 6, 15, 12, 31, tzinfo=UTC)

    def identity(moment: datetime) -> bytes:
        return sms_identity(ALICE, TEXT, planned_for=moment, flash=False)

    assert identity(planned) == identity(same_minute)
    assert identity(planned) == identity(planned.astimezone(PARIS))
    assert identity(planned) != identity(next_minute)


def test_the_number_is_part_of_the_sms() -> None:
    assert sms_identity(ALICE, TEXT, planned_for=None, flash=False) != sms_identity(
        BOB, TEXT, planned_for=None, flash=False
    )


def test_nothing_readable_is_kept() -> None:
    identity = sms_identity(ALICE, TEXT, planned_for=None, flash=False)

    assert len(identity) == 16
    assert b"leak" not in identity
    assert ALICE.encode() not in identity


@pytest.mark.parametrize(
    ("text", "displayed"),
    [
        ("Line one\r\nLine two", "Line one\nLine two"),
        ("Line one\rLine two", "Line one\nLine two"),
        ("Line one\u2028Line two", "Line one\nLine two"),
        ("Line one   \nLine two", "Line one\nLine two"),
        ("Line one\n\n\n\nLine two", "Line one\n\nLine two"),
        ("Line one\n \t \nLine two", "Line one\n\nLine two"),
        ("Line one\n  indented", "Line one\n indented"),
        ("\n\n  Hello  \n\n", "Hello"),
        ("Tab\there", "Tab here"),
        ("Ideographic\u3000space", "Ideographic space"),
        ("Thin\u2009space", "Thin space"),
        ("Soft\u00adhyphen", "Softhyphen"),
        ("\ufeffByte order mark", "Byte order mark"),
        ("Bell\x07", "Bell"),
        ("Caf\u0065\u0301", "Caf\u00e9"),
        ("", ""),
        (" \u200b\n\u00a0", ""),
    ],
)
def test_displayed_text(text: str, displayed: str) -> None:
    assert displayed_text(text) == displayed


def test_a_joiner_that_shapes_what_is_drawn_is_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"

    assert displayed_text(family) == family
    assert displayed_text(family) != displayed_text(family.replace("\u200d", ""))
    assert displayed_text(persian) == persian
    assert displayed_text(f"\u200d{TEXT}\u200d") == TEXT
    assert displayed_text("Alarm \u200d now") == "Alarm now"


def test_lone_surrogates_do_not_crash() -> None:
    text = "Alarm \ud800 \udfff"

    assert displayed_text(text) == text
    assert sms_identity(ALICE, text, planned_for=None, flash=False) != sms_identity(
        ALICE, "Alarm", planned_for=None, flash=False
    )
