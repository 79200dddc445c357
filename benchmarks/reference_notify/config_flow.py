"""One form: with no address the entry's entity sends nothing; with one, it POSTs the body.

With a webhook id, the entry also serves a webhook that does nothing.
"""

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
import probatio

from .const import CONF_BODY, CONF_POST_TO, CONF_WEBHOOK_ID, DOMAIN


class ReferenceNotifyConfigFlow(ConfigFlow, domain=DOMAIN):
    """Create an entry from the benchmark's values."""

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the address and the form-encoded body to POST (both empty: nothing)."""
        if user_input is None:
            return self.async_show_form(
                step_id="user",
                data_schema=probatio.Schema(
                    {
                        probatio.Optional(CONF_POST_TO, default=""): str,
                        probatio.Optional(CONF_BODY, default=""): str,
                        probatio.Optional(CONF_WEBHOOK_ID, default=""): str,
                    }
                ),
            )
        title = "Bare POST" if user_input[CONF_POST_TO] else "Nothing"
        return self.async_create_entry(title=title, data=user_input)
