"""A day's spend: exact in any time zone, beyond the records kept, across DST and reloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.ovh_http2sms.ledger import SMS_LIMIT, BudgetExceeded, Ledger

from .conftest import ALICE, BOB, NOW, PARIS, TOKYO, admit, day_of, recipient, send

KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
NEW_YORK = ZoneInfo("America/New_York")
CHATHAM = ZoneInfo("Pacific/Chatham")


def test_a_time_zone_round_trip_finds_the_same_day_figure() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)], budget=1, zone=PARIS)
    with pytest.raises(BudgetExceeded):
        admit(ledger, [recipient(BOB)], budget=1, zone=PARIS)

    in_paris = ledger.spent_in(*day_of(NOW, PARIS))
    in_tokyo = ledger.spent_in(*day_of(NOW, TOKYO))
    back_in_paris = ledger.spent_in(*day_of(NOW, PARIS))

    assert (in_paris, in_tokyo, back_in_paris) == (1, 1, 1)
    with pytest.raises(BudgetExceeded):
        admit(ledger, [recipient(BOB)], budget=1, zone=PARIS)


def test_a_day_beyond_the_records_kept_is_still_counted_in_full() -> None:
    ledger = Ledger()
    start, _end = day_of(NOW, PARIS)
    sends = SMS_LIMIT + 1000
    for n in range(sends):
        # Spread over the whole local day, one number each, all one part.
        moment = start + timedelta(seconds=n * 86_000 // sends)
        send(ledger, [recipient(f"00336{n:08d}")], now=moment)

    assert len(ledger.records()) == SMS_LIMIT
    assert ledger.spent_in(*day_of(NOW, PARIS)) == sends
    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)
    assert problems == []
    assert again.spent_in(*day_of(NOW, PARIS)) == sends


@pytest.mark.parametrize("zone", [KOLKATA, KATHMANDU, CHATHAM], ids=str)
def test_a_day_in_a_zone_off_the_hour_sums_exactly(zone: ZoneInfo) -> None:
    ledger = Ledger()
    start, end = day_of(NOW, zone)
    # Just inside and just outside both ends of the local day.
    inside = [start, start + timedelta(minutes=14), end - timedelta(seconds=1)]
    outside = [start - timedelta(seconds=1), end]
    for n, moment in enumerate(inside + outside):
        send(ledger, [recipient(f"00336{n:08d}")], now=moment, parts=n + 1)

    assert ledger.spent_in(start, end) == 1 + 2 + 3


def test_a_day_of_twenty_three_hours_sums_correctly() -> None:
    ledger = Ledger()
    summer_time_starts = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    start, end = day_of(summer_time_starts, PARIS)
    assert end - start == timedelta(hours=23)
    for n, moment in enumerate(
        [start, start + timedelta(hours=1, minutes=59), end - timedelta(seconds=1), end]
    ):
        send(ledger, [recipient(f"00336{n:08d}")], now=moment, parts=10**n)

    assert ledger.spent_in(start, end) == 111
    assert ledger.spent_in(*day_of(end, PARIS)) == 1000


def test_a_day_of_twenty_five_hours_sums_correctly() -> None:
    ledger = Ledger()
    summer_time_ends = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    start, end = day_of(summer_time_ends, NEW_YORK)
    assert end - start == timedelta(hours=25)
    for n, moment in enumerate([start, end - timedelta(minutes=30), end]):
        send(ledger, [recipient(f"00336{n:08d}")], now=moment, parts=10**n)

    assert ledger.spent_in(start, end) == 11


def test_a_reload_keeps_the_day_and_the_budget() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)], budget=2, parts=2)

    again, _problems = Ledger.from_stored(ledger.as_stored(), now=NOW)

    with pytest.raises(BudgetExceeded):
        admit(again, [recipient(BOB)], budget=2)


def test_what_is_open_when_saved_is_read_back_as_may_have_been_sent() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)], parts=2)

    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)

    assert problems == []
    assert again.spent_in(*day_of(NOW, PARIS)) == 2
    assert [(r.number, r.outcome_known) for r in again.records()] == [(ALICE, False)]
    assert admit(again, [recipient(ALICE)]).suppressed


def test_what_is_older_than_keep_is_forgotten() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)])
    four_days_later = NOW + timedelta(days=4)

    send(ledger, [recipient(BOB)], now=four_days_later)

    assert [r.number for r in ledger.records()] == [BOB]
    again, problems = Ledger.from_stored(ledger.as_stored(), now=four_days_later)
    assert problems == []
    assert [r.number for r in again.records()] == [BOB]
    assert again.spent_in(*day_of(NOW, PARIS)) == 0
    assert again.spent_in(*day_of(four_days_later, PARIS)) == 1


def test_a_clock_set_back_a_day_still_finds_what_it_sent_ahead() -> None:
    ledger = Ledger()
    tomorrow = NOW + timedelta(days=1)
    send(ledger, [recipient(ALICE)], now=tomorrow)

    send(ledger, [recipient(BOB)], now=NOW)

    assert ledger.spent_in(*day_of(tomorrow, PARIS)) == 1
    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)
    assert problems == []
    assert again.spent_in(*day_of(tomorrow, PARIS)) == 1


def test_a_clock_that_jumps_days_ahead_and_back_keeps_today() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)], budget=1)

    send(ledger, [recipient(BOB)], now=NOW + timedelta(days=5))

    assert ledger.spent_in(*day_of(NOW, PARIS)) == 1
    with pytest.raises(BudgetExceeded):
        admit(ledger, [recipient(BOB, "Other")], budget=1)


def test_buckets_are_bounded_in_number_and_the_nearest_stay() -> None:
    ledger = Ledger()
    quarter = timedelta(minutes=15)
    # A send in every quarter hour for three weeks: far more buckets than kept.
    for n in range(3 * 7 * 96):
        send(ledger, [recipient(f"00336{n:08d}")], now=NOW + n * quarter)
    last = NOW + (3 * 7 * 96 - 1) * quarter

    stored = ledger.as_stored()

    assert len(stored["buckets"]) <= 4 * 3 * 96 + 2
    assert ledger.spent_in(*day_of(last, PARIS)) == len(
        [
            n
            for n in range(3 * 7 * 96)
            if day_of(NOW + n * quarter, PARIS) == day_of(last, PARIS)
        ]
    )
    again, problems = Ledger.from_stored(stored, now=last)
    assert problems == []
    assert again.spent_in(*day_of(last, PARIS)) == ledger.spent_in(*day_of(last, PARIS))
