"""The sensors: the account's credit and parts spent today, and each contact's last SMS status.

Every figure is the account's (`account.py`, which reads the spend and the delivery status
from its record of what was sent); the sensors only show them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .account import SmsAccount
from .const import SUBENTRY_TYPE_RECIPIENT
from .data import Http2SmsConfigEntry
from .deliveries import ON_SENT, ON_STATUS
from .entity import AccountEntity, ContactEntity
from .events import (
    ATTR_DELAY,
    ATTR_SENT_AT,
    ATTR_SMS_ID,
    ATTR_STATUS_AT,
    delivery_delay,
)
from .http2sms import DeliveryStatus, read_credit
from .ledger import SentSms

# The sensors are pushed by the account; they never poll.
PARALLEL_UPDATES = 0

CREDITS_DESCRIPTION = SensorEntityDescription(
    key="credits",
    translation_key="credits",
    state_class=SensorStateClass.MEASUREMENT,
)
SPENT_TODAY_DESCRIPTION = SensorEntityDescription(
    key="spent_today",
    translation_key="spent_today",
    state_class=SensorStateClass.TOTAL,
)
DELIVERY_DESCRIPTION = SensorEntityDescription(
    key="delivery",
    translation_key="delivery",
    device_class=SensorDeviceClass.ENUM,
    options=[status.value for status in DeliveryStatus],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's credit and spend sensors, and each contact's delivery sensor."""
    async_add_entities([CreditSensor(entry), SpentTodaySensor(entry)])
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT:
            async_add_entities(
                [DeliverySensor(entry, subentry)],
                config_subentry_id=subentry.subentry_id,
            )


class CreditSensor(AccountEntity, RestoreSensor):
    """Credit left on the SMS account, as read from the last http2sms reply.

    http2sms reports the credit only in the reply to an SMS, so the sensor is unknown until the
    first SMS after installation, and restored from the last figure after a restart.
    """

    entity_description = CREDITS_DESCRIPTION

    def __init__(self, entry: Http2SmsConfigEntry) -> None:
        """Attach the sensor to its account."""
        super().__init__(entry, CREDITS_DESCRIPTION.key)

    @override
    async def async_added_to_hass(self) -> None:
        """Show the account's credit; hand it the figure saved before a restart, if it has none."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._account.async_add_listener(self._async_credit_changed)
        )
        if self._account.credit is None:
            last = await self.async_get_last_sensor_data()
            if last is not None and last.native_value is not None:
                # Read as a reply's figure is: a value saved by an older version may be insane.
                if (credit := read_credit(last.native_value)) is not None:
                    self._account.async_restore_credit(credit)
        self._attr_native_value = self._account.credit

    @property
    @override
    def native_value(self) -> StateType | date | datetime | Decimal:
        """The credit as read, without trailing zeros: 97, not 97.00 (shown "97,00"); 48.5 kept."""
        credit = self._attr_native_value
        if isinstance(credit, Decimal):
            return (
                int(credit)
                if credit == credit.to_integral_value()
                else credit.normalize()
            )
        return credit

    @property
    @override
    def available(self) -> bool:
        """Unavailable while the gateway does not answer: the last figure may be stale."""
        return self._account.reachable

    @callback
    def _async_credit_changed(self) -> None:
        self._attr_native_value = self._account.credit
        self.async_write_ha_state()


class SpentTodaySensor(AccountEntity, SensorEntity):
    """SMS parts spent on the account since local midnight, as the daily budget counts them.

    The account saves its record itself (the budget must survive a restart even if this
    sensor is disabled), so the sensor restores nothing.
    """

    entity_description = SPENT_TODAY_DESCRIPTION

    def __init__(self, entry: Http2SmsConfigEntry) -> None:
        """Attach the sensor to its account."""
        super().__init__(entry, SPENT_TODAY_DESCRIPTION.key)

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the account's figure."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._account.async_add_listener(self.async_write_ha_state)
        )

    @property
    @override
    def native_value(self) -> int:
        """Parts spent today."""
        return self._account.spent_today

    @property
    @override
    def last_reset(self) -> datetime:
        """Today's local midnight: the figure starts again from zero then."""
        return self._account.spend_day_start


class DeliverySensor(ContactEntity, SensorEntity):
    """Where the last SMS to a contact is, as OVHcloud's delivery reports say; never its text.

    Read from the account's record, which is saved: after a restart the sensor shows the last
    SMS again, and a report for it still matches. It follows the contact's SMS once a report
    ever reached the account: until then nothing says that OVHcloud sends any, and a sensor
    that could only say "unknown" is left unknown, not written at every SMS.
    """

    entity_description = DELIVERY_DESCRIPTION

    def __init__(self, entry: Http2SmsConfigEntry, subentry: ConfigSubentry) -> None:
        """Attach the sensor to its contact's device."""
        super().__init__(entry, subentry)
        self._account: SmsAccount = entry.runtime_data.account
        self._attr_unique_id = f"{self._contact}_delivery"
        self._shown: SentSms | None = None

    @override
    async def async_added_to_hass(self) -> None:
        """Show the contact's last SMS on record; follow its sends and reports."""
        await super().async_added_to_hass()
        for kind in (ON_SENT, ON_STATUS):
            self.async_on_remove(
                self._account.deliveries.async_listen(
                    kind, self._contact, self._async_changed
                )
            )
        self._show(self._to_show())

    def _to_show(self) -> SentSms | None:
        deliveries = self._account.deliveries
        if not deliveries.reports_received:
            return None
        return deliveries.last_sent_to(self._contact)

    @callback
    def _async_changed(self, record: SentSms) -> None:
        shown = self._to_show()
        # A late report about an older SMS changes nothing shown: the sensor is the last one's.
        if shown is self._shown and shown is not record:
            return
        self._show(shown)
        self.async_write_ha_state()

    def _show(self, record: SentSms | None) -> None:
        self._shown = record
        if record is None:
            self._attr_native_value = None
            self._attr_extra_state_attributes = {}
            return
        self._attr_native_value = None if record.status is None else record.status.value
        self._attr_extra_state_attributes = {
            ATTR_SENT_AT: record.sent_at.isoformat(),
            ATTR_STATUS_AT: None
            if record.status_at is None
            else record.status_at.isoformat(),
            ATTR_DELAY: delivery_delay(record),
            # Which SMS the state is about: an automation waits for that very one.
            ATTR_SMS_ID: record.sms_id,
        }
