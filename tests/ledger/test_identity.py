"""What counts as the same SMS: what a phone displays, when it arrives and how."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given, strategies as st
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


ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
# Texts that differ by a format character a phone draws: held back, the second would be lost.
SHOWN_DIFFERENTLY = {
    "two flags": (f"Match {ENGLAND} tonight", f"Match {SCOTLAND} tonight"),
    "a flag and the black flag": (f"Match {ENGLAND}", "Match \U0001f3f4"),
    "end of ayah": ("Verse \u06dd12", "Verse 12"),
    "Arabic number sign": ("\u0600123", "123"),
    "Kaithi number sign": ("\U000110bd1", "1"),
    "a flag and one a zero-width space breaks": (
        f"Match {ENGLAND}",
        f"Match {ENGLAND.replace('\U0001f3f4', '\U0001f3f4\u200b')}",
    ),
}


@pytest.mark.parametrize(
    ("first", "second"), SHOWN_DIFFERENTLY.values(), ids=SHOWN_DIFFERENTLY
)
def test_a_format_character_a_phone_draws_makes_another_sms(
    first: str, second: str
) -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE, first)])

    again = admit(ledger, [recipient(ALICE, second)], now=NOW + timedelta(seconds=30))

    assert displayed_text(first) == first
    assert [r.number for r in again.admitted] == [ALICE]


# Tag characters are drawn only as a flag's; anywhere else a phone shows nothing.
STRAY_TAGS = {
    "after a letter": ("Door\U000e0061 open", "Door open"),
    "on a line of their own": ("Door open\n\U000e0067\U000e007f", "Door open"),
    "a cancel tag": ("Door open\U000e007f", "Door open"),
    "after a whole flag": (f"Go {ENGLAND}\U000e0061", f"Go {ENGLAND}"),
}


@pytest.mark.parametrize(("variant", "shown"), STRAY_TAGS.values(), ids=STRAY_TAGS)
def test_a_tag_outside_a_flag_is_invisible(variant: str, shown: str) -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE, shown)])

    again = admit(ledger, [recipient(ALICE, variant)], now=NOW + timedelta(seconds=30))

    assert displayed_text(variant) == shown
    assert [r.number for r in again.suppressed] == [ALICE]


def test_an_invisible_character_inside_an_accented_letter_is_the_same_sms() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE, "\u1ea0larm")])

    again = admit(
        ledger, [recipient(ALICE, "A\u200b\u0323larm")], now=NOW + timedelta(seconds=30)
    )

    assert [r.number for r in again.suppressed] == [ALICE]


_SHOWN_OR_NOT = st.sampled_from(
    [
        *" \t\n\r\x1b\x85\u00a0\u00ad\u0301\u0323\u06dd\u200b\u200c\u200d\u2028\u3000",
        *"\ufeff\U000e0067\U0001f3f4eA\u0644\u0627",
    ]
)


@given(st.text(st.one_of(_SHOWN_OR_NOT, st.characters()), max_size=16))
@example("A\x1b\u0323")
def test_what_a_phone_shows_is_shown_the_same_again(text: str) -> None:
    """Otherwise a text and its displayed form would be two SMS."""
    displayed = displayed_text(text)

    assert displayed_text(displayed) == displayed


def test_lone_surrogates_do_not_crash() -> None:
    text = "Alarm \ud800 \udfff"

    assert displayed_text(text) == text
    assert sms_identity(ALICE, text, planned_for=None, flash=False) != sms_identity(
        ALICE, "Alarm", planned_for=None, flash=False
    )
