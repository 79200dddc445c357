"""One OVH SMS account for the whole run: its queue, pace, credit and reachability.

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
- what was sent, and the repeat guard, today's spend and the daily budget that read it, are the
  account's record (`record.py`), which it owns; delivery reports are matched in it
  (`deliveries.py`), whichever of the account's SMS users' URL OVHcloud calls.

A send enters the account once (`async_transmit`): admitted through the record (a reservation
that books its cost), its requests made in their turn, each recipient settled as accepted, may
have been sent, or not sent. An SMS admitted before a budget was lowered keeps its booking: the
lowered budget refuses the next admissions, not the queued ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
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
from .const import DOMAIN
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
from .ledger import Reservation
from .options import SmsOptions
from .outgoing import Delivery, Outgoing
from .pacing import Pacer
from .record import GuardCounters, SentRecord
from .record_store import account_digest

_LOGGER = logging.getLogger(__name__)

MAX_CONCURRENT_REQUESTS = 4
# How long queued sends wait for their entry to come back from an unload (a reload takes far
# less), and how long Home Assistant's stop lets queued sends go out before refusing the rest.
DETACHED_GRACE = 10.0
STOP_DRAIN_TIMEOUT = 10.0
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
        self.record = SentRecord(hass, key, self._budgets, self._async_changed)
        self.deliveries = Deliveries(
            hass, account_digest(key), lambda: self.record.ledger
        )
        self._credit_sequence = -1
        self._sequence = itertools.count(1)
        self._pacer = Pacer(SmsOptions().max_sends_per_second, MAX_CONCURRENT_REQUESTS)
        self._links: dict[str, _Link] = {}
        # Read at every SMS (the record's budget): worked out when the SMS users change.
        self._daily_budgets: dict[str, int] = {}
        self._grace_timers: dict[str, asyncio.TimerHandle] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._closed = False
        self._request_done = asyncio.Event()

    @property
    def attached(self) -> tuple[str, ...]:
        """The SMS users (entry ids) attached now."""
        return tuple(self._links)

    @property
    def requests_out(self) -> int:
        """Requests that left the queue and have not ended (on the wire, or about to be)."""
        return self._pacer.running

    @property
    def counters(self) -> GuardCounters:
        """What the runaway guards did in this run."""
        return self.record.counters

    @property
    def spent_today(self) -> int:
        """SMS parts counted since local midnight (the record's figure)."""
        return self.record.spent_today

    @property
    def spend_day_start(self) -> datetime:
        """The local midnight today's spend counts from."""
        return self.record.spend_day_start

    # --- Entries -----------------------------------------------------------------------------

    @callback
    def async_attach(
        self, entry: ConfigEntry, client: Http2SmsClient, options: SmsOptions
    ) -> None:
        """Take an entry (set up or reloaded): its queued sends go on with its new client.

        It sends with the options the record applies (a budget dropped by a downgrade kept).
        """
        options = self.record.async_applied_options(entry, options)
        self._links[entry.entry_id] = _Link(entry, client, options)
        if timer := self._grace_timers.pop(entry.entry_id, None):
            timer.cancel()
        self._links_changed()
        self._pacer.release(entry.entry_id)
        self._async_show_credit(entry.entry_id)
        self.record.async_review_budget()
        self.record.async_start()

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
        self._links_changed()
        if not self._links:
            self.record.async_stop()
        if entry.disabled_by is not None:
            repairs.async_withdraw_entry_issues(self.hass, entry.entry_id)
            self.record.async_forget(entry.entry_id)
            self._refuse(entry.entry_id)
            return
        self._pacer.hold(entry.entry_id)
        if self._pacer.waiting(entry.entry_id):
            self._async_start_grace(entry.entry_id)

    def _budgets(self) -> Mapping[str, int]:
        """Return the daily budgets of the SMS users attached now, as their options say."""
        return self._daily_budgets

    def _links_changed(self) -> None:
        """Follow the attached SMS users' options: their budgets, and the slowest pace."""
        self._daily_budgets = {
            entry_id: link.options.daily_budget
            for entry_id, link in self._links.items()
        }
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
        if not self._links and not self._pacer.waiting() and not self._pacer.running:
            self.record.async_close(entry_id)
            self.hass.data.get(ACCOUNTS, {}).pop(self.key, None)
            return True
        self.record.async_forget(entry_id)
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
        reservation = self.record.admit(
            entry_id, outgoing, link.options.repeat_window, delivery
        )
        await self._async_send_admitted(entry_id, outgoing, reservation, delivery)

    async def async_transmit_test(
        self, client: Http2SmsClient, outgoing: Outgoing
    ) -> Delivery:
        """Send the config flow's test SMS in the account's turn, counted in its day."""
        await self.record.async_load()
        if self._closed:
            raise send_error("stopping")
        delivery = Delivery()
        reservation = self.record.admit(TEST_SMS_SENDER, outgoing, 0, delivery)
        await self._async_send_admitted(
            TEST_SMS_SENDER, outgoing, reservation, delivery, client
        )
        return delivery

    async def _async_send_admitted(
        self,
        owner: str,
        outgoing: Outgoing,
        reservation: Reservation,
        delivery: Delivery,
        client: Http2SmsClient | None = None,
    ) -> None:
        requests = (
            [outgoing.request]
            if delivery.admitted == outgoing.request.recipients
            else [
                replace(outgoing.request, recipients=tuple(batch))
                for batch in batch_recipients(list(delivery.admitted))
            ]
        )
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
                self.record.async_review_budget()
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
        self.record.async_stop()
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
        await self.record.async_save()

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
