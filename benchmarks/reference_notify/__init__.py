"""Reference notify entities for `benchmarks/perf.py`; never shipped.

Called exactly like a contact of the integration, they measure what no SMS integration can
avoid, so that the benchmark can tell the integration's own time apart:

- "Nothing" sends nothing: what any notify action costs in Home Assistant itself;
- "Bare POST" makes one given http2sms request through Home Assistant's shared HTTP session
  and reads the reply, with nothing else: what making the request from Home Assistant costs.
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
