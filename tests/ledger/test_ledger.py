"""The ledger's promises: one identity per SMS, the budget, the repeat guard, the reservations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.ovh_http2sms.ledger import (
    BudgetExceeded,
    DeliveryStatus,
    Ledger,
    displayed_text,
    old_spend_day,
    sms_identity,
)

from .conftest import (
    ALICE,
    BOB,
    CAROL,
    ENTRY,
    NOW,
    OTHER_ENTRY,
    PARIS,
    TOKYO,
    admit,
    day_of,
    recipient,
    send,
)


def test_an_accepted_sms_is_recorded_and_counted() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE, contact="notify.alice")], parts=2)
    records = reservation.accepted([ALICE], ["1001"], NOW)

    assert [(r.number, r.contact, r.parts, r.sms_id) for r in records] == [
        (ALICE, "notify.alice", 2, "1001")
    ]
    assert ledger.find("1001") is records[0]
    assert ledger.spent_in(*day_of(NOW, PARIS)) == 2
    assert ledger.last_sent() == NOW


def test_the_same_sms_within_the_window_is_held_back() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)])
    again = admit(
        ledger, [recipient(ALICE), recipient(BOB)], now=NOW + timedelta(minutes=1)
    )

    assert [r.number for r in again.suppressed] == [ALICE]
    assert [r.number for r in again.admitted] == [BOB]


def test_the_window_is_measured_both_ways_and_ends() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)])

    assert admit(ledger, [recipient(ALICE)], now=NOW - timedelta(minutes=1)).suppressed
    assert admit(ledger, [recipient(ALICE)], now=NOW + timedelta(minutes=2)).admitted


def test_allow_repeat_and_a_window_of_zero_let_the_same_sms_through() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)])

    assert admit(ledger, [recipient(ALICE)], allow_repeat=True).admitted
    assert admit(ledger, [recipient(ALICE)], window=timedelta(0)).admitted


def test_the_budget_refuses_what_would_pass_it_and_reserves_nothing() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)], parts=2, budget=3)

    with pytest.raises(BudgetExceeded) as refused:
        admit(ledger, [recipient(BOB, "Other")], parts=2, budget=3)

    assert (refused.value.spent, refused.value.budget, refused.value.needed) == (
        2,
        3,
        2,
    )
    assert ledger.spent_in(*day_of(NOW, PARIS)) == 2
    assert admit(ledger, [recipient(BOB, "Other")], parts=1, budget=3).admitted


def test_what_is_not_sent_is_given_back() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE), recipient(BOB)], parts=3)
    assert ledger.spent_in(*day_of(NOW, PARIS)) == 6

    reservation.not_sent([BOB])
    reservation.accepted([ALICE], [], NOW)

    assert ledger.spent_in(*day_of(NOW, PARIS)) == 3
    assert admit(ledger, [recipient(BOB)]).admitted


def test_a_delivery_report_updates_its_record() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)

    record = ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW, "ptt1")

    assert record is not None
    assert (record.status, record.status_at, record.ptt) == (
        DeliveryStatus.DELIVERED,
        NOW,
        "ptt1",
    )


def test_budget_notes_are_kept_per_sms_user_and_forgotten_with_it() -> None:
    ledger = Ledger()
    ledger.note_budget(ENTRY, 5)
    ledger.note_budget(OTHER_ENTRY, 0)

    assert (ledger.budget_seen(ENTRY), ledger.budget_seen(OTHER_ENTRY)) == (5, 0)
    ledger.forget_entry(ENTRY)
    assert ledger.budget_seen(ENTRY) is None


def test_every_change_is_announced() -> None:
    ledger = Ledger()
    changes: list[None] = []
    ledger.on_change = lambda: changes.append(None)

    reservation = admit(ledger, [recipient(ALICE), recipient(BOB)])
    reservation.accepted([ALICE], ["1"], NOW)
    reservation.close()
    ledger.apply_report("1", DeliveryStatus.DELIVERED, NOW)
    ledger.note_budget(ENTRY, 3)

    assert len(changes) == 5


def test_a_saved_ledger_reads_back_the_same() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE, contact="notify.alice")], parts=2).accepted(
        [ALICE], ["1001"], NOW
    )
    ledger.note_budget(ENTRY, 10)

    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)

    assert problems == []
    assert again.spent_in(*day_of(NOW, PARIS)) == 2
    assert again.records() == ledger.records()
    assert again.budget_seen(ENTRY) == 10
    assert admit(again, [recipient(ALICE)]).suppressed


def test_nothing_saved_is_an_empty_ledger_without_problems() -> None:
    ledger, problems = Ledger.from_stored(None, now=NOW)

    assert problems == []
    assert ledger.spent_in(*day_of(NOW, PARIS)) == 0


def test_the_previous_spend_file_is_booked_on_its_day() -> None:
    data = {"day": "2026-06-15", "parts": 7}
    day = old_spend_day(data)
    assert day is not None
    start, _end = day_of(NOW, PARIS)

    ledger, problems = Ledger.from_old_spend(data, start, NOW)

    assert problems == []
    assert ledger.spent_in(*day_of(NOW, PARIS)) == 7
    assert ledger.spent_in(*day_of(NOW, TOKYO)) == 7


def test_displayed_text_keeps_what_shows() -> None:
    assert displayed_text("  Hello\u200b  world \n") == "Hello world"
    assert displayed_text("ALARM") != displayed_text("alarm")


def test_identity_includes_time_and_class() -> None:
    later = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    plain = sms_identity(CAROL, "Hi", planned_for=None, flash=False)

    assert plain != sms_identity(CAROL, "Hi", planned_for=later, flash=False)
    assert plain != sms_identity(CAROL, "Hi", planned_for=None, flash=True)
    assert plain == sms_identity(CAROL, "Hi ", planned_for=None, flash=False)


def test_beyond_the_limit_the_oldest_records_are_forgotten() -> None:
    ledger = Ledger(limit=2)
    for n, number in enumerate([ALICE, BOB, CAROL]):
        admit(ledger, [recipient(number)]).accepted([number], [f"id{n}"], NOW)

    assert [r.number for r in ledger.records()] == [BOB, CAROL]
    assert ledger.find("id0") is None
    # Forgotten by the repeat guard too, but still counted in the day's spend.
    assert admit(ledger, [recipient(ALICE)]).admitted
    assert admit(ledger, [recipient(BOB)]).suppressed
    assert ledger.spent_in(*day_of(NOW, PARIS)) == 4


def test_the_change_callback_can_be_read_back_and_forgetting_nothing_is_no_change() -> (
    None
):
    ledger = Ledger()
    changes: list[None] = []
    ledger.on_change = lambda: changes.append(None)

    ledger.forget_entry("never seen")
    ledger.note_budget(ENTRY, 0)
    ledger.note_budget(ENTRY, 0)

    assert ledger.on_change is not None
    assert len(changes) == 1


def test_a_naive_planned_time_is_taken_as_utc() -> None:
    planned = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

    assert sms_identity(
        ALICE, "Hi", planned_for=planned.replace(tzinfo=None), flash=False
    ) == sms_identity(ALICE, "Hi", planned_for=planned, flash=False)


def test_the_previous_spend_file_of_zero_parts_or_far_away_books_nothing() -> None:
    start, _end = day_of(NOW, PARIS)

    empty, empty_problems = Ledger.from_old_spend({"day": "x", "parts": 0}, start, NOW)
    far, far_problems = Ledger.from_old_spend(
        {"day": "x", "parts": 5}, start - timedelta(days=30), NOW
    )

    assert (empty_problems, far_problems) == ([], [])
    assert empty.as_stored()["buckets"] == far.as_stored()["buckets"] == []
