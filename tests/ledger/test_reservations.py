"""Reservations: the cost is booked at admission and only what reached nobody is given back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.ovh_http2sms.ledger import BudgetExceeded, Ledger

from .conftest import (
    ALICE,
    BOB,
    CAROL,
    NOW,
    OTHER_ENTRY,
    PARIS,
    admit,
    day_of,
    recipient,
    send,
)

TODAY = day_of(NOW, PARIS)
THREE = [recipient(ALICE), recipient(BOB), recipient(CAROL)]
NUMBERS = [ALICE, BOB, CAROL]


def test_one_id_for_three_numbers_counts_three_and_records_no_id() -> None:
    ledger = Ledger()
    reservation = admit(ledger, THREE, parts=2)

    records = reservation.accepted(NUMBERS, ["1001"], NOW)

    assert len(records) == 3
    assert [r.sms_id for r in records] == [None, None, None]
    assert ledger.find("1001") is None
    assert ledger.spent_in(*TODAY) == 6


def test_three_thousand_ids_for_one_number_count_one() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE)], parts=2)

    records = reservation.accepted([ALICE], [str(n) for n in range(3000)], NOW)

    assert [r.sms_id for r in records] == [None]
    assert ledger.spent_in(*TODAY) == 2
    assert admit(ledger, [recipient(BOB)], parts=2, budget=4).admitted


def test_one_id_per_number_is_matched_by_position() -> None:
    ledger = Ledger()
    reservation = admit(ledger, THREE)

    records = reservation.accepted(NUMBERS, ["1", "2", "3"], NOW)

    assert [(r.number, r.sms_id) for r in records] == [
        (ALICE, "1"),
        (BOB, "2"),
        (CAROL, "3"),
    ]
    assert ledger.find("2") is records[1]


@pytest.mark.parametrize(
    "ids",
    [["1", "1", "2"], ["1", "", "3"], ["1", "2", "x" * 65]],
    ids=["repeated", "empty", "huge"],
)
def test_ids_that_cannot_be_told_apart_are_not_recorded(ids: list[str]) -> None:
    ledger = Ledger()

    records = admit(ledger, THREE).accepted(NUMBERS, ids, NOW)

    assert [r.sms_id for r in records] == [None, None, None]


def test_an_id_already_given_to_another_sms_is_not_taken_over() -> None:
    ledger = Ledger()
    first = admit(ledger, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)
    second = admit(ledger, [recipient(BOB)]).accepted([BOB], ["1001"], NOW)

    assert second[0].sms_id is None
    assert ledger.find("1001") is first[0]


def test_a_reply_naming_numbers_never_admitted_records_nothing_for_them() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE)])

    records = reservation.accepted([ALICE, BOB], ["1", "2"], NOW)

    assert [r.number for r in records] == [ALICE]
    assert ledger.spent_in(*TODAY) == 1
    assert reservation.accepted([ALICE], ["3"], NOW) == []
    assert len(ledger.records()) == 1


def test_a_bare_number_is_one_number() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE)])

    records = reservation.accepted(ALICE, "1001", NOW)

    assert [(r.number, r.sms_id) for r in records] == [(ALICE, "1001")]


def test_may_have_been_sent_is_counted_and_guarded_without_id() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE)], parts=3)

    records = reservation.may_have_been_sent([ALICE], NOW)
    reservation.close()

    assert [(r.outcome_known, r.sms_id) for r in records] == [(False, None)]
    assert ledger.spent_in(*TODAY) == 3
    assert admit(ledger, [recipient(ALICE)]).suppressed


def test_open_reservations_count_against_the_budget() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)], parts=2, budget=3)

    with pytest.raises(BudgetExceeded) as refused:
        admit(ledger, [recipient(BOB)], parts=2, budget=3)

    assert (refused.value.spent, refused.value.needed) == (2, 2)


def test_close_gives_back_what_is_open_once() -> None:
    ledger = Ledger()
    reservation = admit(ledger, THREE, parts=2)
    reservation.accepted([ALICE], [], NOW)

    reservation.close()
    reservation.close()

    assert ledger.spent_in(*TODAY) == 2
    assert [r.number for r in admit(ledger, THREE).admitted] == [BOB, CAROL]


def test_not_sent_after_settling_changes_nothing() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE)])
    reservation.accepted([ALICE], [], NOW)

    reservation.not_sent([ALICE])

    assert ledger.spent_in(*TODAY) == 1
    assert admit(ledger, [recipient(ALICE)]).suppressed


def test_not_sent_only_takes_back_its_own_note() -> None:
    ledger = Ledger()
    first = admit(ledger, [recipient(ALICE)])
    # Another send of the same SMS, allowed to repeat, notes the identity again.
    second = admit(ledger, [recipient(ALICE)], allow_repeat=True)
    second.accepted([ALICE], [], NOW)

    first.not_sent([ALICE])

    assert admit(ledger, [recipient(ALICE)], now=NOW + timedelta(minutes=1)).suppressed
    assert ledger.spent_in(*TODAY) == 1


def test_not_sent_of_a_repeat_leaves_the_earlier_sms_noted() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)]).accepted([ALICE], [], NOW)
    repeat = admit(ledger, [recipient(ALICE)], allow_repeat=True)

    repeat.not_sent([ALICE])

    assert admit(ledger, [recipient(ALICE)], now=NOW + timedelta(minutes=1)).suppressed


def test_a_burst_of_identical_admissions_lets_exactly_one_through() -> None:
    ledger = Ledger()

    reservations = [
        admit(ledger, [recipient(ALICE)], entry_id=OTHER_ENTRY if n % 2 else "a")
        for n in range(20)
    ]

    assert sum(len(r.admitted) for r in reservations) == 1
    assert ledger.spent_in(*TODAY) == 1


def test_a_burst_refused_by_the_budget_books_nothing() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)], budget=1)

    for n in range(10):
        with pytest.raises(BudgetExceeded):
            admit(ledger, [recipient(BOB, f"text {n}")], budget=1)

    assert ledger.spent_in(*TODAY) == 1


def test_a_refusal_notes_nothing_for_the_repeat_guard() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(BOB, "Other")], budget=1)
    with pytest.raises(BudgetExceeded):
        admit(ledger, [recipient(ALICE)], budget=1)

    assert admit(ledger, [recipient(ALICE)], budget=0).admitted


def test_all_held_back_is_no_refusal() -> None:
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)], budget=1)

    held = admit(ledger, [recipient(ALICE)], budget=1)

    assert (held.admitted, [r.number for r in held.suppressed]) == ((), [ALICE])


def test_a_number_twice_in_one_admission_is_admitted_once() -> None:
    ledger = Ledger()

    reservation = admit(
        ledger, [recipient(ALICE), recipient(ALICE, "Other")], window=timedelta(0)
    )

    assert [r.number for r in reservation.admitted] == [ALICE]
    assert ledger.spent_in(*TODAY) == 1


def test_a_send_crossing_midnight_counts_in_the_day_that_admitted_it() -> None:
    ledger = Ledger()
    _start, midnight = TODAY
    before = midnight - timedelta(seconds=1)
    reservation = admit(ledger, [recipient(ALICE)], now=before, budget=1)

    reservation.accepted([ALICE], [], midnight + timedelta(seconds=1))

    assert ledger.spent_in(*TODAY) == 1
    assert ledger.spent_in(*day_of(midnight, PARIS)) == 0


def test_a_clock_set_back_finds_an_earlier_sms_behind_a_later_repeat() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)], now=NOW)
    send(ledger, [recipient(ALICE)], now=NOW + timedelta(hours=2), allow_repeat=True)

    back = admit(
        ledger,
        [recipient(ALICE)],
        now=NOW + timedelta(minutes=1),
        window=timedelta(hours=1),
    )

    assert [r.number for r in back.suppressed] == [ALICE]


def test_a_reply_naming_a_number_twice_records_no_id() -> None:
    ledger = Ledger()
    reservation = admit(ledger, [recipient(ALICE), recipient(BOB)])

    records = reservation.accepted([ALICE, ALICE, BOB], ["1", "2", "3"], NOW)

    assert [(r.number, r.sms_id) for r in records] == [(ALICE, None), (BOB, None)]


def test_ids_of_the_wrong_kind_are_not_recorded() -> None:
    ledger = Ledger()

    records = admit(ledger, [recipient(ALICE)]).accepted([ALICE], [["1"]], NOW)  # type: ignore[list-item]

    assert [r.sms_id for r in records] == [None]
