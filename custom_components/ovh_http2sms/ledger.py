"""The record of what was sent: the one source of today's spend, the budget and the repeat guard.

An SMS costs money and reaches a person, so the account keeps one record of what left and
asks it three questions before a send: was this SMS sent lately (the repeat guard), would it
take the day past the budget, and, once the gateway answered, what exactly went where.

What is kept, for how long and how many:

- one `SentSms` per recipient of each accepted (or maybe accepted) request, at most
  `SMS_LIMIT` (5000) and for `KEEP` (3 days). 5000 is weeks of a household's alerts and keeps
  the saved file well under a megabyte; 3 days covers the longest repeat window (1 day), a
  local day seen from any time zone (up to 26 hours from UTC midnight) and a clock set back
  by a day. Beyond either bound the oldest go first;
- the parts spent, in 15-minute UTC buckets for `KEEP`. Every time zone's midnight falls on a
  quarter hour, so a local day in any zone is an exact sum of buckets: the figure stays exact
  when a day saw more SMS than `SMS_LIMIT`, and a time-zone round trip finds the same day
  figure. A send is counted in the bucket of its admission (its cost is booked before it
  leaves), so a send that crosses midnight counts in the day whose budget let it through;
- the last budget each SMS user (config entry) had, so that the account can apply the
  tightest one even to an SMS user whose option was dropped by a downgrade;
- whether a delivery report ever changed an SMS of the account: until then, nothing says
  that OVHcloud sends reports at all.

A record beyond either bound leaves the repeat guard and `find` with it, never the day's
figure (the buckets carry it). Buckets are bounded by number (twice `KEEP` each side of the
clock), not by age, so a clock that jumps days ahead and back still finds today's figure.
Times up to `KEEP` ahead of the clock are kept (a clock set back finds them again); further
ahead they are a broken clock and are dropped, with a problem named, when read back.

The same SMS is the same number (stored form), the same text as a phone displays it (see
`displayed_text`: letter case kept, invisible characters and extra white space not), planned
for the same minute (or "now") and of the same class (flash or not). Only a hash is kept.

The saved form is versioned inside the data (the account's Store has a version of its own),
compact (records are lists, identities hex, times whole seconds since the epoch) and bounded
on reading as in memory. A damaged file never blocks sending: `Ledger.from_stored` reads
whatever JSON value it is given, keeps what is sane, drops the rest and names what it
dropped ("layout", "version", "records", "buckets", "budgets"), so that the account logs one
warning and, when a budget is on and the day's figure was lost ("layout" or "buckets"),
raises a repair issue. A file of a newer version is read as far as it is understood.

Each question costs one look-up per recipient (an index of identities to the notes that
hold them), never a walk through the records: the send path stays fast with 5000 kept.

No Home Assistant import: the record is plain Python, tested on its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
import hashlib
import math
from typing import Any, Final
import unicodedata

SMS_LIMIT: Final = 5000
KEEP: Final = timedelta(days=3)
BUCKET: Final = timedelta(minutes=15)
STORED_VERSION: Final = 1

_BUCKET_SECONDS: Final = int(BUCKET.total_seconds())
_NO_WINDOW: Final = timedelta(0)
# Sanity bounds of what a file may hold: a concatenated SMS has at most 255 parts, and no
# account sends ten million parts in a quarter of an hour.
_MAX_RECORD_PARTS: Final = 255
_MAX_BUCKET_PARTS: Final = 10_000_000
_MAX_BUDGET: Final = 1_000_000_000
_MAX_BUDGET_NOTES: Final = 1000
_MAX_ID_LENGTH: Final = 64
_MAX_TEXT_LENGTH: Final = 255
_MAX_TIME_TEXT: Final = 40
# Any time read back lies between these (1970-01-01 and the last second of 9999, UTC); the
# time an SMS was sent must besides lie within KEEP of the clock.
_EARLIEST: Final = 0
_LATEST: Final = 253_402_300_799
# Zero-width (non-)joiners change what is drawn between two visible characters: an emoji
# family is one glyph with them and three without, and Persian and Indic words are shaped
# differently. Elsewhere they show nothing.
_JOINERS: Final = frozenset({"\u200c", "\u200d"})
_INVISIBLE_CATEGORIES: Final = frozenset({"Cf", "Cc", "Zs"})
# Format characters a phone draws: the signs that number or close what follows them (Unicode's
# Prepended_Concatenation_Mark: the Arabic number sign, the end of ayah ...).
_DRAWN_FORMATS: Final = frozenset(
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd"
)
# Tags right after a black flag make it England's or Scotland's, up to the cancel tag;
# anywhere else they show nothing.
_BLACK_FLAG: Final = "\U0001f3f4"
_TAGS: Final = frozenset(map(chr, range(0xE0020, 0xE0080)))
_CANCEL_TAG: Final = "\U000e007f"


# One text, many recipients (and a looping automation's same alert): worked out once.
@lru_cache(maxsize=32)
def displayed_text(text: str) -> str:
    """Return the text as a phone displays it, so invisible differences make no new SMS.

    Composed and decomposed accents are one (NFC, once the rest is done). Format characters
    (zero-width space, word joiner, direction marks, BOM, soft hyphen ...) and control
    characters go, except a joiner between two visible characters and the format characters
    a phone draws. Every space separator and tab is a space, runs of spaces are one, spaces
    at the end of a line go. Any line break is one newline, several blank lines in a row are
    one blank line, and the text is trimmed. Letter case is kept.
    """
    # Printable text has no format, control or line-break character and no space but " ".
    if (
        text.isprintable()
        and "  " not in text
        and text.strip(" ") == text
        and unicodedata.is_normalized("NFC", text)
    ):
        return text
    lines: list[str] = []
    blank = False
    for raw in text.splitlines():
        line = _displayed_line(raw)
        if not line:
            blank = True
            continue
        if lines and blank:
            lines.append("")
        elif not lines:
            line = line.lstrip(" ")
        blank = False
        lines.append(line)
    # Last: an invisible character gone may leave a letter and its accent side by side.
    return unicodedata.normalize("NFC", "\n".join(lines))


def _is_shown(char: str) -> bool:
    return (
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        or char in _DRAWN_FORMATS
    )


def _displayed_line(raw: str) -> str:
    """One line as displayed: nothing invisible, single spaces, no trailing space."""
    out: list[str] = []
    last = len(raw) - 1
    space = False
    flag = False
    for index, char in enumerate(raw):
        if char in _TAGS:
            if flag:
                out.append(char)
                flag = char != _CANCEL_TAG
            continue
        flag = char == _BLACK_FLAG
        if _is_shown(char):
            out.append(char)
            space = False
        elif char == "\t" or unicodedata.category(char) == "Zs":
            if not space:
                out.append(" ")
                space = True
        elif (
            char in _JOINERS
            and out
            and not space
            and index < last
            and _is_shown(raw[index + 1])
        ):
            out.append(char)
    return "".join(out).rstrip(" ")


def sms_identity(
    number: str, text: str, *, planned_for: datetime | None, flash: bool
) -> bytes:
    """Hash what makes two SMS the same; nothing kept can be read back.

    The planned time counts to the minute, as the gateway takes it.
    """
    planned = (
        "now"
        if planned_for is None
        else _as_utc(planned_for).replace(second=0, microsecond=0).isoformat()
    )
    key = "\0".join(
        (number, displayed_text(text), planned, "flash" if flash else "normal")
    )
    return hashlib.blake2b(
        key.encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


def _as_utc(moment: datetime) -> datetime:
    """Return the time in UTC; a naive one is taken as UTC (the ledger's times all are)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class DeliveryStatus(StrEnum):
    """What a delivery report says of one SMS.

    The same values as the http2sms client's, which reads them: the ledger keeps its own copy
    to import nothing beyond the standard library, and a test holds the two together.
    """

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    WAITING = "waiting"
    BUFFERED = "buffered"
    NOT_BILLED = "not_billed"


FINAL_STATUSES: Final = frozenset(
    {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.NOT_BILLED}
)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One number an SMS is meant for, and the identity the repeat guard compares.

    `contact` is the caller's lasting name for the contact the number belongs to, if any: the
    record keeps it so that the SMS reaches that contact's status, whatever it is renamed to.
    """

    number: str
    contact: str | None
    identity: bytes


@dataclass(slots=True)
class SentSms:
    """One recipient of one accepted (or maybe accepted) request."""

    number: str
    entry_id: str
    contact: str | None
    parts: int
    encoding: str
    identity: bytes
    sent_at: datetime
    planned_for: datetime | None
    tag: str | None
    sms_id: str | None = None
    outcome_known: bool = True
    status: DeliveryStatus | None = None
    status_at: datetime | None = None
    ptt: str | None = None


class BudgetExceeded(Exception):
    """The day's budget would be passed: nothing was reserved."""

    def __init__(self, *, spent: int, budget: int, needed: int) -> None:
        """Keep the figures the refusal is explained with."""
        super().__init__(f"{spent} + {needed} parts would pass the budget of {budget}")
        self.spent = spent
        self.budget = budget
        self.needed = needed


@dataclass(slots=True, eq=False)
class _Note:
    """When an identity was noted by the repeat guard, and who noted it.

    The owner is the open reservation, then the `SentSms` it became: taking a note back
    removes exactly this one, never a note another send made since.
    """

    at: datetime
    owner: object


@dataclass(slots=True, eq=False)
class _Pending:
    """What one reservation still holds open: its cost is booked in `bucket`."""

    entry_id: str
    parts: int
    encoding: str
    planned_for: datetime | None
    tag: str | None
    admitted_at: datetime
    bucket: int
    open: dict[str, tuple[Recipient, _Note]]


def _bucket_of(moment: datetime) -> int:
    return math.floor(moment.timestamp()) // _BUCKET_SECONDS


def _first_bucket_from(moment: datetime) -> int:
    """Return the first bucket that starts at or after `moment`."""
    return -(-math.ceil(moment.timestamp()) // _BUCKET_SECONDS)


class _Books:
    """Everything a ledger keeps, shared with its reservations and its reader.

    `notes` is the repeat guard's index (identity -> who noted it when), so that a question
    costs one look-up per recipient, never a walk through the records.
    """

    __slots__ = (
        "buckets",
        "budgets",
        "by_id",
        "keep",
        "last_sent",
        "limit",
        "max_buckets",
        "notes",
        "on_change",
        "pending",
        "pruned_bucket",
        "records",
        "reports_received",
    )

    def __init__(self, limit: int, keep: timedelta) -> None:
        self.limit = limit
        self.keep = keep
        # Twice KEEP each side of the clock: what a clock set back or forward by KEEP still
        # needs. Beyond it, the buckets furthest from the clock go.
        self.max_buckets = 4 * math.ceil(keep.total_seconds() / _BUCKET_SECONDS) + 2
        self.records: deque[SentSms] = deque()
        self.by_id: dict[str, SentSms] = {}
        self.notes: dict[bytes, list[_Note]] = {}
        self.buckets: dict[int, int] = {}
        self.pending: dict[_Pending, None] = {}
        self.budgets: dict[str, int] = {}
        self.last_sent: datetime | None = None
        self.pruned_bucket: int | None = None
        self.reports_received = False
        self.on_change: Callable[[], None] | None = None

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def is_recent(self, identity: bytes, now: datetime, window: timedelta) -> bool:
        notes = self.notes.get(identity)
        return notes is not None and any(abs(now - note.at) < window for note in notes)

    def spent_in(self, start: datetime, end: datetime) -> int:
        first = _first_bucket_from(start)
        stop = _first_bucket_from(end)
        buckets = self.buckets
        if stop - first > len(buckets):
            return sum(
                parts for bucket, parts in buckets.items() if first <= bucket < stop
            )
        return sum(buckets.get(bucket, 0) for bucket in range(first, stop))

    def book(self, bucket: int, parts: int) -> None:
        buckets = self.buckets
        if bucket in buckets:
            buckets[bucket] += parts
            return
        buckets[bucket] = parts
        if len(buckets) > self.max_buckets:
            # Rare (once per max_buckets / 2 new quarter hours): sorting is no hot-path cost.
            furthest = sorted(buckets, key=lambda key: abs(key - bucket))
            for key in furthest[self.max_buckets // 2 :]:
                del buckets[key]

    def give_back(self, bucket: int, parts: int) -> None:
        left = self.buckets.get(bucket, 0) - parts
        if left > 0:
            self.buckets[bucket] = left
        else:
            self.buckets.pop(bucket, None)

    def note(self, identity: bytes, note: _Note) -> None:
        notes = self.notes.get(identity)
        if notes is None:
            self.notes[identity] = [note]
        else:
            notes.append(note)

    def drop_note(self, identity: bytes, note: _Note) -> None:
        notes = self.notes.get(identity, [])
        for index, kept in enumerate(notes):
            if kept is note:
                del notes[index]
                break
        if not notes:
            self.notes.pop(identity, None)

    def add_record(self, record: SentSms, note: _Note) -> None:
        """Keep a record; its guard note (already in `notes`) now belongs to it."""
        self.records.append(record)
        if record.sms_id is not None:
            self.by_id[record.sms_id] = record
        if self.last_sent is None or record.sent_at > self.last_sent:
            self.last_sent = record.sent_at
        note.at = record.sent_at
        note.owner = record
        while len(self.records) > self.limit:
            self.evict(self.records.popleft())

    def evict(self, record: SentSms) -> None:
        if record.sms_id is not None and self.by_id.get(record.sms_id) is record:
            del self.by_id[record.sms_id]
        for note in self.notes.get(record.identity, ()):
            if note.owner is record:
                self.drop_note(record.identity, note)
                return

    def prune(self, now: datetime, current: int) -> None:
        """Forget the records older than KEEP; at most once per quarter hour of the clock.

        `current` is the bucket of `now`. Buckets are bounded by their number, not their age:
        a clock that jumps days ahead and comes back must still find today's figure.
        """
        if current == self.pruned_bucket:
            return
        self.pruned_bucket = current
        oldest = now - self.keep
        records = self.records
        while records and records[0].sent_at < oldest:
            self.evict(records.popleft())


class Ledger:
    """What was sent on one OVH account: records, spend buckets and the repeat guard's notes."""

    __slots__ = ("_books",)

    def __init__(self, *, limit: int = SMS_LIMIT, keep: timedelta = KEEP) -> None:
        """Start with nothing sent."""
        self._books = _Books(limit, keep)

    @property
    def on_change(self) -> Callable[[], None] | None:
        """Called after every change that must be saved (the account schedules its save)."""
        return self._books.on_change

    @on_change.setter
    def on_change(self, callback: Callable[[], None] | None) -> None:
        self._books.on_change = callback

    # Admission

    def admit(
        self,
        *,
        entry_id: str,
        recipients: Sequence[Recipient],
        parts: int,
        encoding: str,
        planned_for: datetime | None,
        tag: str | None,
        now: datetime,
        repeat_window: timedelta,
        allow_repeat: bool,
        budget: int,
        day: tuple[datetime, datetime],
    ) -> Reservation:
        """Hold back repeats, check the budget and reserve the rest, in one step.

        A recipient is held back when its identity was sent, may have been sent, or is
        reserved right now less than `repeat_window` from `now`, either way (a clock set back
        a little still sees the repeat). Raise `BudgetExceeded` (nothing reserved) when the
        admitted recipients' parts would take the day past `budget` (0: off).
        """
        books = self._books
        bucket = _bucket_of(now)
        books.prune(now, bucket)
        parts = max(parts, 1)
        admitted: list[Recipient] = []
        suppressed: list[Recipient] = []
        seen: set[str] = set()
        guard = repeat_window > _NO_WINDOW and not allow_repeat
        for recipient in recipients:
            if recipient.number in seen or (
                guard and books.is_recent(recipient.identity, now, repeat_window)
            ):
                suppressed.append(recipient)
            else:
                seen.add(recipient.number)
                admitted.append(recipient)
        needed = parts * len(admitted)
        if budget > 0 and needed > 0:
            spent = books.spent_in(*day)
            if spent + needed > budget:
                raise BudgetExceeded(spent=spent, budget=budget, needed=needed)
        pending = _Pending(
            entry_id=entry_id,
            parts=parts,
            encoding=encoding,
            planned_for=planned_for,
            tag=None if tag is None else _storable(tag, _MAX_TEXT_LENGTH),
            admitted_at=now,
            bucket=bucket,
            open={},
        )
        for recipient in admitted:
            note = _Note(now, pending)
            books.note(recipient.identity, note)
            pending.open[recipient.number] = (recipient, note)
        if admitted:
            books.book(pending.bucket, needed)
            books.pending[pending] = None
            books.changed()
        return Reservation(books, pending, tuple(admitted), tuple(suppressed))

    # Figures

    def spent_in(self, start: datetime, end: datetime) -> int:
        """Count the parts booked in [start, end): sent, maybe sent, and reserved right now.

        Exact for bounds on a quarter hour (every local midnight); other bounds count the
        buckets that start within them.
        """
        return self._books.spent_in(start, end)

    def last_sent(self) -> datetime | None:
        """Tell when the latest SMS on record was sent."""
        return self._books.last_sent

    @property
    def reports_received(self) -> bool:
        """Tell whether a delivery report ever changed an SMS of this account.

        Kept in the saved form, so that it outlives the records it was seen on.
        """
        return self._books.reports_received

    def find(self, sms_id: str) -> SentSms | None:
        """Return the record of the SMS OVH gave this id, if it is still kept."""
        return self._books.by_id.get(sms_id)

    def records(self) -> tuple[SentSms, ...]:
        """Return every SMS on record, in the order they were recorded."""
        return tuple(self._books.records)

    # Delivery reports

    def apply_report(
        self,
        sms_id: str,
        status: DeliveryStatus,
        at: datetime,
        ptt: str | None = None,
    ) -> SentSms | None:
        """Apply a delivery report; return the record it changed, or None.

        None for an unknown id, the status already kept (whatever its operator code: both
        of OVHcloud's callbacks report each change), a status older than the one kept, or
        anything after a final status (a final status is never undone).
        """
        try:
            record = self._books.by_id.get(sms_id)
        except TypeError:  # a parsed report whose id is a list or a dict
            return None
        if record is None:
            return None
        try:
            status = DeliveryStatus(status)
        except ValueError:
            return None
        current = record.status
        if current in FINAL_STATUSES or current == status:
            return None
        if (
            status not in FINAL_STATUSES
            and record.status_at is not None
            and at < record.status_at
        ):
            return None
        record.status = status
        record.status_at = at
        # The account's status callback gives no operator code: the last one given stays.
        record.ptt = _storable(ptt, _MAX_ID_LENGTH) or record.ptt
        self._books.reports_received = True
        self._books.changed()
        return record

    # Budgets of the SMS users

    def note_budget(self, entry_id: str, budget: int) -> None:
        """Remember the last budget this SMS user had (a downgrade may drop the option)."""
        if self._books.budgets.get(entry_id) != budget:
            self._books.budgets[entry_id] = budget
            self._books.changed()

    def budget_seen(self, entry_id: str) -> int | None:
        """Return the last budget noted for this SMS user."""
        return self._books.budgets.get(entry_id)

    def forget_entry(self, entry_id: str) -> None:
        """Forget a removed SMS user's notes; its SMS stay (money spent is spent)."""
        if self._books.budgets.pop(entry_id, None) is not None:
            self._books.changed()

    # Stored form

    def as_stored(self) -> dict[str, Any]:
        """Return the JSON form the account's Store keeps.

        What is reserved right now is saved as "may have been sent": should Home Assistant
        stop before the gateway answers, its cost and its repeat guard note survive.
        """
        books = self._books
        entries: dict[str, int] = {}
        rows = [_record_row(record, entries) for record in books.records]
        for pending in books.pending:
            rows.extend(
                _record_row(
                    _record_of(pending, recipient, pending.admitted_at, False), entries
                )
                for recipient, _note in pending.open.values()
            )
        return {
            "version": STORED_VERSION,
            "entries": list(entries),
            "buckets": [[bucket, parts] for bucket, parts in books.buckets.items()],
            "records": rows,
            "budgets": dict(books.budgets),
            "reports_received": books.reports_received,
        }

    @classmethod
    def from_stored(cls, data: object, *, now: datetime) -> tuple[Ledger, list[str]]:
        """Read a saved ledger; never raise, whatever `data` is.

        Keep what is sane, drop the rest and name what was dropped: "layout" (not a ledger
        at all), "version" (written by a newer release: read as far as understood),
        "buckets", "records", "budgets". Nothing saved (None) is no problem.
        """
        ledger = cls()
        if data is None:
            return ledger, []
        if not isinstance(data, dict):
            return ledger, ["layout"]
        version = data.get("version")
        if type(version) is not int or version < 1:
            return ledger, ["layout"]
        problems: list[str] = []
        if version > STORED_VERSION:
            problems.append("version")
        _Reader(ledger._books, _as_utc(now), problems).read(data)
        return ledger, problems

    @classmethod
    def from_old_spend(
        cls, data: object, day_start_utc: datetime | None, now: datetime
    ) -> tuple[Ledger, list[str]]:
        """Read the previous release's spend file, {"day": "YYYY-MM-DD", "parts": n}.

        Its parts are booked at `day_start_utc`, the local midnight of its day, which the
        account passes only when that day is today (None: another day, nothing to book).
        """
        ledger = cls()
        if day_start_utc is None:
            return ledger, []
        parts = data.get("parts") if isinstance(data, dict) else None
        if type(parts) is not int or not 0 <= parts <= _MAX_BUCKET_PARTS:
            return ledger, ["old_spend"]
        books = ledger._books
        now, day_start_utc = _as_utc(now), _as_utc(day_start_utc)
        books.prune(now, _bucket_of(now))
        if parts and abs(day_start_utc - now) <= books.keep:
            books.book(_bucket_of(day_start_utc), parts)
        return ledger, []


def old_spend_day(data: object) -> date | None:
    """Return the local day of the previous release's spend file (None: not one)."""
    if not isinstance(data, dict) or "version" in data or "parts" not in data:
        return None
    day = data.get("day")
    if not isinstance(day, str) or len(day) != 10:
        return None
    try:
        return date.fromisoformat(day)
    except ValueError, UnicodeError:
        return None


def _record_of(
    pending: _Pending, recipient: Recipient, at: datetime, outcome_known: bool
) -> SentSms:
    return SentSms(
        number=recipient.number,
        entry_id=pending.entry_id,
        contact=recipient.contact,
        parts=pending.parts,
        encoding=pending.encoding,
        identity=recipient.identity,
        sent_at=at,
        planned_for=pending.planned_for,
        tag=pending.tag,
        outcome_known=outcome_known,
    )


class Reservation:
    """The recipients admitted by one `Ledger.admit`, their cost booked until settled.

    Each number is settled once: accepted, may have been sent, or not sent. What is never
    settled is given back by `close` (safe in a `finally`).
    """

    __slots__ = ("_books", "_pending", "admitted", "suppressed")

    def __init__(
        self,
        books: _Books,
        pending: _Pending,
        admitted: tuple[Recipient, ...],
        suppressed: tuple[Recipient, ...],
    ) -> None:
        """Hold what `Ledger.admit` booked and noted."""
        self._books = books
        self._pending = pending
        self.admitted = admitted
        self.suppressed = suppressed

    def accepted(
        self, numbers: Sequence[str], sms_ids: Sequence[str], at: datetime
    ) -> list[SentSms]:
        """Record the numbers OVH accepted a request for.

        A reply's ids are matched by position only when there is exactly one distinct id per
        number; otherwise none is recorded. The cost was booked at admission: whatever the
        reply says, it stays parts x recipients.
        """
        numbers = _as_list(numbers)
        ids = _as_list(sms_ids)
        if (
            len(ids) != len(numbers)
            or (len(numbers) > 1 and len(set(numbers)) != len(numbers))
            or not _usable_ids(ids, self._books)
        ):
            ids = []
        return self._settle(numbers, ids, at, outcome_known=True)

    def may_have_been_sent(self, numbers: Sequence[str], at: datetime) -> list[SentSms]:
        """Record numbers whose outcome is unknown (timeout, broken exchange), without id.

        They are counted and the repeat guard keeps them: better one SMS missing than two.
        """
        return self._settle(_as_list(numbers), [], at, outcome_known=False)

    def not_sent(self, numbers: Sequence[str]) -> None:
        """Give back the cost and the guard notes of numbers that certainly reached nobody."""
        books, pending = self._books, self._pending
        changed = False
        for number in _as_list(numbers):
            entry = pending.open.pop(number, None)
            if entry is None:
                continue
            recipient, note = entry
            books.give_back(pending.bucket, pending.parts)
            books.drop_note(recipient.identity, note)
            changed = True
        if changed:
            self._closed_if_done()
            books.changed()

    def close(self) -> None:
        """Give back whatever is still open, as not sent."""
        if self._pending.open:
            self.not_sent(list(self._pending.open))

    def _settle(
        self, numbers: list[str], ids: list[str], at: datetime, *, outcome_known: bool
    ) -> list[SentSms]:
        books, pending = self._books, self._pending
        records: list[SentSms] = []
        for index, number in enumerate(numbers):
            entry = pending.open.pop(number, None)
            if entry is None:
                continue
            recipient, note = entry
            record = _record_of(pending, recipient, at, outcome_known)
            if ids:
                record.sms_id = ids[index]
            books.add_record(record, note)
            records.append(record)
        if records:
            self._closed_if_done()
            books.changed()
        return records

    def _closed_if_done(self) -> None:
        if not self._pending.open:
            self._books.pending.pop(self._pending, None)


def _as_list(values: Sequence[str]) -> list[str]:
    """Return the values as a list; a bare string is one value, not its characters."""
    return [values] if isinstance(values, str) else list(values)


def _usable_ids(ids: list[str], books: _Books) -> bool:
    """Ids fit to be matched: distinct short strings, none already given to another SMS."""
    by_id = books.by_id
    for sms_id in ids:
        if not (
            isinstance(sms_id, str)
            and 0 < len(sms_id) <= _MAX_ID_LENGTH
            and sms_id not in by_id
            and _encodable(sms_id)
        ):
            return False
    return len(ids) == 1 or len(set(ids)) == len(ids)


def _storable(text: str | None, limit: int) -> str | None:
    """Cut a free text to what the saved file takes back: `limit` characters, no lone surrogate.

    Only labels pass here (a tag, a delivery report's code): a record is never lost to them.
    """
    if text is None:
        return None
    text = text[:limit]
    return text if _encodable(text) else text.encode("utf-8", "replace").decode()


# The stored layout (version 1):
# {"version": 1,
#  "entries": [entry_id, ...],            the SMS users the records name, each once
#  "buckets": [[quarter hours since the epoch, parts], ...],
#  "records": [[number, entry (index in entries), parts, encoding, identity (hex), sent_at,
#               outcome_known (0/1), sms_id, contact, planned_for, tag, status, status_at,
#               ptt], ...],                  trailing nulls left out
#  "budgets": {entry_id: budget},
#  "reports_received": true once a delivery report changed an SMS (absent: false)}
# Times are whole seconds since the epoch (UTC); ISO strings with an offset are read too.
_ROW_FIELDS: Final = 14
_ROW_REQUIRED: Final = 7


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else math.floor(moment.timestamp())


def _record_row(record: SentSms, entries: dict[str, int]) -> list[Any]:
    row: list[Any] = [
        record.number,
        entries.setdefault(record.entry_id, len(entries)),
        record.parts,
        record.encoding,
        record.identity.hex(),
        _epoch(record.sent_at),
        1 if record.outcome_known else 0,
        record.sms_id,
        record.contact,
        _epoch(record.planned_for),
        record.tag,
        None if record.status is None else record.status.value,
        _epoch(record.status_at),
        record.ptt,
    ]
    while row[-1] is None:
        row.pop()
    return row


class _Damaged(ValueError):
    """A stored value that is not sane."""


class _Reader:
    """Reads a stored ledger into a fresh one, value by value, dropping what is not sane."""

    def __init__(self, books: _Books, now: datetime, problems: list[str]) -> None:
        self._books = books
        self._problems = problems
        self._oldest = now - books.keep
        self._newest = now + books.keep

    def _problem(self, word: str) -> None:
        if word not in self._problems:
            self._problems.append(word)

    def read(self, data: dict[Any, Any]) -> None:
        """Read the parts of the layout; a missing part is a damaged file."""
        records = self._read_records(data.get("records"), data.get("entries"))
        self._read_buckets(data.get("buckets"), records)
        self._read_budgets(data.get("budgets"))
        # A status is proof too (and the first files of this layout left the word out).
        self._books.reports_received = data.get("reports_received") is True or any(
            record.status is not None for record in records
        )

    def _read_records(self, rows: object, entries: object) -> list[SentSms]:
        books = self._books
        if not isinstance(entries, list) or len(entries) > _MAX_BUDGET_NOTES:
            entries = []
            self._problem("records")
        if not isinstance(rows, list):
            self._problem("records")
            return []
        if len(rows) > books.limit:
            self._problem("records")
            rows = rows[-books.limit :]
        records: list[SentSms] = []
        for row in rows:
            try:
                record = self._record(row, entries)
            except _Damaged:
                self._problem("records")
                continue
            if record is None:
                continue
            if record.sms_id is not None and record.sms_id in books.by_id:
                self._problem("records")
                record.sms_id = None
            records.append(record)
            note = _Note(record.sent_at, record)
            books.note(record.identity, note)
            books.add_record(record, note)
        return records

    def _record(self, row: object, entries: list[Any]) -> SentSms | None:
        """Read one stored record; None when it is merely older than KEEP."""
        if not isinstance(row, list) or len(row) < _ROW_REQUIRED:
            raise _Damaged
        if len(row) < _ROW_FIELDS:
            row = row + [None] * (_ROW_FIELDS - len(row))
        sent_at = _time(row[5])
        if sent_at > self._newest:
            raise _Damaged
        if sent_at < self._oldest:
            return None
        entry = row[1]
        if type(entry) is not int or not 0 <= entry < len(entries):
            raise _Damaged
        parts = row[2]
        if type(parts) is not int or not 1 <= parts <= _MAX_RECORD_PARTS:
            raise _Damaged
        encoding = row[3]
        if encoding not in ("gsm7", "unicode"):
            raise _Damaged
        identity = row[4]
        if not isinstance(identity, str) or len(identity) != 32:
            raise _Damaged
        try:
            identity_bytes = bytes.fromhex(identity)
        except ValueError as err:
            raise _Damaged from err
        known = row[6]
        if type(known) is not int or known not in (0, 1):
            raise _Damaged
        status = row[11]
        if status is not None:
            try:
                status = DeliveryStatus(status)
            except (ValueError, TypeError) as err:
                raise _Damaged from err
        return SentSms(
            number=_text(row[0], _MAX_ID_LENGTH),
            entry_id=_text(entries[entry], _MAX_ID_LENGTH),
            contact=_optional_text(row[8], _MAX_TEXT_LENGTH),
            parts=parts,
            encoding=encoding,
            identity=identity_bytes,
            sent_at=sent_at,
            planned_for=None if row[9] is None else _time(row[9]),
            tag=_optional_text(row[10], _MAX_TEXT_LENGTH),
            sms_id=_optional_text(row[7], _MAX_ID_LENGTH),
            outcome_known=bool(known),
            status=status,
            status_at=None if row[12] is None else _time(row[12]),
            ptt=_optional_text(row[13], _MAX_ID_LENGTH),
        )

    def _read_buckets(self, pairs: object, records: list[SentSms]) -> None:
        buckets = self._books.buckets
        if not isinstance(pairs, list):
            self._problem("buckets")
            # The day's figure is lost: what the records tell is the best left.
            for record in records:
                bucket = _bucket_of(record.sent_at)
                buckets[bucket] = buckets.get(bucket, 0) + record.parts
            return
        low = _bucket_of(self._oldest)
        high = _bucket_of(self._newest)
        limit = self._books.max_buckets
        if len(pairs) > limit:
            self._problem("buckets")
            pairs = pairs[:limit]
        for pair in pairs:
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or type(pair[0]) is not int
                or type(pair[1]) is not int
                or not 0 <= pair[1] <= _MAX_BUCKET_PARTS
                or pair[0] > high
                or pair[0] in buckets
            ):
                self._problem("buckets")
                continue
            bucket, parts = pair
            if bucket >= low and parts:
                buckets[bucket] = parts

    def _read_budgets(self, budgets: object) -> None:
        if not isinstance(budgets, dict):
            self._problem("budgets")
            return
        kept = self._books.budgets
        for entry_id, budget in budgets.items():
            if (
                len(kept) >= _MAX_BUDGET_NOTES
                or not isinstance(entry_id, str)
                or not 0 < len(entry_id) <= _MAX_ID_LENGTH
                or not _encodable(entry_id)
                or type(budget) is not int
                or not 0 <= budget <= _MAX_BUDGET
            ):
                self._problem("budgets")
                continue
            kept[entry_id] = budget


def _encodable(text: str) -> bool:
    """Lone surrogates cannot be written back as JSON."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: object, limit: int) -> str:
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= limit
        or not _encodable(value)
    ):
        raise _Damaged
    return value


def _optional_text(value: object, limit: int) -> str | None:
    return None if value is None else _text(value, limit)


def _time(value: object) -> datetime:
    """Read a stored time: seconds since the epoch (whole or not), or an ISO string."""
    if isinstance(value, bool):
        raise _Damaged
    if isinstance(value, int | float):
        # NaN compares false with everything: it is out of bounds too.
        if not _EARLIEST <= value <= _LATEST:
            raise _Damaged
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and len(value) <= _MAX_TIME_TEXT:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError, UnicodeError:
            raise _Damaged from None
        if moment.tzinfo is None:
            raise _Damaged
        try:
            if not _EARLIEST <= moment.timestamp() <= _LATEST:
                raise _Damaged
            return moment.astimezone(UTC)
        except OverflowError as err:
            raise _Damaged from err
    raise _Damaged
