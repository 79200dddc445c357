"""Repairs: fix a contact whose saved number cannot be read without a country."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .const import CONF_PHONE_NUMBER, CONF_REGION
from .validation import InvalidPhoneNumber, parse_phone_number


class ContactNumberRepairFlow(RepairsFlow):
    """Ask for the contact's number again and store it in http2sms form."""

    def __init__(self, entry_id: str, subentry_id: str) -> None:
        """Remember which contact this is."""
        self._entry_id = entry_id
        self._subentry_id = subentry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start with the number form (the repairs integration passes the issue data here)."""
        return await self.async_step_number()

    async def async_step_number(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the number as saved and take the corrected one."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or self._subentry_id not in entry.subentries:
            return self.async_abort(reason="contact_gone")
        subentry = entry.subentries[self._subentry_id]
        errors: dict[str, str] = {}
        if user_input is not None:
            region = self.hass.config.country
            try:
                phone = await self.hass.async_add_executor_job(
                    parse_phone_number, user_input[CONF_PHONE_NUMBER], region
                )
            except InvalidPhoneNumber as err:
                errors[CONF_PHONE_NUMBER] = err.reason
            else:
                self.hass.config_entries.async_update_subentry(
                    entry,
                    subentry,
                    data={
                        **subentry.data,
                        CONF_PHONE_NUMBER: phone.http2sms,
                        CONF_REGION: region,
                    },
                    unique_id=phone.http2sms,
                )
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="number",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_PHONE_NUMBER): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.TEL)
                    )
                }
            ),
            errors=errors,
            description_placeholders={
                "contact": subentry.title,
                "number": subentry.data.get(CONF_PHONE_NUMBER, ""),
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the flow that fixes a contact's number."""
    assert data is not None
    return ContactNumberRepairFlow(str(data["entry_id"]), str(data["subentry_id"]))
