"""One step, no question: the benchmark adds the entry through the config flow API."""

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult


class NullNotifyConfigFlow(ConfigFlow, domain="null_notify"):
    """Create the entry at once."""

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the only entry."""
        return self.async_create_entry(title="Null notify", data={})
