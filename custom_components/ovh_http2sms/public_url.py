"""The URL OVHcloud calls back: a Home Assistant Cloud cloudhook, or Home Assistant's own address.

The URL holds the webhook id, the only secret that guards it: nothing here logs either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components import cloud, webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.network import NoURLAvailableError

from .const import CONF_CLOUDHOOK_URL


def _cloud_active(hass: HomeAssistant) -> bool:
    return "cloud" in hass.config.components and cloud.async_active_subscription(hass)


async def _async_create_cloudhook(hass: HomeAssistant, webhook_id: str) -> str | None:
    """Return a new cloudhook, or None while Home Assistant Cloud cannot make one."""
    try:
        return await cloud.async_create_cloudhook(hass, webhook_id)
    # Not connected right now, or the cloud refused: Home Assistant's own URL is shown instead,
    # and the next visit of the step tries again.
    except HomeAssistantError, ValueError:
        return None


async def async_delete_cloudhook(hass: HomeAssistant, data: Mapping[str, Any]) -> None:
    """Delete the entry's cloudhook, if it has one; a cloud already gone is no obstacle."""
    if not data.get(CONF_CLOUDHOOK_URL) or "cloud" not in hass.config.components:
        return
    try:
        await cloud.async_delete_cloudhook(hass, data[CONF_WEBHOOK_ID])
    except HomeAssistantError, ValueError:
        # Gone with the subscription, or never known to this cloud account: nothing to delete.
        return


async def async_public_url(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Return the URL to paste in OVHcloud's Control Panel, or None when there is none.

    With an active Home Assistant Cloud subscription it is the entry's cloudhook, made the first
    time and kept in the entry; otherwise Home Assistant's external URL. A local address is
    never offered: OVHcloud calls from the internet.
    """
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    if _cloud_active(hass):
        if kept := entry.data.get(CONF_CLOUDHOOK_URL):
            return str(kept)
        if made := await _async_create_cloudhook(hass, webhook_id):
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CLOUDHOOK_URL: made}
            )
            return made
    try:
        return webhook.async_generate_url(
            hass, webhook_id, allow_internal=False, prefer_external=True
        )
    except NoURLAvailableError:
        return None


async def async_new_public_url(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give the entry a new webhook id (and cloudhook): the old URL stops working at once.

    The entry's update listener reloads it, which unregisters the old id and registers the new.
    """
    await async_delete_cloudhook(hass, entry.data)
    webhook_id = webhook.async_generate_id()
    data = {
        key: value for key, value in entry.data.items() if key != CONF_CLOUDHOOK_URL
    }
    data[CONF_WEBHOOK_ID] = webhook_id
    if _cloud_active(hass) and (
        made := await _async_create_cloudhook(hass, webhook_id)
    ):
        data[CONF_CLOUDHOOK_URL] = made
    hass.config_entries.async_update_entry(entry, data=data)
