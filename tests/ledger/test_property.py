"""Random sequences of sends against a model: the budget, the repeat guard and the day's figure.

Several SMS users with their own budgets (the tightest non-zero one applies, as the account
passes it), outcomes of every kind, a clock that moves forward and back, a time zone that
changes, restarts (the ledger saved and read back) and replies whose id lists lie. The model
is kept apart from the ledger: an SMS is (number, text as displayed, planned time, flash), the
day's figure is the sum of what was admitted and not given back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from custom_components.ovh_http2sms.ledger import (
    BudgetExceeded,
    Ledger,
    Recipient,
    Reservation,
    sms_identity,
)

from .conftest import day_of

START = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # Paris changes to summer time today
FARTHEST = timedelta(days=1)
ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Paris",
        "Asia/Tokyo",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "America/New_York",
        "Pacific/Chatham",
        "UTC",
    )
]
# Few numbers, texts and times, so that the same SMS comes back often.
NUMBERS = ["0033600000001", "0033600000002", "0033600000003"]
ENTRIES = ["entry_a", "entry_b", "entry_c"]
# Each text comes in ways that a phone displays alike.
TEXTS = [
    ["Water leak", " Water leak", "Water\u00a0leak", "Water\u200b leak\n"],
    ["ALARM", "ALARM\u2060", "\u200fALARM"],
]
PLANNED = [None, START + timedelta(hours=2)]
WINDOWS = [timedelta(0), timedelta(minutes=2), timedelta(hours=1), timedelta(days=1)]


@dataclass(slots=True)
class Booked:
    """One admitted recipient, as the model sees it."""

    sms: tuple[str, int, int, bool]
    parts: int
    admitted_at: datetime
    noted_at: datetime
    state: str = "open"  # open, sent, maybe, given back


@dataclass(slots=True, eq=False)
class Open:
    """A reservation and the model's view of its recipients."""

    reservation: Reservation
    booked: dict[str, Booked]


def _reply_ids(kind: str | list[str], count: int) -> list[str]:
    """What a reply may say: no id, one for all, one each, the same one, far too many."""
    if isinstance(kind, list):
        return kind
    return {
        "none": [],
        "one": ["1"],
        "each": [f"id{n}" for n in range(count)],
        "each repeated": ["7"] * count,
        "thousands": [str(n) for n in range(3000)],
    }[kind]


class LedgerMachine(RuleBasedStateMachine):
    """The ledger and its model, driven by random operations."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()
        self.now = START
        self.zone = ZONES[0]
        self.budgets = dict.fromkeys(ENTRIES, 0)
        self.booked: list[Booked] = []
        self.open: list[Open] = []

    # The model

    def model_spent(self, start: datetime, end: datetime) -> int:
        return sum(
            b.parts
            for b in self.booked
            if b.state != "given back" and start <= b.admitted_at < end
        )

    def model_is_recent(
        self, sms: tuple[str, int, int, bool], window: timedelta
    ) -> bool:
        return any(
            b.sms == sms
            and b.state != "given back"
            and abs(self.now - b.noted_at) < window
            for b in self.booked
        )

    def tightest_budget(self) -> int:
        return min((b for b in self.budgets.values() if b), default=0)

    # Operations

    @rule(
        seconds=st.sampled_from([-3600, -60, -1, 1, 59, 90, 3600])
        | st.integers(-6 * 3600, 6 * 3600)
    )
    def move_clock(self, seconds: int) -> None:
        moved = self.now + timedelta(seconds=seconds)
        if abs(moved - START) <= FARTHEST:
            self.now = moved

    @rule(zone=st.sampled_from(ZONES))
    def change_time_zone(self, zone: ZoneInfo) -> None:
        self.zone = zone

    @rule(entry=st.sampled_from(ENTRIES), budget=st.integers(0, 8))
    def set_budget(self, entry: str, budget: int) -> None:
        self.budgets[entry] = budget
        self.ledger.note_budget(entry, budget)

    @rule(
        entry=st.sampled_from(ENTRIES),
        numbers=st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3, unique=True),
        text=st.integers(0, len(TEXTS) - 1),
        variant=st.integers(0, 3),
        planned=st.sampled_from([0, 0, 0, 1]),
        flash=st.sampled_from([False, False, False, True]),
        parts=st.integers(1, 3),
        window=st.sampled_from(WINDOWS),
        allow_repeat=st.booleans(),
        outcome=st.sampled_from(
            ["open", "accepted", "accepted", "may have been sent", "not sent"]
        ),
    )
    def admit(
        self,
        entry: str,
        numbers: list[str],
        text: int,
        variant: int,
        planned: int,
        flash: bool,
        parts: int,
        window: timedelta,
        allow_repeat: bool,
        outcome: str,
    ) -> None:
        """Admit an SMS; most sends are settled at once, some stay open for a while."""
        written = TEXTS[text][variant % len(TEXTS[text])]
        planned_for = PLANNED[planned]
        recipients = [
            Recipient(
                number,
                None,
                sms_identity(number, written, planned_for=planned_for, flash=flash),
            )
            for number in numbers
        ]
        guard = window > timedelta(0) and not allow_repeat
        expected = [
            n
            for n in numbers
            if not (guard and self.model_is_recent((n, text, planned, flash), window))
        ]
        day = day_of(self.now, self.zone)
        budget = self.tightest_budget()
        spent_before = self.model_spent(*day)
        needed = parts * len(expected)
        refused = budget > 0 and needed > 0 and spent_before + needed > budget
        refusal: tuple[int, int, int] | None = None
        try:
            reservation = self.ledger.admit(
                entry_id=entry,
                recipients=recipients,
                parts=parts,
                encoding="gsm7",
                planned_for=planned_for,
                tag=None,
                now=self.now,
                repeat_window=window,
                allow_repeat=allow_repeat,
                budget=budget,
                day=day,
            )
        except BudgetExceeded as err:
            refusal = (err.spent, err.budget, err.needed)
        if refused:
            assert refusal == (spent_before, budget, needed), "admitted past the budget"
            return
        assert refusal is None, "refused within the budget"
        assert [r.number for r in reservation.admitted] == expected
        booked = {
            n: Booked((n, text, planned, flash), parts, self.now, self.now)
            for n in expected
        }
        self.booked.extend(booked.values())
        self.open.append(Open(reservation, booked))
        if budget and expected:
            assert self.model_spent(*day) <= budget
        if outcome != "open":
            self.settle(-1, outcome, [True] * 3, stranger=False, ids="each", late=1)

    @rule(
        which=st.integers(0, 10),
        outcome=st.sampled_from(
            ["accepted", "may have been sent", "not sent", "close"]
        ),
        mask=st.lists(st.booleans(), min_size=3, max_size=3),
        stranger=st.booleans(),
        ids=st.sampled_from(["none", "one", "each", "each repeated", "thousands"])
        | st.lists(st.text(max_size=3), max_size=4),
        late=st.integers(0, 120),
    )
    def settle(
        self,
        which: int,
        outcome: str,
        mask: list[bool],
        stranger: bool,
        ids: str | list[str],
        late: int,
    ) -> None:
        """Settle part of an open reservation; a reply may name numbers never sent to."""
        if not self.open:
            return
        opened = self.open[which % len(self.open)] if which >= 0 else self.open[-1]
        reservation = opened.reservation
        if outcome == "close":
            reservation.close()
            reservation.close()
            for b in opened.booked.values():
                if b.state == "open":
                    b.state = "given back"
            self.open.remove(opened)
            return
        pick = [n for n, keep in zip(opened.booked, mask, strict=False) if keep]
        if stranger:
            pick += [n for n in NUMBERS if n not in opened.booked][:1]
        sms_ids = _reply_ids(ids, len(pick))
        at = self.now + timedelta(seconds=late)
        if outcome == "accepted":
            records = reservation.accepted(pick, sms_ids, at)
        elif outcome == "may have been sent":
            records = reservation.may_have_been_sent(pick, at)
        else:
            reservation.not_sent(pick)
            records = []
        settled = [
            n for n in pick if n in opened.booked and opened.booked[n].state == "open"
        ]
        assert [r.number for r in records] == ([] if outcome == "not sent" else settled)
        for record in records:
            assert record.parts == opened.booked[record.number].parts
            # An id is kept only when the reply had exactly one per number, in order.
            assert record.sms_id is None or (
                len(sms_ids) == len(pick)
                and record.sms_id == sms_ids[pick.index(record.number)]
            )
        for number in settled:
            b = opened.booked[number]
            if outcome == "not sent":
                b.state = "given back"
            else:
                b.state = "sent" if outcome == "accepted" else "maybe"
                b.noted_at = at

    @rule()
    def restart(self) -> None:
        days = [
            day_of(self.now + timedelta(hours=h), z)
            for z in ZONES
            for h in (-24, 0, 24)
        ]
        before = [self.ledger.spent_in(*day) for day in days]
        ledger, problems = Ledger.from_stored(self.ledger.as_stored(), now=self.now)
        assert problems == []
        after = [ledger.spent_in(*day) for day in days]
        assert all(a >= b for a, b in zip(after, before, strict=True))
        for entry in ENTRIES:
            assert ledger.budget_seen(entry) == self.ledger.budget_seen(entry)
        # Home Assistant stopped: what was on the wire may have been sent.
        for opened in self.open:
            for b in opened.booked.values():
                if b.state == "open":
                    b.state = "maybe"
        self.open.clear()
        self.ledger = ledger

    @invariant()
    def the_day_figure_is_the_model(self) -> None:
        for zone in (self.zone, ZONES[0], ZONES[1]):
            day = day_of(self.now, zone)
            assert self.ledger.spent_in(*day) == self.model_spent(*day)


# The profile's example count (tests/conftest.py), with shorter runs: 2 cores run the suite.
LedgerMachine.TestCase.settings = settings(settings.default, stateful_step_count=40)
TestLedgerMachine = LedgerMachine.TestCase
