"""The `send_sms` action: everything http2sms can do that notify.send_message cannot say."""

from __future__ import annotations

from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
    service,
)
import probatio

from .const import CODING_AUTO, CONF_FLASH, CONF_NO_STOP, DOMAIN
from .contacts import get_contact
from .errors import validation_error
from .http2sms import Encoding
from .send import SmsOrder, async_prepare, async_send

SERVICE_SEND_SMS = "send_sms"
ATTR_RECIPIENTS = "recipients"
ATTR_CONTACTS = "contacts"
ATTR_MESSAGE = "message"
ATTR_TITLE = "title"
ATTR_DEFERRED = "deferred"
ATTR_TAG = "tag"
ATTR_SENDER = "sender"
ATTR_SENDER_FOR_RESPONSE = "sender_for_response"
ATTR_CODING = "coding"
ATTR_DRY_RUN = "dry_run"
ATTR_ALLOW_REPEAT = "allow_repeat"

# Only types here: every check whose message the user must read in their language (a bad
# number, a tag too long, a message too long) is made by the sender and raised translated.
SEND_SMS_SCHEMA = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Optional(ATTR_RECIPIENTS, default=list): probatio.All(
            cv.ensure_list, [cv.string]
        ),
        probatio.Optional(ATTR_CONTACTS, default=list): cv.entity_ids,
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Optional(ATTR_TITLE): cv.string,
        probatio.Optional(CONF_FLASH, default=False): cv.boolean,
        probatio.Optional(CONF_NO_STOP, default=True): cv.boolean,
        probatio.Optional(ATTR_DEFERRED): cv.datetime,
        probatio.Optional(ATTR_TAG): cv.string,
        probatio.Optional(ATTR_SENDER): cv.string,
        probatio.Optional(ATTR_SENDER_FOR_RESPONSE, default=False): cv.boolean,
        probatio.Optional(ATTR_CODING, default=CODING_AUTO): probatio.In(
            [CODING_AUTO, *(encoding.value for encoding in Encoding)]
        ),
        probatio.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
        probatio.Optional(ATTR_ALLOW_REPEAT, default=False): cv.boolean,
    }
)


def _contact_numbers(
    hass: HomeAssistant, entry_id: str, entity_ids: list[str]
) -> dict[str, str]:
    """Return the stored number and key of each contact entity, which must be the account's."""
    return {
        contact.phone_number: contact.key
        for contact in (
            get_contact(hass, entity_id, entry_id) for entity_id in entity_ids
        )
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the action once, for every account."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_SMS,
        _async_send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    """Send one SMS to every recipient and contact, in one request when possible."""
    hass = call.hass
    entry_id = call.data.get(ATTR_CONFIG_ENTRY_ID)
    if entry_id is None and call.data[ATTR_CONTACTS]:
        contact = er.async_get(hass).async_get(call.data[ATTR_CONTACTS][0])
        entry_id = (
            contact.config_entry_id if contact and contact.platform == DOMAIN else None
        )
    if entry_id is None and len(hass.config_entries.async_loaded_entries(DOMAIN)) > 1:
        raise validation_error("choose_account")
    entry = service.async_get_config_entry(hass, DOMAIN, entry_id)
    contact_numbers = _contact_numbers(hass, entry.entry_id, call.data[ATTR_CONTACTS])
    numbers = [*call.data[ATTR_RECIPIENTS], *contact_numbers]
    coding = call.data[ATTR_CODING]
    order = SmsOrder(
        numbers=numbers,
        message=call.data[ATTR_MESSAGE],
        title=call.data.get(ATTR_TITLE),
        flash=call.data[CONF_FLASH],
        no_stop=call.data[CONF_NO_STOP],
        deferred=call.data.get(ATTR_DEFERRED),
        tag=call.data.get(ATTR_TAG),
        sender=call.data.get(ATTR_SENDER),
        sender_for_response=call.data[ATTR_SENDER_FOR_RESPONSE],
        coding=None if coding == CODING_AUTO else coding,
        contacts=tuple(call.data[ATTR_CONTACTS]),
        contact_numbers=contact_numbers,
        allow_repeat=call.data[ATTR_ALLOW_REPEAT],
    )
    if call.data[ATTR_DRY_RUN]:
        prepared = await async_prepare(hass, entry.runtime_data, order)
        estimate: dict[str, Any] = prepared.as_response()
        return estimate
    receipt = await async_send(hass, entry, order, call.context)
    response: dict[str, Any] = receipt.as_response()
    return response
