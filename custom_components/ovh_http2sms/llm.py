"""The LLM tool: any agent using the Assist API can text a contact exposed to Assist.

The llm integration asks this platform for its tools each time an agent starts; while no
contact is exposed there is no tool, so a model is not even told SMS exist.
"""

from __future__ import annotations

from typing import override

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import intent
from homeassistant.helpers.llm import (
    LLM_API_ASSIST,
    IntentTool,
    LLMContext,
    Tool,
    ToolAnnotations,
    ToolInput,
    ToolResult,
)
import probatio

from .assist import INTENT_SEND_SMS, SLOT_CONTACT, SLOT_MESSAGE, async_named_contacts
from .const import DOMAIN

TOOL_NAME = f"{DOMAIN}__send_sms"


class SendSmsTool(IntentTool):
    """The send intent as a tool, with its arguments checked before anything is sent."""

    def __init__(self, handler: intent.IntentHandler, names: list[str]) -> None:
        """Offer the exposed contacts' names and aliases as the only choices."""
        super().__init__(
            TOOL_NAME,
            handler,
            title="Send an SMS",
            integration=DOMAIN,
            # It reaches a person outside Home Assistant, and sends again on every call.
            annotations=ToolAnnotations(
                read_only=False, destructive=False, idempotent=False, open_world=True
            ),
        )
        self.parameters = probatio.Schema(
            {
                probatio.Required(
                    SLOT_CONTACT, description="The contact's name, as listed."
                ): probatio.In(names),
                probatio.Required(
                    SLOT_MESSAGE,
                    description="The exact text of the SMS, as the user wants it sent.",
                ): intent.non_empty_string,
            }
        )

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult:
        """Refuse arguments the schema does not allow (probatio.Invalid), then send."""
        arguments = self.parameters(tool_input.tool_args)
        result = await super().async_call(
            hass,
            ToolInput(tool_name=tool_input.tool_name, tool_args=arguments),
            llm_context,
        )
        result.error = (
            result.data.get("response_type") == intent.IntentResponseType.ERROR.value
        )
        return result


@callback
def async_get_tools(
    hass: HomeAssistant, llm_context: LLMContext, api_id: str
) -> LLMTools | None:
    """Return the SMS tool while at least one contact is exposed to the assistant."""
    if api_id != LLM_API_ASSIST:
        return None
    names = list(
        dict.fromkeys(
            name
            for contact in async_named_contacts(hass, llm_context.assistant)
            if contact.exposed
            for name in contact.names
        )
    )
    handler = next(
        (
            handler
            for handler in intent.async_get(hass)
            if handler.intent_type == INTENT_SEND_SMS
        ),
        None,
    )
    if not names or handler is None:
        return None
    tools: list[Tool] = [SendSmsTool(handler, names)]
    return LLMTools(tools=tools)
