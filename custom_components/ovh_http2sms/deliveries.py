"""What the account knows of where its SMS are: delivery reports applied, last SMS per contact.

OVHcloud reports delivery to whichever SMS user's URL it was given, and a reply comes to the
account's one "Call a CGI" URL: both are the account's, matched in its one record of what was
sent (`ledger.py`). One change of status fires one event and tells the contact's sensor; a
duplicate, a stale report or an id this Home Assistant did not send is only counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
import logging

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .events import async_fire_delivery
from .http2sms import DeliveryReport
from .ledger import DeliveryStatus as RecordedStatus, Ledger, SentSms
from .rate_limit import REPLY_BURST, REPLY_INTERVAL, TokenBucket

# What a contact's entities hear of (`Deliveries.async_listen`): an SMS accepted for the
# contact, a status change of one.
ON_SENT = "sent"
ON_STATUS = "status"

type ContactListener = Callable[[SentSms], None]

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class CallbackCounters:
    """What OVHcloud's callbacks (or anyone who has the URL) did in this run: figures only."""

    reports_applied: int = 0
    duplicates: int = 0
    unknown_ids: int = 0
    replies: int = 0
    garbage: int = 0
    # Replies past the account's allowance (`rate_limit.py`).
    dropped_by_rate: int = 0


class Deliveries:
    """The account's delivery reports and each contact's last SMS, read from its record."""

    def __init__(
        self, hass: HomeAssistant, digest: str, ledger: Callable[[], Ledger]
    ) -> None:
        """Start with nothing reported.

        `digest` names the account in signal names; `ledger` returns the account's record,
        which is replaced once, when the record saved before a restart is read.
        """
        self.hass = hass
        self.counters = CallbackCounters()
        # Replies the account lets fire events, whichever SMS user's URL they come to.
        self.reply_allowance = TokenBucket(REPLY_BURST, REPLY_INTERVAL)
        self._digest = digest
        self._ledger = ledger
        self._indexed: Ledger | None = None
        # The last SMS sent to each contact (by its key), for its delivery sensor.
        self._last_to_contact: dict[str, SentSms] = {}
        # Each contact's entities, by what they hear of and the contact's key.
        self._listeners: dict[tuple[str, str], list[ContactListener]] = {}

    @property
    def received_signal(self) -> str:
        """Name the dispatcher signal of the account's replies (its event entities hear it)."""
        return f"{DOMAIN}_received_{self._digest}"

    @callback
    def async_listen(
        self, kind: str, contact: str, listener: ContactListener
    ) -> CALLBACK_TYPE:
        """Call `listener` with each SMS of a contact (its key) sent, or whose status changed.

        An SMS wakes its own contact's entities only, however many contacts there are, and
        nothing on the way: this runs on every send.
        """
        listeners = self._listeners.setdefault((kind, contact), [])
        listeners.append(listener)

        @callback
        def async_stop_listening() -> None:
            listeners.remove(listener)
            if not listeners:
                self._listeners.pop((kind, contact), None)

        return async_stop_listening

    @property
    def reports_received(self) -> bool:
        """Tell whether OVHcloud's delivery reports ever reached the account (saved)."""
        return self._ledger().reports_received

    def last_sent_to(self, contact: str) -> SentSms | None:
        """Return the last SMS on record sent to a contact (its key)."""
        return self._index().get(contact)

    def contact_entity(self, record: SentSms) -> str | None:
        """Return the notify entity of the SMS's contact as it is named now (None: gone)."""
        if record.contact is None:
            return None
        return er.async_get(self.hass).async_get_entity_id(
            NOTIFY_DOMAIN, DOMAIN, record.contact
        )

    def find(self, sms_id: str) -> SentSms | None:
        """Return the SMS on record OVHcloud gave this id, if it was sent from here."""
        return self._ledger().find(sms_id)

    def _index(self) -> dict[str, SentSms]:
        """Each contact's last SMS OVHcloud accepted, found again after a restart.

        An SMS whose request broke after it left may have been sent, but no id came back and
        no report will: it is not shown, as it was not before the restart.
        """
        ledger = self._ledger()
        if ledger is not self._indexed:
            self._indexed = ledger
            self._last_to_contact = {
                record.contact: record
                for record in ledger.records()
                if record.contact is not None and record.outcome_known
            }
        return self._last_to_contact

    @callback
    def async_sent(self, records: Iterable[SentSms]) -> None:
        """Note SMS just accepted: each contact's sensor and notify entity hear of theirs."""
        index = self._index()
        for record in records:
            if record.contact is not None:
                index[record.contact] = record
                self._async_tell_contact(ON_SENT, record)

    @callback
    def async_report(self, report: DeliveryReport, entry_id: str) -> SentSms | None:
        """Apply a report to the record; one change fires one event, anything else is counted.

        The event names the SMS user that sent the SMS, or `entry_id` (whose URL got the
        report) when that is no entry any more, or never was (the config flow's test SMS).
        """
        ledger = self._ledger()
        first_report = not ledger.reports_received
        record = ledger.apply_report(
            report.sms_id, RecordedStatus(report.status), dt_util.utcnow(), report.ptt
        )
        if record is None:
            if ledger.find(report.sms_id) is None:
                self.counters.unknown_ids += 1
            else:
                self.counters.duplicates += 1
            return None
        self.counters.reports_applied += 1
        sender = self.hass.config_entries.async_get_entry(record.entry_id)
        async_fire_delivery(
            self.hass,
            record,
            entry_id if sender is None else record.entry_id,
            self.contact_entity(record),
        )
        if first_report:
            # Reports do come: every contact's sensor shows its last SMS from now on.
            for last in self._index().values():
                if last.contact != record.contact:
                    self._async_tell_contact(ON_STATUS, last)
        self._async_tell_contact(ON_STATUS, record)
        return record

    @callback
    def _async_tell_contact(self, kind: str, record: SentSms) -> None:
        """Tell the entities of the SMS's contact, whatever they are named now."""
        if record.contact is not None:
            for listener in tuple(self._listeners.get((kind, record.contact), ())):
                try:
                    listener(record)
                except Exception:
                    # An entity's fault never turns an SMS that left into an error (and a
                    # retry that sends it twice).
                    _LOGGER.exception("Error showing an SMS on its contact's entities")
