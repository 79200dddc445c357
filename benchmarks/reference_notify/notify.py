"""The reference entity of an entry: it sends nothing, or makes one bare POST."""

from homeassistant.components.notify import NotifyEntity, NotifyEntityFeature
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_BODY, CONF_POST_TO


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the one entity of the entry."""
    async_add_entities([ReferenceNotifyEntity(entry)])


class ReferenceNotifyEntity(NotifyEntity):
    """Accept a message like a contact does; drop it, or POST the entry's fixed body."""

    _attr_has_entity_name = True
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: ConfigEntry) -> None:
        """Identify the entity by its entry, as registered entities are."""
        self._attr_unique_id = entry.entry_id
        self._attr_name = entry.title
        self._post_to: str = entry.data[CONF_POST_TO]
        self._body = entry.data[CONF_BODY].encode()

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """POST the body and read the reply, if there is an address; else nothing."""
        if not self._post_to:
            return
        async with async_get_clientsession(self.hass).post(
            self._post_to,
            data=self._body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as reply:
            reply.raise_for_status()
            await reply.read()
