"""The account's record of what was sent, and the guards that read it.

What was sent is one record (`ledger.py`), saved in the account's Store (`record_store.py`):
the repeat guard, today's spend and the daily budget all read it. The budget is the
account's: the tightest non-zero daily budget of its SMS users binds every one of them (an SMS
user without a budget is still bound by another's), including the last budget seen of an SMS
user not set up yet after a restart. Apart from the account (its queue, pace, credit and
reachability) so that each is read on its own; the account owns one `SentRecord`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from . import repairs
from .budget import DailyBudget
from .clock import DayClock
from .const import CONF_DAILY_BUDGET
from .errors import send_error
from .ledger import BudgetExceeded, Ledger, Recipient, Reservation, sms_identity
from .options import SmsOptions
from .outgoing import Delivery, Outgoing
from .record_store import RecordStore, account_digest

_LOGGER = logging.getLogger(__name__)

# The record is written at most this long after a change, and at every unload and stop.
SPEND_SAVE_DELAY = 10.0


@dataclass(slots=True)
class GuardCounters:
    """What the runaway guards did in this run, for diagnostics (figures, never numbers)."""

    suppressed_repeats: int = 0
    refused_by_budget: int = 0
    failures_reported: int = 0


class SentRecord:
    """One account's record of what was sent: its admissions, spend, budget and file."""

    def __init__(
        self,
        hass: HomeAssistant,
        key: tuple[str, str],
        attached_budgets: Callable[[], Mapping[str, int]],
        on_new_day: Callable[[], None],
    ) -> None:
        """Start with an empty record, not read yet.

        `attached_budgets` returns the daily budgets of the SMS users attached now (none: a
        change is written at once); `on_new_day` tells the account that today's spend changed.
        """
        self._hass = hass
        self._name = key[0]
        self._attached_budgets = attached_budgets
        self._on_new_day = on_new_day
        self.counters = GuardCounters()
        self._ledger = Ledger()
        self._ledger.on_change = self._async_record_changed
        self._store = RecordStore(hass, key)
        self._load_lock = asyncio.Lock()
        self._loaded = False
        self._clock = DayClock(hass, self._async_new_day)
        self._budget = DailyBudget(hass, key, account_digest(key))

    @property
    def ledger(self) -> Ledger:
        """The record itself (replaced once, when the record saved before a restart is read)."""
        return self._ledger

    @property
    def spent_today(self) -> int:
        """SMS parts counted since local midnight: sent, may have been sent, or booked now."""
        return self._ledger.spent_in(*self._clock.today().bounds)

    @property
    def spend_day_start(self) -> datetime:
        """The local midnight today's spend counts from."""
        return self._clock.today().start

    @property
    def records_kept(self) -> int:
        """How many SMS the record holds (a few days' worth at most)."""
        return len(self._ledger.records())

    # --- SMS users ---------------------------------------------------------------------------

    @callback
    def async_applied_options(
        self, entry: ConfigEntry, options: SmsOptions
    ) -> SmsOptions:
        """Return the options an SMS user being attached sends with; note its budget.

        Options without a daily budget at all, while the record saw one, were saved by the
        previous release (it drops the option): the budget seen still applies, and a repair
        issue offers to put it back. A budget of 0 saved in the options is the user's: off.
        """
        seen = self._ledger.budget_seen(entry.entry_id) or 0
        dropped = CONF_DAILY_BUDGET not in entry.options and seen > 0
        if dropped:
            options = replace(options, daily_budget=seen)
        else:
            self._ledger.note_budget(entry.entry_id, options.daily_budget)
        repairs.async_show_budget_dropped(
            self._hass, entry.entry_id, self._name, seen if dropped else 0
        )
        return options

    @callback
    def async_start(self) -> None:
        """Follow the local day (midnight, time zone changes) while an SMS user is attached."""
        self._clock.async_start()

    @callback
    def async_stop(self) -> None:
        """Stop following the local day: no SMS user is attached, or Home Assistant stops."""
        self._clock.async_stop()

    @callback
    def async_forget(self, entry_id: str) -> None:
        """Forget an SMS user removed or disabled: its budget binds no one any more."""
        self._ledger.forget_entry(entry_id)
        self._budget.async_forget(entry_id)
        self.async_review_budget()

    @callback
    def async_close(self, entry_id: str) -> None:
        """Let the record go with the account's last SMS user: no save, no issue after it."""
        self._budget.async_forget(entry_id)
        self._ledger.on_change = None
        self._budget.async_withdraw_all(self._name)

    # --- Admission ---------------------------------------------------------------------------

    def admit(
        self, entry_id: str, outgoing: Outgoing, window: int, delivery: Delivery
    ) -> Reservation:
        """Hold back repeats and refuse what is over the budget, in one step (no await)."""
        now = dt_util.utcnow()
        request = outgoing.request
        planned = dt_util.as_utc(request.deferred) if request.deferred else None
        day = self._clock.today(now)
        budget, budget_entry = self._tightest_budget()
        contacts = outgoing.contacts
        message, flash = request.message, request.flash
        try:
            reservation = self._ledger.admit(
                entry_id=entry_id,
                recipients=[
                    Recipient(
                        number,
                        contacts.get(number),
                        sms_identity(number, message, planned_for=planned, flash=flash),
                    )
                    for number in outgoing.recipients
                ],
                parts=outgoing.parts,
                encoding=outgoing.encoding,
                planned_for=planned,
                tag=request.tag,
                now=now,
                repeat_window=timedelta(minutes=window),
                allow_repeat=outgoing.allow_repeat,
                budget=budget,
                day=day.bounds,
            )
        except BudgetExceeded as err:
            self.counters.refused_by_budget += 1
            self._budget.async_refused(budget_entry, budget, err.spent, day.utc_start)
            raise send_error(
                repairs.BUDGET_REACHED,
                budget=str(err.budget),
                spent=str(err.spent),
                needed=str(err.needed),
            ) from None
        delivery.admitted = tuple([r.number for r in reservation.admitted])
        if reservation.suppressed:
            delivery.suppressed = tuple([r.number for r in reservation.suppressed])
            self.counters.suppressed_repeats += len(reservation.suppressed)
            _LOGGER.info(
                "The same SMS went to %d recipient(s) less than %d minute(s) ago: "
                "not sent again",
                len(reservation.suppressed),
                window,
            )
        if reservation.admitted and (
            self._budget.async_admitted()
            or (budget and self._ledger.spent_in(*day.bounds) >= budget)
        ):
            # The budget refuses from the SMS that reaches it: the issue says so at once, as
            # a reload or a restart would.
            self.async_review_budget()
        return reservation

    # --- Budget ------------------------------------------------------------------------------

    def _tightest_budget(self) -> tuple[int, str | None]:
        return self._budget.tightest(self._ledger, self._attached_budgets())

    @callback
    def async_review_budget(self) -> None:
        """Raise or withdraw the budget issues as the spend and the budgets stand now."""
        self._budget.async_review(
            self._name,
            self._tightest_budget(),
            self.spent_today,
            self._clock.today().utc_start,
        )

    @callback
    def _async_new_day(self) -> None:
        """Midnight, or a time zone change: the budget counts another day."""
        self._budget.figure_lost = False
        self.async_review_budget()
        self._on_new_day()

    # --- The saved record --------------------------------------------------------------------

    @callback
    def _async_record_changed(self) -> None:
        """Write the changed record soon (at once if no SMS user is left to wait for)."""
        self._store.schedule_save(
            self._ledger, SPEND_SAVE_DELAY if self._attached_budgets() else 0
        )

    async def async_load(self) -> None:
        """Read the record saved before a restart (once per run); a damaged file is no stop."""
        async with self._load_lock:
            if self._loaded:
                return
            ledger, lost = await self._store.async_load(dt_util.utcnow(), self._name)
            self._loaded = True
        self._ledger = ledger
        ledger.on_change = self._async_record_changed
        self._budget.figure_lost = lost

    async def async_save(self) -> None:
        """Write the record now (an unload or a stop must not leave a write pending)."""
        if self._loaded:
            await self._store.async_save(self._ledger)

    async def async_remove(self) -> None:
        """Delete the saved record of an account no SMS user has any more."""
        await self._store.async_remove()
