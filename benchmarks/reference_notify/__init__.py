"""Reference notify entities for `benchmarks/perf.py`; never shipped.

Called exactly like a contact of the integration, they measure what no SMS integration can
avoid, so that the benchmark can tell the integration's own time apart:

- "Nothing" sends nothing: what any notify action costs in Home Assistant itself;
- "Bare POST" makes one given http2sms request through Home Assistant's shared HTTP session
  and reads the reply, with nothing else: what making the request from Home Assistant costs.

An entry given a webhook id also serves a webhook registered as the integration registers its
own, whose handler does nothing: what any delivery report costs in Home Assistant itself.
"""

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .const import CONF_WEBHOOK_ID, DOMAIN

PLATFORMS = [Platform.NOTIFY]


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Add the entity, through a config entry and a platform as the integration does."""
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if webhook_id := entry.data.get(CONF_WEBHOOK_ID):
        webhook.async_register(
            hass,
            DOMAIN,
            entry.title,
            webhook_id,
            _async_do_nothing,
            local_only=False,
            allowed_methods=("GET", "POST"),
        )
        entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))
    return True


async def _async_do_nothing(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Answer 200, as the integration's handler does, having done nothing."""
    return web.Response(status=200)


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Remove the entity."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
