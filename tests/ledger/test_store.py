"""The stored form: compact, versioned, bounded, and no file can break the ledger."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

import pytest

from custom_components.ovh_http2sms.ledger import (
    KEEP,
    SMS_LIMIT,
    STORED_VERSION,
    DeliveryStatus,
    Ledger,
    old_spend_day,
)

from .conftest import ALICE, BOB, NOW, PARIS, admit, day_of, recipient, send

TODAY = day_of(NOW, PARIS)
FIELDS = {
    name: index
    for index, name in enumerate(
        [
            "number",
            "entry",
            "parts",
            "encoding",
            "identity",
            "sent_at",
            "known",
            "sms_id",
            "contact",
            "planned_for",
            "tag",
            "status",
            "status_at",
            "ptt",
        ]
    )
}


def _set(row: list[Any], name: str, value: object) -> None:
    """Write one field of a stored record (trailing empty fields are left out)."""
    row.extend([None] * (len(FIELDS) - len(row)))
    row[FIELDS[name]] = value


def _saved() -> dict[str, Any]:
    """A saved ledger: one SMS of two parts to Alice with an id, a budget note."""
    ledger = Ledger()
    admit(ledger, [recipient(ALICE, contact="notify.alice")], parts=2).accepted(
        [ALICE], ["1001"], NOW
    )
    ledger.note_budget("entry_a", 5)
    return ledger.as_stored()


def _usable(ledger: Ledger) -> None:
    """An SMS still goes out after the file was read, and the ledger can be saved again."""
    reservation = admit(ledger, [recipient("0033600000000", "Still works")])
    assert reservation.admitted
    reservation.accepted(["0033600000000"], ["x-usable"], NOW)
    json.dumps(ledger.as_stored(), allow_nan=False, ensure_ascii=False).encode()


def test_the_layout_is_versioned_and_compact() -> None:
    stored = _saved()

    assert stored["version"] == STORED_VERSION
    assert stored["budgets"] == {"entry_a": 5}
    (row,) = stored["records"]
    assert isinstance(row, list)
    assert all(isinstance(value, str | int | None) for value in row)
    assert ALICE in row
    identity = recipient(ALICE).identity.hex()
    assert identity in row
    assert len(json.dumps(stored)) < 300


def test_a_future_version_is_read_as_far_as_understood() -> None:
    stored = _saved() | {"version": STORED_VERSION + 1, "replies": [1, 2, 3]}
    _set(stored["records"][0], "ptt", None)
    stored["records"][0].append("a field of tomorrow")

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["version"]
    assert ledger.spent_in(*TODAY) == 2
    assert ledger.find("1001") is not None
    _usable(ledger)


@pytest.mark.parametrize(
    "data",
    [
        0,
        "ledger",
        [],
        {},
        {"version": "1"},
        {"version": 0},
        {"version": 1.0},
        {"version": True},
    ],
    ids=repr,
)
def test_what_is_not_a_ledger_is_dropped_with_one_word(data: object) -> None:
    ledger, problems = Ledger.from_stored(data, now=NOW)

    assert problems == ["layout"]
    _usable(ledger)


@pytest.mark.parametrize(
    "parts",
    [1e300, float("nan"), float("inf"), -1, 10**30, "5", True, None],
    ids=repr,
)
def test_a_hostile_bucket_is_dropped(parts: object) -> None:
    stored = _saved()
    stored["buckets"].append([stored["buckets"][0][0] + 1, parts])

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["buckets"]
    assert ledger.spent_in(*TODAY) == 2
    _usable(ledger)


def test_records_that_are_not_a_list_are_a_problem() -> None:
    stored = _saved() | {"records": {"0": 1}}

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["records"]
    assert ledger.spent_in(*TODAY) == 2


def test_lost_buckets_are_rebuilt_from_the_records() -> None:
    stored = _saved()
    del stored["buckets"]

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["buckets"]
    assert ledger.spent_in(*TODAY) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", ""),
        ("number", 33612345678),
        ("number", "\ud800"),
        ("number", "0" * 1000),
        ("parts", 0),
        ("parts", 1e300),
        ("parts", 256),
        ("encoding", "utf-8"),
        ("identity", "zz" * 16),
        ("identity", "ab"),
        ("sent_at", float("nan")),
        ("sent_at", float("inf")),
        ("sent_at", -1e300),
        ("sent_at", 1e300),
        ("sent_at", "yesterday"),
        ("sent_at", "2026-06-15T10:00:00"),
        ("sent_at", "1900-01-01T00:00:00+00:00"),
        ("sent_at", True),
        ("sent_at", "\ud800" * 5),
        ("planned_for", "soon"),
        ("known", 2),
        ("known", 0.5),
        ("status", "exploded"),
        ("status_at", [1]),
    ],
    ids=lambda value: repr(value)[:16],
)
def test_a_hostile_record_is_dropped(field: str, value: object) -> None:
    stored = _saved()
    _set(stored["records"][0], field, value)

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["records"]
    assert ledger.records() == ()
    assert ledger.spent_in(*TODAY) == 2
    _usable(ledger)


def test_times_may_be_written_as_iso_strings() -> None:
    stored = _saved()
    _set(stored["records"][0], "sent_at", NOW.isoformat())

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == []
    assert ledger.records()[0].sent_at == NOW


def test_a_record_further_ahead_than_keep_is_a_broken_clock() -> None:
    stored = _saved()
    stored["records"][0][FIELDS["sent_at"]] += int(
        (KEEP + timedelta(minutes=1)).total_seconds()
    )

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["records"]
    assert ledger.records() == ()


def test_a_record_ahead_but_within_keep_is_kept() -> None:
    stored = _saved()
    stored["records"][0][FIELDS["sent_at"]] += int(
        (KEEP - timedelta(minutes=1)).total_seconds()
    )

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == []
    assert len(ledger.records()) == 1


def test_what_expired_is_forgotten_without_a_problem() -> None:
    later = NOW + KEEP + timedelta(hours=1)

    ledger, problems = Ledger.from_stored(_saved(), now=later)

    assert problems == []
    assert ledger.records() == ()
    assert ledger.spent_in(*TODAY) == 0


def test_more_records_than_the_limit_keep_the_newest() -> None:
    stored = _saved()
    row = stored["records"][0]
    stored["records"] = [[*row[:7], str(n), *row[8:]] for n in range(SMS_LIMIT + 10)]

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["records"]
    assert len(ledger.records()) == SMS_LIMIT
    assert ledger.find(str(SMS_LIMIT + 9)) is not None
    assert ledger.find("0") is None


def test_a_huge_list_of_buckets_is_cut() -> None:
    stored = _saved()
    key = stored["buckets"][0][0]
    stored["buckets"] = [[key - n, 1] for n in range(100_000)]

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["buckets"]
    assert ledger.spent_in(*TODAY) <= 96


def test_a_repeated_bucket_and_a_repeated_id_are_problems() -> None:
    stored = _saved()
    stored["buckets"].append(list(stored["buckets"][0]))
    stored["records"].append(list(stored["records"][0]))

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert sorted(problems) == ["buckets", "records"]
    assert ledger.spent_in(*TODAY) == 2
    assert len(ledger.records()) == 2


@pytest.mark.parametrize(
    "budgets",
    [{"entry_a": -1}, {"entry_a": 1e300}, {"entry_a": "5"}, {"x" * 65: 5}, [5]],
    ids=repr,
)
def test_a_hostile_budget_note_is_dropped(budgets: object) -> None:
    stored = _saved() | {"budgets": budgets}

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["budgets"]
    assert ledger.budget_seen("entry_a") is None


def test_the_previous_spend_file_of_another_day_books_nothing() -> None:
    data = {"day": "2026-06-14", "parts": 7}

    ledger, problems = Ledger.from_old_spend(data, None, NOW)

    assert old_spend_day(data) is not None
    assert problems == []
    assert ledger.spent_in(*TODAY) == 0


@pytest.mark.parametrize("parts", [1e300, -1, "7", None, float("nan"), 10**20])
def test_a_hostile_previous_spend_file_is_one_problem(parts: object) -> None:
    ledger, problems = Ledger.from_old_spend(
        {"day": "2026-06-15", "parts": parts}, TODAY[0], NOW
    )

    assert problems == ["old_spend"]
    _usable(ledger)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"day": "2026-13-45", "parts": 1},
        {"day": 20260615, "parts": 1},
        {"day": "\ud800" * 10, "parts": 1},
        {"version": 1, "day": "2026-06-15", "parts": 1},
        {"day": "2026-06-15"},
        [],
    ],
    ids=repr,
)
def test_what_is_not_a_previous_spend_file_has_no_day(data: object) -> None:
    assert old_spend_day(data) is None


def test_the_previous_spend_file_is_not_a_ledger() -> None:
    _ledger, problems = Ledger.from_stored({"day": "2026-06-15", "parts": 3}, now=NOW)

    assert problems == ["layout"]


def test_a_saved_ledger_with_open_and_settled_sms_reads_back_whole() -> None:
    ledger = Ledger()
    send(ledger, [recipient(ALICE)])
    admit(ledger, [recipient(BOB)], parts=3)

    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)

    assert problems == []
    assert again.spent_in(*TODAY) == 4
    assert [(r.number, r.outcome_known) for r in again.records()] == [
        (ALICE, True),
        (BOB, False),
    ]


@pytest.mark.parametrize(
    "entries",
    [None, "entry_a", [], [5], ["\ud800"], ["e"] * 2000],
    ids=lambda v: repr(v)[:16],
)
def test_records_naming_no_sane_sms_user_are_dropped(entries: object) -> None:
    stored = _saved() | {"entries": entries}

    ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["records"]
    assert ledger.records() == ()
    assert ledger.spent_in(*TODAY) == 2


def test_each_sms_user_is_written_once() -> None:
    ledger = Ledger()
    for n in range(3):
        admit(
            ledger,
            [recipient(f"0033600000{n:03d}")],
            entry_id="01JABCDEFGHJKMNPQRSTVWXYZ0",
        ).accepted([f"0033600000{n:03d}"], [], NOW)

    stored = ledger.as_stored()

    assert stored["entries"] == ["01JABCDEFGHJKMNPQRSTVWXYZ0"]
    assert [row[FIELDS["entry"]] for row in stored["records"]] == [0, 0, 0]
    assert all(row[-1] is not None for row in stored["records"])


def test_labels_the_file_cannot_hold_are_cut_and_the_record_survives() -> None:
    ledger = Ledger()
    reservation = ledger.admit(
        entry_id="entry_a",
        recipients=[recipient(ALICE)],
        parts=1,
        encoding="gsm7",
        planned_for=None,
        tag="\ud800" + "t" * 1000,
        now=NOW,
        repeat_window=timedelta(minutes=2),
        allow_repeat=False,
        budget=0,
        day=TODAY,
    )
    reservation.accepted([ALICE], ["1001"], NOW)
    ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW, "\udfff" * 100)
    # A reply's id that cannot be written back is not recorded.
    admit(ledger, [recipient(BOB)]).accepted([BOB], ["\ud800"], NOW)

    stored = json.loads(json.dumps(ledger.as_stored(), ensure_ascii=False).encode())
    again, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == []
    assert [r.number for r in again.records()] == [ALICE, BOB]
    record = again.find("1001")
    assert record is not None
    assert record.tag is not None
    assert record.tag.endswith("t")
    assert record.status is DeliveryStatus.DELIVERED


def test_a_sms_planned_far_ahead_is_read_back() -> None:
    ledger = Ledger()
    planned = NOW.replace(year=2500)
    admit(
        ledger, [recipient(ALICE, planned_for=planned)], planned_for=planned
    ).accepted([ALICE], [], NOW)

    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)

    assert problems == []
    assert again.records()[0].planned_for == planned


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
        "1969-12-31T23:59:59+00:00",
    ],
)
def test_an_iso_time_out_of_range_is_a_problem(moment: str) -> None:
    stored = _saved()
    _set(stored["records"][0], "status_at", moment)

    _ledger, problems = Ledger.from_stored(stored, now=NOW)

    assert problems == ["records"]


def test_a_naive_clock_when_reading_is_taken_as_utc() -> None:
    naive = NOW.replace(tzinfo=None)

    ledger, problems = Ledger.from_stored(_saved(), now=naive)
    old, old_problems = Ledger.from_old_spend(
        {"day": "2026-06-15", "parts": 3}, TODAY[0].replace(tzinfo=None), naive
    )

    assert (problems, old_problems) == ([], [])
    assert (ledger.spent_in(*TODAY), old.spent_in(*TODAY)) == (2, 3)


def test_that_reports_ever_came_is_kept_beyond_the_sms_it_was_seen_on() -> None:
    """A report changes an SMS: the ledger says so, and still does once that SMS is gone."""
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)
    unreported, _ = Ledger.from_stored(ledger.as_stored(), now=NOW)
    assert not ledger.reports_received
    assert not unreported.reports_received

    ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW + timedelta(seconds=8))
    saved = ledger.as_stored()
    saved["records"] = []
    read, problems = Ledger.from_stored(saved, now=NOW + KEEP * 2)

    assert ledger.reports_received
    assert read.reports_received
    assert problems == []


def test_a_file_without_the_word_tells_by_its_statuses() -> None:
    """Files written before the word existed: a record with a status says reports came."""
    reported = Ledger()
    admit(reported, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)
    reported.apply_report("1001", DeliveryStatus.PENDING, NOW)
    with_status = reported.as_stored()
    without_status = _saved()
    for data in (with_status, without_status):
        del data["reports_received"]

    assert Ledger.from_stored(with_status, now=NOW)[0].reports_received
    assert not Ledger.from_stored(without_status, now=NOW)[0].reports_received


@pytest.mark.parametrize(
    "value", [False, 1, "true", "yes", [True], {"": True}, None, 1.0]
)
def test_anything_but_true_says_no_report_came(value: object) -> None:
    """Only JSON's true counts: a damaged word is no report, and no problem to name."""
    data = _saved()
    data["reports_received"] = value
    read, problems = Ledger.from_stored(data, now=NOW)
    assert not read.reports_received
    assert problems == []


def test_a_report_that_changes_nothing_says_nothing_of_reports() -> None:
    """An unknown id is no proof that OVHcloud reports this account's SMS."""
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)
    assert ledger.apply_report("9999", DeliveryStatus.DELIVERED, NOW) is None
    assert not ledger.reports_received


@pytest.mark.parametrize("value", [False, "false", 0, None])
def test_a_status_on_record_is_proof_whatever_the_word_says(value: object) -> None:
    """A record with a status was changed by a report: a word saying otherwise is damage."""
    ledger = Ledger()
    admit(ledger, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)
    ledger.apply_report("1001", DeliveryStatus.FAILED, NOW)
    data = ledger.as_stored()
    data["reports_received"] = value
    assert Ledger.from_stored(data, now=NOW)[0].reports_received
