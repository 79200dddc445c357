"""The notify entity that sends nothing."""

from homeassistant.components.notify import NotifyEntity, NotifyEntityFeature
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the one entity of the entry."""
    async_add_entities([NullNotifyEntity(entry)])


class NullNotifyEntity(NotifyEntity):
    """Accept a message like a contact does, and drop it."""

    _attr_has_entity_name = True
    _attr_name = "Null"
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: ConfigEntry) -> None:
        """Identify the entity by its entry, as registered entities are."""
        self._attr_unique_id = entry.entry_id

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send nothing."""
