"""One OVH SMS account for the whole Home Assistant run: its queue, pace, credit and reachability.

Every config entry of the account (an SMS user of it), and every reload of those entries,
shares the one `SmsAccount`, so that:

- the pace is the account's: a reload or a second SMS user never doubles it;
- the queue outlives reloads and option changes: queued sends wait while their entry reloads
  and go out once it is back, each exactly once;
- removing or disabling an entry refuses its queued sends with a translated "not sent", and
  nothing of it is sent after that (except requests already on the wire);
- when Home Assistant stops, sends keep going out (so a "Home Assistant is stopping"
  automation's SMS leaves), then what is still queued after a bound is refused as "not sent";
- the credit is the one figure of the most recent request that reported one, whatever order
  the replies come back in; the credit sensor and the low-credit repair issue read it here;
- the runaway guards are the account's: what was sent lately (the repeat guard), what was
  spent today (the daily budget and the spend sensor, saved in the account's Store so that a
  restart, or a disabled sensor, never resets the budget), and the repair issue of the last
  failed send of an automation or a script.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
import hashlib
import itertools
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .errors import Outcome, outcome, send_error, translate
from .http2sms import (
    DEFAULT_ENDPOINT,
    DEFAULT_TIMEOUT,
    Http2SmsAuthenticationError,
    Http2SmsClient,
    Http2SmsConnectionError,
    Http2SmsError,
    Http2SmsHttpError,
    SendResult,
    SmsRequest,
)
from .options import SmsOptions
from .pacing import Pacer
from .reasons import failure_issue
from .runaway import BUDGET_REFUSED, Caller, DailySpend, RecentSms, sms_digest

_LOGGER = logging.getLogger(__name__)

MAX_CONCURRENT_REQUESTS = 4
# How long queued sends wait for their entry to come back from an unload (a reload takes far
# less), and how long Home Assistant's stop lets queued sends go out before refusing the rest.
DETACHED_GRACE = 10.0
STOP_DRAIN_TIMEOUT = 10.0
# Today's spend is written at most this long after an SMS, and at every unload and stop.
SPEND_SAVE_DELAY = 10.0
SPEND_STORAGE_VERSION = 1

ACCOUNTS: HassKey[dict[tuple[str, str], SmsAccount]] = HassKey(f"{DOMAIN}_accounts")


def account_key(account: str, endpoint: str | None) -> tuple[str, str]:
    """Name an OVH SMS account: the same account on another gateway is another account."""
    return account.lower(), endpoint or DEFAULT_ENDPOINT


@callback
def async_get_account(
    hass: HomeAssistant, account: str, endpoint: str | None
) -> SmsAccount:
    """Return the account's one object for this run, made on first use."""
    if ACCOUNTS not in hass.data:
        hass.data[ACCOUNTS] = {}

        async def async_stop_accounts(_event: Event) -> None:
            """Drain every account while Home Assistant stops (its HTTP session closes later)."""
            await asyncio.gather(
                *(account.async_stop() for account in hass.data[ACCOUNTS].values())
            )

        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, async_stop_accounts)
    accounts = hass.data[ACCOUNTS]
    key = account_key(account, endpoint)
    if key not in accounts:
        accounts[key] = SmsAccount(hass, key)
    return accounts[key]


@dataclass(frozen=True, slots=True)
class Admission:
    """Which recipients of an SMS may get it now, and which the repeat guard held back."""

    recipients: list[str]
    suppressed: list[str]
    # When the recipients were noted as sent: a failure takes back only this note.
    noted_at: datetime


@dataclass(slots=True)
class GuardCounters:
    """What the runaway guards did in this run, for diagnostics (figures, never numbers)."""

    suppressed_repeats: int = 0
    refused_by_budget: int = 0
    failures_reported: int = 0


@dataclass(frozen=True, slots=True)
class LocalDay:
    """One day of Home Assistant's time zone: its date, its local midnight, when it ends."""

    date: date
    start: datetime
    # In UTC, so that telling whether a moment falls in the day needs no time zone lookup.
    utc_start: datetime
    utc_end: datetime
    time_zone: tzinfo

    @classmethod
    def of(cls, moment: datetime) -> LocalDay:
        """Return the local day `moment` falls in (25 or 23 hours long at a clock change)."""
        day = dt_util.as_local(moment).date()
        start = dt_util.start_of_local_day(day)
        end = dt_util.start_of_local_day(day + timedelta(days=1))
        return cls(
            day,
            start,
            dt_util.as_utc(start),
            dt_util.as_utc(end),
            dt_util.get_default_time_zone(),
        )

    def contains(self, utc_moment: datetime) -> bool:
        """Tell whether a moment in UTC falls in this day (in the time zone of now)."""
        return (
            self.utc_start <= utc_moment < self.utc_end
            and self.time_zone is dt_util.get_default_time_zone()
        )


@dataclass(slots=True)
class _Link:
    """An entry attached to the account: how it talks to OVH and what it wants."""

    entry: ConfigEntry
    client: Http2SmsClient
    options: SmsOptions


class SmsAccount:
    """The queue, pace, credit and reachability of one OVH SMS account (see the module)."""

    def __init__(self, hass: HomeAssistant, key: tuple[str, str]) -> None:
        """Start empty: no entry, no credit known, reachable until shown otherwise."""
        self.hass = hass
        self.key = key
        self.name = key[0]
        self.credit: Decimal | None = None
        self.reachable = True
        self._credit_sequence = -1
        self._sequence = itertools.count(1)
        self._pacer = Pacer(SmsOptions().max_sends_per_second, MAX_CONCURRENT_REQUESTS)
        self._links: dict[str, _Link] = {}
        self._grace_timers: dict[str, asyncio.TimerHandle] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._closed = False
        self._request_done = asyncio.Event()
        self.counters = GuardCounters()
        self._recent = RecentSms()
        self._day = LocalDay.of(dt_util.utcnow())
        self._spend = DailySpend(self._day.date)
        self._parts_in_flight = 0
        self._spend_store: Store[dict[str, Any]] = Store(
            hass, SPEND_STORAGE_VERSION, spend_storage_key(key)
        )
        self._spend_loaded = asyncio.Lock()
        self._spend_read = False
        self._spend_save_pending = False
        self._midnight_timer: CALLBACK_TYPE | None = None
        self._zone_listener: CALLBACK_TYPE | None = None

    @property
    def requests_out(self) -> int:
        """Requests that left the queue and have not ended (on the wire, or about to be)."""
        return self._pacer.running

    # --- Entries -----------------------------------------------------------------------------

    @callback
    def async_attach(
        self, entry: ConfigEntry, client: Http2SmsClient, options: SmsOptions
    ) -> None:
        """Take an entry (set up or reloaded): its queued sends go on with its new client."""
        self._links[entry.entry_id] = _Link(entry, client, options)
        if timer := self._grace_timers.pop(entry.entry_id, None):
            timer.cancel()
        self._pacer.set_rate(
            min(link.options.max_sends_per_second for link in self._links.values())
        )
        self._pacer.release(entry.entry_id)
        self._async_check_credit(entry.entry_id)
        self._async_check_budget(entry.entry_id)
        if self._midnight_timer is None:
            self._async_schedule_midnight()

    @callback
    def async_detach(self, entry: ConfigEntry) -> None:
        """Let an entry go (unloaded): hold its queued sends, or refuse them if it is disabled."""
        self._links.pop(entry.entry_id, None)
        for issue_id in entry_issue_ids(entry.entry_id):
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
        if not self._links:
            self._async_cancel_midnight()
        if entry.disabled_by is not None:
            self._refuse(entry.entry_id)
            return
        self._pacer.hold(entry.entry_id)
        if self._pacer.waiting(entry.entry_id):
            self._async_start_grace(entry.entry_id)

    @callback
    def _async_start_grace(self, entry_id: str) -> None:
        """Refuse a detached entry's queued sends if it is not back in time."""
        if entry_id not in self._grace_timers:
            self._grace_timers[entry_id] = self.hass.loop.call_later(
                DETACHED_GRACE, self._refuse, entry_id
            )

    @callback
    def async_forget(self, entry_id: str) -> bool:
        """Refuse a removed entry's queued sends; forget the account if it was the last.

        Return whether the account was forgotten (its saved spend can go too).
        """
        self._refuse(entry_id)
        if not self._links and not self._pacer.waiting() and not self._pacer.running:
            self.hass.data.get(ACCOUNTS, {}).pop(self.key, None)
            return True
        return False

    @callback
    def _refuse(self, entry_id: str) -> None:
        if timer := self._grace_timers.pop(entry_id, None):
            timer.cancel()
        refused = self._pacer.refuse(lambda: send_error("entry_gone"), entry_id)
        self._pacer.release(entry_id)
        if refused:
            _LOGGER.warning(
                "%d queued SMS of %s were not sent: the account was removed, disabled or "
                "unloaded",
                refused,
                self.name,
            )

    # --- Sending -----------------------------------------------------------------------------

    async def async_send(
        self, entry_id: str, request: SmsRequest, parts: int, *, noted_at: datetime
    ) -> SendResult:
        """Send one request of `parts` parts in its turn; raise a translated error.

        `noted_at` is when the repeat guard noted its recipients (`Admission.noted_at`).

        The error's `__cause__` is the client's error; `outcome` on it tells whether the SMS
        may have been sent. The daily budget is checked again in the request's turn, when
        every earlier request has reported what it cost.
        """
        try:
            if self._closed:
                raise send_error("stopping")
            if entry_id not in self._links:
                raise send_error("entry_gone")
            sequence, result = await self._async_send_in_turn(
                entry_id, request, parts, noted_at
            )
        except HomeAssistantError as err:
            if failed_outcome(err) is Outcome.NOT_SENT:
                self.async_not_sent(request, noted_at)
            raise
        for linked_id in self._links:
            ir.async_delete_issue(self.hass, DOMAIN, send_failed_issue_id(linked_id))
        # The spend, the credit and the reachability change together: one notice for all.
        # One id per SMS accepted; a reply without ids is counted as the request asked.
        self._add_spend(parts * (len(result.sms_ids) or len(request.recipients)))
        if result.credits_left is not None:
            self._take_credit(sequence, result.credits_left)
        self._set_reachable(True)
        self._async_changed()
        return result

    @callback
    def async_not_sent(self, request: SmsRequest, noted_at: datetime) -> None:
        """Forget a request that certainly reached nobody: sending it again is no repeat.

        Only the note its admission made goes: a number another send reached since stays.
        """
        for number in request.recipients:
            self._recent.forget(sms_digest(number, request.message), noted_at)

    async def _async_send_in_turn(
        self, entry_id: str, request: SmsRequest, parts: int, noted_at: datetime
    ) -> tuple[int, SendResult]:
        cost = parts * len(request.recipients)
        left = False
        try:
            while True:
                async with self._pacer.turn(entry_id):
                    link = self._links.get(entry_id)
                    if link is None:
                        if not self._pacer.is_held(entry_id):
                            raise send_error("entry_gone")
                        # Detached between its turn and its start: wait again, held.
                        self._async_start_grace(entry_id)
                        continue
                    self._check_budget(entry_id, link.options, cost)
                    sequence = next(self._sequence)
                    self._parts_in_flight += cost
                    left = True
                    try:
                        result = await link.client.send(request)
                    except Http2SmsError as err:
                        if outcome(err) is Outcome.UNKNOWN:
                            # It may have been billed: the budget must not forget it.
                            self._add_spend(cost)
                            self._async_changed()
                        self._async_failed(link, err)
                        raise translate(err) from err
                    except asyncio.CancelledError:
                        # Cut off by its caller (an automation restarted, a timeout): it
                        # may have been billed all the same.
                        self._add_spend(cost)
                        self._async_changed()
                        raise
                    finally:
                        self._parts_in_flight -= cost
                    break
        except asyncio.CancelledError:
            # Stopped by its caller while it waited for its turn: it reached nobody.
            if not left:
                self.async_not_sent(request, noted_at)
            raise
        finally:
            self._request_done.set()
        return sequence, result

    def next_sequence(self) -> int:
        """Return a number for a request sent outside the queue (the config flow's test SMS)."""
        return next(self._sequence)

    @callback
    def _async_failed(self, link: _Link, err: Http2SmsError) -> None:
        if isinstance(err, Http2SmsConnectionError) or (
            isinstance(err, Http2SmsHttpError) and err.http_status >= 500
        ):
            if self._set_reachable(False, err):
                self._async_changed()
        if isinstance(err, Http2SmsAuthenticationError) and self._is_live(link.entry):
            link.entry.async_start_reauth(self.hass)

    def _is_live(self, entry: ConfigEntry) -> bool:
        """Tell whether an entry is still set up: nothing is raised for an entry that is gone."""
        return (
            entry.state is ConfigEntryState.LOADED
            and self.hass.config_entries.async_get_entry(entry.entry_id) is entry
        )

    # --- Stop --------------------------------------------------------------------------------

    async def async_stop(self) -> None:
        """Let queued sends go out for a bounded time, then refuse the rest as not sent.

        Requests already on the wire are waited for (each is bounded by the client's timeout):
        cut off, they would leave their callers with no answer and their SMS in doubt.
        """
        await self._async_wait_until(
            lambda: not self._pacer.waiting() and not self._pacer.running,
            STOP_DRAIN_TIMEOUT,
        )
        self._closed = True
        self._async_cancel_midnight()
        for timer in self._grace_timers.values():
            timer.cancel()
        self._grace_timers.clear()
        if refused := self._pacer.refuse(lambda: send_error("stopping")):
            _LOGGER.warning(
                "Home Assistant is stopping: %d queued SMS of %s were not sent",
                refused,
                self.name,
            )
        self._pacer.cancel_timer()
        await self._async_wait_until(
            lambda: not self._pacer.running, DEFAULT_TIMEOUT + STOP_DRAIN_TIMEOUT
        )
        await self.async_save_spend()

    async def _async_wait_until(self, done: Callable[[], bool], bound: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(bound):
                while not done():
                    self._request_done.clear()
                    await self._request_done.wait()

    # --- Credit and reachability -------------------------------------------------------------

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `update_callback` when the credit or the reachability changes."""
        self._listeners.append(update_callback)
        return lambda: self._listeners.remove(update_callback)

    @callback
    def async_record_credit(self, sequence: int, credit: Decimal) -> None:
        """Take the credit a reply reported, unless a later request's reply already did."""
        if self._take_credit(sequence, credit):
            self._async_changed()

    def _take_credit(self, sequence: int, credit: Decimal) -> bool:
        if sequence <= self._credit_sequence:
            return False
        self._credit_sequence = sequence
        self.credit = credit
        return True

    @callback
    def async_restore_credit(self, credit: Decimal) -> None:
        """Take the credit saved before a restart, if no reply of this run gave one."""
        if self.credit is None:
            self.async_record_credit(0, credit)

    def _set_reachable(self, reachable: bool, err: Http2SmsError | None = None) -> bool:
        """Log once when the gateway stops answering and once when it is back.

        Return whether the reachability changed; the caller tells the listeners.
        """
        if reachable == self.reachable:
            return False
        self.reachable = reachable
        if reachable:
            _LOGGER.info("OVH http2sms is reachable again")
        else:
            _LOGGER.warning("OVH http2sms is unreachable: %s", err)
        return True

    @callback
    def _async_changed(self) -> None:
        for entry_id in self._links:
            self._async_check_credit(entry_id)
        for update_callback in list(self._listeners):
            update_callback()

    @callback
    def _async_check_credit(self, entry_id: str) -> None:
        """Raise or withdraw the entry's low-credit repair issue."""
        threshold = self._links[entry_id].options.low_credit_threshold
        if self.credit is not None and threshold > 0 and self.credit < threshold:
            self._async_raise_issue(
                low_credit_issue_id(entry_id),
                "low_credit",
                credits=f"{self.credit:f}",
                threshold=f"{threshold:f}",
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, low_credit_issue_id(entry_id))

    # --- Runaway guards ---------------------------------------------------------------------

    @callback
    def async_admit(
        self,
        entry_id: str,
        options: SmsOptions,
        recipients: list[str],
        text: str,
        parts: int,
        *,
        allow_repeat: bool,
    ) -> Admission:
        """Hold back the recipients who got this very text lately; refuse what is over budget.

        Checked and noted in one step, with no wait in between: a burst of identical sends
        lets exactly one through.
        """
        now = dt_util.utcnow()
        window = timedelta(minutes=options.repeat_window)
        digests = {number: sms_digest(number, text) for number in recipients}
        suppressed = [
            number
            for number, digest in digests.items()
            if not allow_repeat and self._recent.is_recent(digest, now, window)
        ]
        admitted = [number for number in recipients if number not in suppressed]
        if suppressed:
            self.counters.suppressed_repeats += len(suppressed)
            _LOGGER.info(
                "The same SMS went to %d recipient(s) less than %d minute(s) ago: "
                "not sent again",
                len(suppressed),
                options.repeat_window,
            )
        if admitted:
            self._check_budget(entry_id, options, parts * len(admitted))
        for number in admitted:
            self._recent.remember(digests[number], now)
        return Admission(admitted, suppressed, now)

    @property
    def spent_today(self) -> int:
        """SMS parts spent since local midnight (reported by replies, or estimated)."""
        return self._spend_of_today().parts

    @property
    def spend_day_start(self) -> datetime:
        """The local midnight today's spend counts from."""
        self._spend_of_today()
        return self._day.start

    def _spend_of_today(self) -> DailySpend:
        # Read on every send and sensor write: the day's bounds are worked out once a day.
        now = dt_util.utcnow()
        if not self._day.contains(now):
            self._day = LocalDay.of(now)
            if self._spend.day != self._day.date:
                self._spend = DailySpend(self._day.date)
        return self._spend

    def _check_budget(self, entry_id: str, options: SmsOptions, cost: int) -> None:
        """Refuse a request that would take today's spend over the entry's daily budget."""
        if not (budget := options.daily_budget):
            return
        spent = self.spent_today + self._parts_in_flight
        if spent + cost <= budget:
            return
        self.counters.refused_by_budget += 1
        if entry_id in self._links:
            self._async_raise_issue(
                daily_budget_issue_id(entry_id),
                BUDGET_REFUSED,
                budget=str(budget),
                spent=str(spent),
            )
        raise send_error(
            BUDGET_REFUSED, budget=str(budget), spent=str(spent), needed=str(cost)
        )

    @callback
    def _async_check_budget(self, entry_id: str) -> None:
        """Withdraw the entry's budget issue once its budget lets SMS out again."""
        budget = self._links[entry_id].options.daily_budget
        if not budget or self.spent_today < budget:
            ir.async_delete_issue(self.hass, DOMAIN, daily_budget_issue_id(entry_id))

    def _add_spend(self, parts: int) -> None:
        """Count parts in today's spend; the caller tells the listeners."""
        self._spend_of_today().parts += parts
        # Scheduled once until written: a Store's delayed save moves back at every call, so a
        # steady stream of SMS would put it off for as long as the stream lasts. A reply that
        # comes back after the last unload is written at once: no timer of an account
        # without entries may linger.
        if not self._links:
            self._spend_store.async_delay_save(self._spend_to_store, 0)
        elif not self._spend_save_pending:
            self._spend_save_pending = True
            self._spend_store.async_delay_save(self._spend_to_store, SPEND_SAVE_DELAY)

    def _spend_to_store(self) -> dict[str, Any]:
        """Return what to write, when the Store writes (so the figure is the latest)."""
        self._spend_save_pending = False
        return self._spend.as_stored()

    @callback
    def _async_schedule_midnight(self) -> None:
        """Start the next day's spend at the next local midnight (whatever the DST change).

        A change of Home Assistant's time zone moves the day at once.
        """
        self._spend_of_today()
        self._midnight_timer = async_track_point_in_time(
            self.hass, self._async_midnight, self._day.utc_end
        )
        if self._zone_listener is None:
            self._zone_listener = self.hass.bus.async_listen(
                EVENT_CORE_CONFIG_UPDATE, self._async_core_config_updated
            )

    @callback
    def _async_core_config_updated(self, _event: Event[Any]) -> None:
        if (
            self._midnight_timer is not None
            and self._day.time_zone is not dt_util.get_default_time_zone()
        ):
            self._midnight_timer()
            self._async_midnight(dt_util.utcnow())

    @callback
    def _async_midnight(self, _now: datetime) -> None:
        self._midnight_timer = None
        self._spend_of_today()
        for entry_id in self._links:
            self._async_check_budget(entry_id)
        self._async_changed()
        self._async_schedule_midnight()

    @callback
    def _async_cancel_midnight(self) -> None:
        if self._midnight_timer is not None:
            self._midnight_timer()
            self._midnight_timer = None
        if self._zone_listener is not None:
            self._zone_listener()
            self._zone_listener = None

    async def async_load_spend(self) -> None:
        """Read today's spend saved before a restart (once per run)."""
        async with self._spend_loaded:
            if self._spend_read:
                return
            stored = await self._spend_store.async_load()
            self._spend_read = True
        today = self._spend_of_today()
        today.parts += DailySpend.from_stored(stored, today.day).parts

    async def async_save_spend(self) -> None:
        """Write today's spend now (an unload or a stop must not leave a write pending)."""
        if self._spend_read:
            self._spend_of_today()
            await self._spend_store.async_save(self._spend_to_store())

    async def async_remove_spend(self) -> None:
        """Delete the saved spend of an account no entry uses any more."""
        await self._spend_store.async_remove()

    @callback
    def async_report_failure(
        self, entry_id: str, caller: Caller, err: HomeAssistantError
    ) -> None:
        """Raise the account's one failure issue: this failure replaces any earlier one."""
        if entry_id not in self._links:
            return
        self.counters.failures_reported += 1
        for linked_id in self._links:
            if linked_id != entry_id:
                ir.async_delete_issue(
                    self.hass, DOMAIN, send_failed_issue_id(linked_id)
                )
        key, placeholders = failure_issue(err)
        self._async_raise_issue(
            send_failed_issue_id(entry_id),
            key,
            severity=ir.IssueSeverity.ERROR,
            when=dt_util.now().strftime("%Y-%m-%d %H:%M:%S"),
            caller=caller.name,
            entity_id=caller.entity_id or "-",
            **placeholders,
        )

    @callback
    def _async_raise_issue(
        self,
        issue_id: str,
        key: str,
        severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
        **placeholders: str,
    ) -> None:
        """Raise (or update) an issue that goes away by itself: nothing to fix in a flow."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            is_persistent=False,
            severity=severity,
            translation_key=key,
            translation_placeholders={"account": self.name, **placeholders},
        )


def spend_storage_key(key: tuple[str, str]) -> str:
    """Name the account's Store without writing its name in the file name."""
    digest = hashlib.sha256("\0".join(key).encode()).hexdigest()[:16]
    return f"{DOMAIN}.daily_spend.{digest}"


def low_credit_issue_id(entry_id: str) -> str:
    """Name the repair issue raised while an entry's account credit is below its threshold."""
    return f"low_credit_{entry_id}"


def daily_budget_issue_id(entry_id: str) -> str:
    """Name the repair issue raised while an entry's daily budget refuses SMS."""
    return f"daily_budget_{entry_id}"


def send_failed_issue_id(entry_id: str) -> str:
    """Name the repair issue of the last failed send an automation or a script made."""
    return f"send_failed_{entry_id}"


def entry_issue_ids(entry_id: str) -> tuple[str, ...]:
    """Every repair issue an entry can have raised: all go when it is unloaded."""
    return (
        low_credit_issue_id(entry_id),
        daily_budget_issue_id(entry_id),
        send_failed_issue_id(entry_id),
    )


def failed_outcome(err: HomeAssistantError) -> Outcome:
    """Whether the request behind a translated send error may have been sent."""
    cause = err.__cause__
    return outcome(cause) if isinstance(cause, Http2SmsError) else Outcome.NOT_SENT
