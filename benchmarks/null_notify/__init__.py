"""A notify entity that sends nothing, for `benchmarks/perf.py`; never shipped.

Called like a contact of the integration, it measures what any notify action costs in Home
Assistant itself, so that the benchmark can tell the integration's own overhead apart.
"""

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

PLATFORMS = [Platform.NOTIFY]


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Add the entity, through a config entry and a platform as the integration does."""
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Remove the entity."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
