"""Runaway protection: what keeps a looping automation from emptying the account overnight.

The account (`account.py`) owns one of each for the whole run, so every entry and reload of
it shares them:

- `RecentSms`, a bounded memory of the (number, text) pairs sent lately, kept as hashes (never
  the text or the number), so that an identical SMS to the same number within the repeat window
  is suppressed;
- `DailySpend`, the SMS parts spent since local midnight, which the daily budget is checked
  against and the spend sensor shows.

`current_caller` names the automation or script a send was made by, so that a failure nobody
watches becomes a repair issue; `async_report_unseen_failure` is how the send path reports them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
import hashlib
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.trace import trace_id_get, variables_cv

if TYPE_CHECKING:
    from .account import SmsAccount

# Enough for a household's alerts within any sane window; beyond it the oldest are forgotten
# (a loop whose text changes every time is the budget's job, not the repeat guard's).
RECENT_SMS_LIMIT = 1000
BUDGET_REFUSED = "daily_budget_reached"
_CALLER_DOMAINS = ("automation", "script")


def sms_digest(number: str, text: str) -> bytes:
    """Hash what the repeat guard compares: nothing it keeps can be read back."""
    return hashlib.blake2b(f"{number}\0{text}".encode(), digest_size=16).digest()


class RecentSms:
    """The (number, text) pairs sent lately, oldest first, at most `limit` of them."""

    def __init__(self, limit: int = RECENT_SMS_LIMIT) -> None:
        """Start with nothing sent."""
        self._sent_at: OrderedDict[bytes, datetime] = OrderedDict()
        self._limit = limit

    def __len__(self) -> int:
        """How many pairs are remembered."""
        return len(self._sent_at)

    def is_recent(self, digest: bytes, now: datetime, window: timedelta) -> bool:
        """Tell whether this pair went out less than `window` ago.

        Measured both ways: a clock set back a little still sees the repeat, and a clock set
        back by more than the window does not suppress an SMS for as long as it was off.
        """
        sent_at = self._sent_at.get(digest)
        return sent_at is not None and abs(now - sent_at) < window

    def remember(self, digest: bytes, now: datetime) -> None:
        """Note the pair as sent now, forgetting the oldest beyond the limit."""
        self._sent_at.pop(digest, None)
        self._sent_at[digest] = now
        while len(self._sent_at) > self._limit:
            self._sent_at.popitem(last=False)

    def forget(self, digest: bytes, noted_at: datetime) -> None:
        """Drop a pair noted at `noted_at` that was certainly not sent: sending it is no repeat.

        A pair noted again since (another send reached the number meanwhile) stays.
        """
        if self._sent_at.get(digest) == noted_at:
            del self._sent_at[digest]


@dataclass(slots=True)
class DailySpend:
    """SMS parts spent on one local day (reported by replies, or estimated)."""

    day: date
    parts: int = 0

    def as_stored(self) -> dict[str, Any]:
        """Return what the account's Store keeps: a day and a figure, nothing else."""
        return {"day": self.day.isoformat(), "parts": self.parts}

    @classmethod
    def from_stored(cls, stored: Any, today: date) -> DailySpend:
        """Read what was saved; another day's figure, or an unreadable one, starts at zero."""
        try:
            if date.fromisoformat(stored["day"]) == today:
                return cls(today, max(0, int(stored["parts"])))
        except KeyError, TypeError, ValueError:
            pass
        return cls(today)


@dataclass(frozen=True, slots=True)
class Caller:
    """The automation or script a send was made by."""

    entity_id: str | None
    name: str


def current_caller(hass: HomeAssistant) -> Caller | None:
    """Name the automation or script running this send, or None for a person or voice.

    Every automation and script run sets Home Assistant's trace id (`automation.<id>` or
    `script.<key>`, its unique id) in a context variable that the actions it calls inherit;
    nothing else sets it. An automation without an id has no unique id: its own state, which
    the run's variables hold as `this`, names it instead.
    """
    if (trace_id := trace_id_get()) is None:
        return None
    domain, _, item_id = trace_id[0].partition(".")
    if domain not in _CALLER_DOMAINS:
        return None
    entity_id = er.async_get(hass).async_get_entity_id(domain, domain, item_id)
    if entity_id is None:
        this = (variables_cv.get() or {}).get("this")
        if isinstance(this, dict) and isinstance(this.get("entity_id"), str):
            entity_id = this["entity_id"]
    if entity_id is not None and (state := hass.states.get(entity_id)) is not None:
        return Caller(entity_id, state.name)
    return Caller(entity_id, entity_id or domain)


def async_report_unseen_failure(
    hass: HomeAssistant, account: SmsAccount, entry_id: str, err: HomeAssistantError
) -> None:
    """Report a failed send made by an automation or a script to its account.

    A person who calls the action sees the error; an automation's error lands in a trace
    nobody reads. A refusal by the daily budget has its own repair issue.
    """
    if err.translation_key != BUDGET_REFUSED and (caller := current_caller(hass)):
        account.async_report_failure(entry_id, caller, err)
