"""The account's "SMS received" event entity: a reply, the Home Assistant way.

It shows who replied (the contact, or the number's last two digits) and which SMS of ours it
answers, never what was written nor the whole number: the UI and the history show it to every
user of the home. Automations that need the text or the number use the received event.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import Http2SmsConfigEntry
from .entity import AccountEntity
from .replies import Received

# Pushed by the webhook; nothing to poll or to limit.
PARALLEL_UPDATES = 0

EVENT_TYPE_RECEIVED = "received"

RECEIVED_DESCRIPTION = EventEntityDescription(
    key="received",
    translation_key="received",
    event_types=[EVENT_TYPE_RECEIVED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's "SMS received" event entity."""
    async_add_entities([ReceivedEventEntity(entry)])


class ReceivedEventEntity(AccountEntity, EventEntity):
    """Fires `received` for every reply to the account, whichever SMS user's URL got it."""

    entity_description = RECEIVED_DESCRIPTION

    def __init__(self, entry: Http2SmsConfigEntry) -> None:
        """Attach the entity to its account."""
        super().__init__(entry, RECEIVED_DESCRIPTION.key)

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the account's replies."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                self._account.deliveries.received_signal,
                self._async_received,
            )
        )

    @callback
    def _async_received(self, received: Received) -> None:
        self._trigger_event(EVENT_TYPE_RECEIVED, asdict(received))
        self.async_write_ha_state()
