"""One notify entity per contact, so notify.send_message reaches a phone by SMS."""

from __future__ import annotations

from typing import override

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_FLASH, CONF_NO_STOP, CONF_PHONE_NUMBER, SUBENTRY_TYPE_RECIPIENT
from .contacts import async_send_to_contact, is_stored_number
from .data import Http2SmsConfigEntry
from .deliveries import ON_SENT
from .entity import ContactEntity
from .ledger import SentSms
from .validation import formats_to_read, masked_number, preload_number_formats

# Sends are queued and paced by the account, not by the entity platform.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one notify entity per contact."""
    contacts = [
        subentry
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
    ]
    # Each entity shows its number masked in its country's grouping, read from disk once
    # (a reload awaits nothing: the entities come back at once).
    if unread := formats_to_read(
        number
        for subentry in contacts
        if is_stored_number(number := subentry.data.get(CONF_PHONE_NUMBER, ""))
    ):
        await hass.async_add_executor_job(preload_number_formats, unread)
    for subentry in contacts:
        async_add_entities(
            [ContactNotifyEntity(entry, subentry)],
            config_subentry_id=subentry.subentry_id,
        )


class ContactNotifyEntity(ContactEntity, NotifyEntity):
    """A contact: its phone number and how SMS should reach it (flash, STOP mention)."""

    _attr_name = None
    _attr_translation_key = "contact"
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: Http2SmsConfigEntry, subentry: ConfigSubentry) -> None:
        """Describe the contact from its subentry."""
        super().__init__(entry, subentry)
        # What the entity's page shows: which number (masked) and how SMS reach it.
        number = subentry.data.get(CONF_PHONE_NUMBER, "")
        self._attr_extra_state_attributes = {
            "phone_number": masked_number(number) if is_stored_number(number) else None,
            "flash": subentry.data.get(CONF_FLASH, False),
            "no_stop": subentry.data.get(CONF_NO_STOP, True),
        }
        self._account = entry.runtime_data.account
        # Sends of notify.send_message under way: Home Assistant records those itself.
        self._own_sends = 0

    @override
    async def async_added_to_hass(self) -> None:
        """Say when the contact got an SMS, whichever way it went (action, voice, notify)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._account.deliveries.async_listen(
                ON_SENT, self._contact, self._async_sent
            )
        )

    @callback
    def _async_sent(self, _record: SentSms) -> None:
        if not self._own_sends:
            self._async_record_notification()

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send one SMS to this contact (the title, if any, on its own first line)."""
        self._own_sends += 1
        try:
            await async_send_to_contact(
                self.hass, self.entity_id, message, title, self._context
            )
        finally:
            self._own_sends -= 1
