"""No file can break the ledger: any JSON value, hostile old files, files of other versions.

Every read must return a ledger an SMS still goes through and that can be saved again, and
name a problem whenever something it was given was dropped.
"""

from __future__ import annotations

from datetime import timedelta
import json
import math
from typing import Any

from hypothesis import given, strategies as st

from custom_components.ovh_http2sms.ledger import (
    KEEP,
    STORED_VERSION,
    Ledger,
    old_spend_day,
)

from .conftest import NOW, PARIS, admit, day_of, recipient

TODAY = day_of(NOW, PARIS)
NOW_SECONDS = int(NOW.timestamp())
KEEP_SECONDS = int(KEEP.total_seconds())

HOSTILE_NUMBERS = st.sampled_from(
    [
        0,
        -1,
        -(10**30),
        10**30,
        2**63,
        1e300,
        -1e300,
        math.nan,
        math.inf,
        -math.inf,
        0.5,
        True,
        False,
    ]
)
HOSTILE_TEXTS = st.sampled_from(
    ["", "\ud800", "\udfff" * 40, "x" * 1000, "nan", "1e300"]
)
# Any JSON value, and what Python's JSON reader also lets through (nan, inf, lone surrogates).
ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | HOSTILE_NUMBERS
    | st.text()
    | HOSTILE_TEXTS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


def _check_usable(ledger: Ledger) -> None:
    """An SMS still goes out, and what the ledger holds can be written as JSON again."""
    reservation = admit(ledger, [recipient("0033600000000", "After the file")])
    assert [r.number for r in reservation.admitted] == ["0033600000000"]
    reservation.accepted(["0033600000000"], [], NOW)
    json.dumps(ledger.as_stored(), allow_nan=False, ensure_ascii=False).encode()


def _is_empty(ledger: Ledger) -> bool:
    stored = ledger.as_stored()
    return not (stored["records"] or stored["buckets"] or stored["budgets"])


@given(ANY_JSON)
def test_any_json_value_reads_into_a_usable_ledger(data: Any) -> None:
    ledger, problems = Ledger.from_stored(data, now=NOW)

    assert all(isinstance(word, str) for word in problems)
    if data is not None and _is_empty(ledger) and not _is_empty_layout(data):
        assert problems
    _check_usable(ledger)


def _is_empty_layout(data: Any) -> bool:
    return isinstance(data, dict) and data == {
        "version": STORED_VERSION,
        "entries": [],
        "buckets": [],
        "records": [],
        "budgets": {},
    }


# A stored ledger built from parts that are each sane, or each spoilt in one place.
SANE_ROW = st.builds(
    lambda n, parts, known, seconds, planned: [
        f"00336000{n:05d}",
        0,
        parts,
        "gsm7",
        f"{n:032x}",
        NOW_SECONDS + seconds,
        known,
        f"id{n}",
        None,
        planned,
        None,
        None,
        None,
        None,
    ],
    st.integers(0, 99_999),
    st.integers(1, 255),
    st.sampled_from([0, 1]),
    st.integers(-KEEP_SECONDS + 60, KEEP_SECONDS - 60),
    st.none() | st.just(NOW.isoformat()),
)
SPOILERS = st.one_of(
    st.tuples(st.integers(0, 13), HOSTILE_NUMBERS | HOSTILE_TEXTS | ANY_JSON),
    st.tuples(st.just(5), st.just(NOW_SECONDS + KEEP_SECONDS + 3600)),
    st.tuples(st.just(-1), st.just(None)),
)


def _spoil(row: list[Any], field: int, value: Any) -> Any:
    """Return the row with one field replaced, or (field -1) cut short."""
    if field < 0:
        return row[:5]
    spoilt = list(row)
    spoilt[field] = value
    return spoilt


@given(
    version=st.integers(1, 10**6),
    rows=st.lists(
        st.tuples(SANE_ROW, st.none() | SPOILERS),
        max_size=8,
        unique_by=lambda r: r[0][0],
    ),
    buckets=st.dictionaries(
        st.integers(-4 * 24 * 3, 4 * 24 * 3 - 1),
        st.tuples(st.integers(1, 10_000), st.none() | HOSTILE_NUMBERS | ANY_JSON),
        max_size=6,
    ),
    budgets=st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.tuples(st.integers(0, 100_000), st.none() | HOSTILE_NUMBERS | ANY_JSON),
        max_size=4,
    ),
)
def test_a_ledger_file_keeps_what_is_sane_and_names_what_it_dropped(
    version: int,
    rows: list[tuple[list[Any], tuple[int, Any] | None]],
    buckets: dict[int, tuple[int, Any]],
    budgets: dict[str, tuple[int, Any]],
) -> None:
    now_bucket = NOW_SECONDS // 900
    stored_rows = [
        row if spoiler is None else _spoil(row, *spoiler) for row, spoiler in rows
    ]
    # A spoiler may write a value equal to the sane one (None for None); 0 and False differ.
    sane_rows = [
        row
        for (row, _s), stored in zip(rows, stored_rows, strict=True)
        if json.dumps(stored) == json.dumps(row)
    ]
    stored_buckets = [
        [now_bucket + offset, parts if spoiler is None else spoiler]
        for offset, (parts, spoiler) in buckets.items()
    ]
    sane_buckets = {
        key: parts
        for key, parts in stored_buckets
        if type(parts) is int and 1 <= parts <= 10_000
    }
    stored_budgets = {
        entry: budget if spoiler is None else spoiler
        for entry, (budget, spoiler) in budgets.items()
    }
    sane_budgets = {
        entry: budget
        for entry, budget in stored_budgets.items()
        if type(budget) is int and 0 <= budget <= 100_000
    }
    data = {
        "version": version,
        "entries": ["entry_a"],
        "buckets": stored_buckets,
        "records": stored_rows,
        "budgets": stored_budgets,
    }

    ledger, problems = Ledger.from_stored(data, now=NOW)

    kept = ledger.as_stored()
    # Every sane part is kept; a spoilt one may only be kept when it is harmless.
    assert len(kept["records"]) >= len(sane_rows)
    assert {(r[0], r[4]) for r in sane_rows} <= {(r[0], r[4]) for r in kept["records"]}
    assert {tuple(b) for b in kept["buckets"]} >= set(sane_buckets.items())
    assert kept["budgets"].items() >= sane_budgets.items()
    dropped = (
        len(kept["records"]) < len(stored_rows)
        # An empty bucket (0 parts) drops nothing.
        or len(kept["buckets"])
        < len([b for b in stored_buckets if not (type(b[1]) is int and b[1] == 0)])
        or len(kept["budgets"]) < len(stored_budgets)
    )
    if dropped:
        assert set(problems) - {"version"}
    if version > STORED_VERSION:
        assert "version" in problems
    if not dropped and version == STORED_VERSION:
        assert problems == []
    _check_usable(ledger)


@given(
    day=st.sampled_from(["2026-06-15", "2026-06-14"]) | HOSTILE_TEXTS | ANY_JSON,
    parts=st.integers(0, 10**6) | HOSTILE_NUMBERS | ANY_JSON,
    today=st.booleans(),
)
def test_a_previous_spend_file_never_breaks_the_ledger(
    day: Any, parts: Any, today: bool
) -> None:
    data = {"day": day, "parts": parts}

    old_day = old_spend_day(data)
    ledger, problems = Ledger.from_old_spend(data, TODAY[0] if today else None, NOW)

    assert old_day is None or isinstance(day, str)
    sane = type(parts) is int and 0 <= parts <= 10**7
    if today and sane:
        assert (problems, ledger.spent_in(*TODAY)) == ([], parts)
    elif today:
        assert problems == ["old_spend"]
    _check_usable(ledger)


@given(ANY_JSON)
def test_old_spend_day_never_raises(data: Any) -> None:
    day = old_spend_day(data)

    assert day is None or isinstance(data, dict)


@given(st.integers(-10 * 24 * 3600, 10 * 24 * 3600))
def test_a_saved_ledger_from_any_moment_reads_without_raising(shift: int) -> None:
    ledger = Ledger()
    admit(ledger, [recipient("0033600000001")], parts=3).accepted(
        ["0033600000001"], ["1"], NOW
    )

    again, problems = Ledger.from_stored(
        ledger.as_stored(), now=NOW + timedelta(seconds=shift)
    )

    expired = shift > KEEP.total_seconds()
    ahead = -shift > KEEP.total_seconds()
    assert (again.records() == ()) == (expired or ahead)
    assert ("records" in problems) == ahead
    _check_usable(again)


def test_a_deep_or_huge_file_is_read_without_raising() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    data = {
        "version": STORED_VERSION,
        "entries": [deep],
        "buckets": [deep] * 1_000_000,
        "records": [deep, {"deep": deep}, *range(1_000_000)],
        "budgets": {"entry_a": deep},
    }

    ledger, problems = Ledger.from_stored(data, now=NOW)

    assert sorted(problems) == ["buckets", "budgets", "records"]
    _check_usable(ledger)
