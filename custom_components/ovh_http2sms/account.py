"""One OVH SMS account for the whole run: its queue, pace, credit, reachability and record.

Every config entry of the account (an SMS user of it), and every reload of those entries,
shares the one `SmsAccount`, so that:

- the pace is the account's, the slowest of its attached SMS users' (worked out again at every
  attach and detach): a reload or a second SMS user never doubles it;
- the queue outlives reloads and option changes: queued sends wait while their entry reloads
  and go out once it is back, each exactly once;
- removing or disabling an entry refuses its queued sends with a translated "not sent", and
  nothing of it is sent after that (except requests already on the wire);
- when Home Assistant stops, sends keep going out (so a "Home Assistant is stopping"
  automation's SMS leaves), then what is still queued after a bound is refused as "not sent";
- the credit is the one figure of the most recent request that reported one, whatever order
  the replies come back in;
- what was sent is one record (`ledger.py`), saved in the account's Store: the repeat guard,
  today's spend and the daily budget all read it. The budget is the account's: the tightest
  non-zero daily budget of its SMS users binds every one of them (an SMS user without a budget
  is still bound by another's), including the last budget seen of an SMS user not set up yet
  after a restart. Delivery reports are matched in it too (`deliveries.py`), whichever of the
  account's SMS users' URL OVHcloud calls.

A send enters the account once (`async_transmit`): admitted through the record (a reservation
that books its cost), its requests made in their turn, each recipient settled as accepted, may
have been sent, or not sent. An SMS admitted before a budget was lowered keeps its booking: the
lowered budget refuses the next admissions, not the queued ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
import itertools
import logging

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from . import repairs
from .budget import DailyBudget
from .clock import DayClock
from .const import CONF_DAILY_BUDGET, DOMAIN
from .deliveries import Deliveries
from .errors import Outcome, failed_outcome, outcome, send_error, translate
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
    batch_recipients,
)
from .ledger import (
    BudgetExceeded,
    Ledger,
    Recipient,
    Reservation,
    SentSms,
    sms_identity,
)
from .options import SmsOptions
from .pacing import Pacer
from .record_store import RecordStore, account_digest

_LOGGER = logging.getLogger(__name__)

MAX_CONCURRENT_REQUESTS = 4
# How long queued sends wait for their entry to come back from an unload (a reload takes far
# less), and how long Home Assistant's stop lets queued sends go out before refusing the rest.
DETACHED_GRACE = 10.0
STOP_DRAIN_TIMEOUT = 10.0
# The record is written at most this long after a change, and at every unload and stop.
SPEND_SAVE_DELAY = 10.0
# Who sends the config flow's test SMS: an SMS user not saved yet.
TEST_SMS_SENDER = "config_flow"

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """One SMS that passed every check: its recipients, its request and its cost."""

    recipients: tuple[str, ...]
    # The text, sender and flags; made again for each batch of the admitted recipients.
    request: SmsRequest
    parts: int
    encoding: str
    # Stored number -> the contact's notify entity, for the numbers that are contacts.
    contacts: Mapping[str, str] = field(default_factory=dict)
    allow_repeat: bool = False


@dataclass(slots=True)
class Delivery:
    """What one send did, filled in as each of its requests is accepted."""

    suppressed: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    requests: int = 0
    sent: list[SentSms] = field(default_factory=list)
    credits_left: Decimal | None = None


@dataclass(slots=True)
class GuardCounters:
    """What the runaway guards did in this run, for diagnostics (figures, never numbers)."""

    suppressed_repeats: int = 0
    refused_by_budget: int = 0
    failures_reported: int = 0


@dataclass(slots=True)
class _Link:
    """An entry attached to the account: how it talks to OVH and what it wants."""

    entry: ConfigEntry
    client: Http2SmsClient
    options: SmsOptions


class SmsAccount:
    """The queue, pace, credit, reachability and record of one OVH SMS account (see the module)."""

    def __init__(self, hass: HomeAssistant, key: tuple[str, str]) -> None:
        """Start empty: no entry, no credit known, reachable until shown otherwise."""
        self.hass = hass
        self.key = key
        self.name = key[0]
        self.credit: Decimal | None = None
        self.reachable = True
        self.counters = GuardCounters()
        self.deliveries = Deliveries(hass, account_digest(key), lambda: self._ledger)
        self._credit_sequence = -1
        self._sequence = itertools.count(1)
        self._pacer = Pacer(SmsOptions().max_sends_per_second, MAX_CONCURRENT_REQUESTS)
        self._links: dict[str, _Link] = {}
        self._grace_timers: dict[str, asyncio.TimerHandle] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._closed = False
        self._request_done = asyncio.Event()
        self._ledger = Ledger()
        self._ledger.on_change = self._async_record_changed
        self._store = RecordStore(hass, key)
        self._load_lock = asyncio.Lock()
        self._loaded = False
        self._clock = DayClock(hass, self._async_new_day)
        self._budget = DailyBudget(hass, key, account_digest(key))

    @property
    def attached(self) -> tuple[str, ...]:
        """The SMS users (entry ids) attached now."""
        return tuple(self._links)

    @property
    def requests_out(self) -> int:
        """Requests that left the queue and have not ended (on the wire, or about to be)."""
        return self._pacer.running

    # --- Entries -----------------------------------------------------------------------------

    @callback
    def async_attach(
        self, entry: ConfigEntry, client: Http2SmsClient, options: SmsOptions
    ) -> None:
        """Take an entry (set up or reloaded): its queued sends go on with its new client.

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
            self.hass, entry.entry_id, self.name, seen if dropped else 0
        )
        self._links[entry.entry_id] = _Link(entry, client, options)
        if timer := self._grace_timers.pop(entry.entry_id, None):
            timer.cancel()
        self._set_pace()
        self._pacer.release(entry.entry_id)
        self._async_show_credit(entry.entry_id)
        self._async_review_budget()
        self._clock.async_start()

    def applied_options(self, entry_id: str) -> SmsOptions | None:
        """Return the options an attached SMS user sends with: a budget they lost included."""
        link = self._links.get(entry_id)
        return link.options if link is not None else None

    @callback
    def async_detach(self, entry: ConfigEntry) -> None:
        """Let an entry go (unloaded): hold its queued sends, or refuse them if it is disabled.

        The budget issue stays through a reload: the budget still refuses.
        """
        self._links.pop(entry.entry_id, None)
        repairs.async_withdraw_send_failed(self.hass, entry.entry_id)
        repairs.async_withdraw_low_credit(self.hass, entry.entry_id)
        if self._links:
            self._set_pace()
        else:
            self._clock.async_stop()
        if entry.disabled_by is not None:
            self._ledger.forget_entry(entry.entry_id)
            repairs.async_withdraw_entry_issues(self.hass, entry.entry_id)
            self._budget.async_forget(entry.entry_id)
            self._async_review_budget()
            self._refuse(entry.entry_id)
            return
        self._pacer.hold(entry.entry_id)
        if self._pacer.waiting(entry.entry_id):
            self._async_start_grace(entry.entry_id)

    def _set_pace(self) -> None:
        if self._links:
            self._pacer.set_rate(
                min(link.options.max_sends_per_second for link in self._links.values())
            )

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

        Return whether the account was forgotten (its saved record can go too).
        """
        self._refuse(entry_id)
        repairs.async_withdraw_entry_issues(self.hass, entry_id)
        self._budget.async_forget(entry_id)
        if not self._links and not self._pacer.waiting() and not self._pacer.running:
            # The record goes with the account: no save may be scheduled after its removal.
            self._ledger.on_change = None
            self.hass.data.get(ACCOUNTS, {}).pop(self.key, None)
            self._budget.async_withdraw_all(self.name)
            return True
        self._ledger.forget_entry(entry_id)
        self._async_review_budget()
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

    async def async_transmit(
        self, entry_id: str, outgoing: Outgoing, delivery: Delivery
    ) -> None:
        """Admit the SMS, make its requests in their turn, fill `delivery` in as they go.

        Raise a translated error; its `__cause__` is the client's error, and `outcome` on it
        tells whether the SMS may have been sent. After a partial success the error is
        "partially_sent" and `delivery` holds what went out.
        """
        if self._closed:
            raise send_error("stopping")
        link = self._links.get(entry_id)
        if link is None:
            raise send_error("entry_gone")
        reservation = self._admit(
            entry_id, outgoing, link.options.repeat_window, delivery
        )
        await self._async_send_admitted(entry_id, outgoing, reservation, delivery)

    async def async_transmit_test(
        self, client: Http2SmsClient, outgoing: Outgoing
    ) -> Delivery:
        """Send the config flow's test SMS in the account's turn, counted in its day."""
        await self.async_load()
        if self._closed:
            raise send_error("stopping")
        delivery = Delivery()
        reservation = self._admit(TEST_SMS_SENDER, outgoing, 0, delivery)
        await self._async_send_admitted(
            TEST_SMS_SENDER, outgoing, reservation, delivery, client
        )
        return delivery

    def _admit(
        self, entry_id: str, outgoing: Outgoing, window: int, delivery: Delivery
    ) -> Reservation:
        """Hold back repeats and refuse what is over the budget, in one step (no await)."""
        now = dt_util.utcnow()
        request = outgoing.request
        planned = dt_util.as_utc(request.deferred) if request.deferred else None
        day = self._clock.today(now)
        budget, budget_entry = self._tightest_budget()
        try:
            reservation = self._ledger.admit(
                entry_id=entry_id,
                recipients=[
                    Recipient(
                        number,
                        outgoing.contacts.get(number),
                        sms_identity(
                            number,
                            request.message,
                            planned_for=planned,
                            flash=request.flash,
                        ),
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
        delivery.suppressed = tuple(r.number for r in reservation.suppressed)
        delivery.admitted = tuple(r.number for r in reservation.admitted)
        if reservation.suppressed:
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
            self._async_review_budget()
        return reservation

    async def _async_send_admitted(
        self,
        owner: str,
        outgoing: Outgoing,
        reservation: Reservation,
        delivery: Delivery,
        client: Http2SmsClient | None = None,
    ) -> None:
        requests = [
            replace(outgoing.request, recipients=tuple(batch))
            for batch in batch_recipients(list(delivery.admitted))
        ]
        delivery.requests = len(requests)
        try:
            for request in requests:
                try:
                    await self._async_request_in_turn(
                        owner, request, reservation, delivery, client
                    )
                except HomeAssistantError as err:
                    if not delivery.sent:
                        raise
                    total = len(delivery.admitted)
                    accepted = len(delivery.sent)
                    unknown = (
                        len(request.recipients)
                        if failed_outcome(err) is Outcome.UNKNOWN
                        else 0
                    )
                    raise send_error(
                        "partially_sent",
                        accepted=str(accepted),
                        unknown=str(unknown),
                        not_sent=str(total - accepted - unknown),
                        total=str(total),
                    ) from err
        finally:
            # What was never tried (a failure, a cancellation, a refusal) reached nobody.
            reservation.close()
            if len(delivery.sent) != len(delivery.admitted):
                # The spend changed without an acceptance telling the sensors, and what was
                # given back may let the budget send again.
                self._async_review_budget()
                self._async_changed()

    async def _async_request_in_turn(
        self,
        owner: str,
        request: SmsRequest,
        reservation: Reservation,
        delivery: Delivery,
        client: Http2SmsClient | None,
    ) -> None:
        try:
            while True:
                async with self._pacer.turn(owner):
                    link = self._links.get(owner)
                    if client is None and link is None:
                        if not self._pacer.is_held(owner):
                            raise send_error("entry_gone")
                        # Detached between its turn and its start: wait again, held.
                        self._async_start_grace(owner)
                        continue
                    sender = client or link.client  # type: ignore[union-attr]
                    sequence = next(self._sequence)
                    try:
                        result = await sender.send(request)
                    except Http2SmsError as err:
                        if outcome(err) is Outcome.UNKNOWN:
                            # It may have been billed: the budget must not forget it.
                            reservation.may_have_been_sent(
                                request.recipients, dt_util.utcnow()
                            )
                        else:
                            reservation.not_sent(request.recipients)
                        self._async_failed(err, None if client else link)
                        raise translate(err) from err
                    except asyncio.CancelledError:
                        # Cut off by its caller (an automation restarted, a timeout): it
                        # may have been billed all the same.
                        reservation.may_have_been_sent(
                            request.recipients, dt_util.utcnow()
                        )
                        raise
                    break
        finally:
            self._request_done.set()
        self._async_accepted(sequence, request, result, reservation, delivery)

    @callback
    def _async_accepted(
        self,
        sequence: int,
        request: SmsRequest,
        result: SendResult,
        reservation: Reservation,
        delivery: Delivery,
    ) -> None:
        """Record the recipients OVH took; the credit and reachability change with them."""
        for linked_id in self._links:
            repairs.async_withdraw_send_failed(self.hass, linked_id)
        delivery.sent += reservation.accepted(
            request.recipients, result.sms_ids, dt_util.utcnow()
        )
        if result.credits_left is not None:
            delivery.credits_left = result.credits_left
            self._take_credit(sequence, result.credits_left)
        self._set_reachable(True)
        self._async_changed()

    @callback
    def _async_failed(self, err: Http2SmsError, link: _Link | None) -> None:
        if isinstance(err, Http2SmsConnectionError) or (
            isinstance(err, Http2SmsHttpError) and err.http_status >= 500
        ):
            if self._set_reachable(False, err):
                self._async_changed()
        if (
            link is not None
            and isinstance(err, Http2SmsAuthenticationError)
            and self._is_live(link.entry)
        ):
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
        self._clock.async_stop()
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
        await self.async_save()

    async def _async_wait_until(self, done: Callable[[], bool], bound: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(bound):
                while not done():
                    self._request_done.clear()
                    await self._request_done.wait()

    # --- Credit and reachability -------------------------------------------------------------

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `update_callback` when the credit, the reachability or the spend changes."""
        self._listeners.append(update_callback)
        return lambda: self._listeners.remove(update_callback)

    def _take_credit(self, sequence: int, credit: Decimal) -> bool:
        if sequence <= self._credit_sequence:
            return False
        self._credit_sequence = sequence
        self.credit = credit
        return True

    @callback
    def async_restore_credit(self, credit: Decimal) -> None:
        """Take the credit saved before a restart, if no reply of this run gave one."""
        if self.credit is None and self._take_credit(0, credit):
            self._async_changed()

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
            self._async_show_credit(entry_id)
        for update_callback in list(self._listeners):
            update_callback()

    @callback
    def _async_show_credit(self, entry_id: str) -> None:
        repairs.async_show_low_credit(
            self.hass,
            entry_id,
            self.name,
            self.credit,
            self._links[entry_id].options.low_credit_threshold,
        )

    # --- The record of what was sent ---------------------------------------------------------

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

    def _tightest_budget(self) -> tuple[int, str | None]:
        return self._budget.tightest(
            self._ledger,
            {
                entry_id: link.options.daily_budget
                for entry_id, link in self._links.items()
            },
        )

    @callback
    def _async_review_budget(self) -> None:
        self._budget.async_review(
            self.name,
            self._tightest_budget(),
            self.spent_today,
            self._clock.today().utc_start,
        )

    @callback
    def _async_new_day(self) -> None:
        """Midnight, or a time zone change: the budget counts another day."""
        self._budget.figure_lost = False
        self._async_review_budget()
        self._async_changed()

    @callback
    def _async_record_changed(self) -> None:
        """Write the changed record soon (at once if no SMS user is left to wait for)."""
        self._store.schedule_save(self._ledger, SPEND_SAVE_DELAY if self._links else 0)

    async def async_load(self) -> None:
        """Read the record saved before a restart (once per run); a damaged file is no stop."""
        async with self._load_lock:
            if self._loaded:
                return
            ledger, lost = await self._store.async_load(dt_util.utcnow(), self.name)
            self._loaded = True
        self._ledger = ledger
        ledger.on_change = self._async_record_changed
        self._budget.figure_lost = lost

    async def async_save(self) -> None:
        """Write the record now (an unload or a stop must not leave a write pending)."""
        if self._loaded:
            await self._store.async_save(self._ledger)

    async def async_remove_record(self) -> None:
        """Delete the saved record of an account no entry uses any more."""
        await self._store.async_remove()
