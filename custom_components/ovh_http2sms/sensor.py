"""The account's sensors: the credit its last reply reported, and the SMS parts spent today.

Both figures are the account's (`account.py`, which reads the spend from its record of what
was sent); the sensors only show them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .data import Http2SmsConfigEntry
from .entity import AccountEntity
from .http2sms import read_credit

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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's credit and spend sensors."""
    async_add_entities([CreditSensor(entry), SpentTodaySensor(entry)])


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
