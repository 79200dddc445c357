"""The intent that texts a contact by name: Assist's sentences and the LLM tool both end here."""

from __future__ import annotations

from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, intent
import probatio

from .assist import (
    ASSISTANT,
    INTENT_SEND_SMS,
    SLOT_CONTACT,
    SLOT_MESSAGE,
    async_error_speech,
    async_named_contacts,
    async_setup_assist,
    async_speech,
    carriable,
    find_contacts,
    spoken,
)
from .contacts import async_send_to_contact
from .http2sms import MAX_PARTS


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intent and its sentences (the intent integration calls this)."""
    intent.async_register(hass, SendSmsIntentHandler())
    async_setup_assist(hass)


class SendSmsIntentHandler(intent.IntentHandler):
    """Send one SMS to a contact exposed to Assist, and say what happened."""

    intent_type = INTENT_SEND_SMS
    description = (
        "Sends one SMS (a text message) to one of the user's contacts through OVHcloud."
        " Use it only when the user asks to text someone, with the words they want sent;"
        " never on your own initiative. Every SMS costs money: it is billed per part of"
        " 160 characters (70 when it holds an emoji or a character outside the GSM"
        " alphabet; 153 and 67 per part beyond one), and a message longer than"
        f" {MAX_PARTS} parts (or the account's own limit) is refused. Only the listed"
        " contacts can be reached, never a phone number. It cannot read or receive SMS."
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """A contact's name or alias, and the message (checked when handled, to say why)."""
        return {
            probatio.Required(SLOT_CONTACT): cv.string,
            probatio.Optional(SLOT_MESSAGE): cv.string,
        }

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Find the contact, send the SMS, answer in the language of the request."""
        hass = intent_obj.hass
        language = intent_obj.language
        slots = self.async_validate_slots(intent_obj.slots)
        name: str = slots[SLOT_CONTACT]["value"]
        message: str = slots.get(SLOT_MESSAGE, {}).get("value", "")
        response = intent_obj.create_response()

        async def refuse(
            key: str, code: intent.IntentResponseErrorCode, **placeholders: str
        ) -> intent.IntentResponse:
            response.async_set_error(
                code, await async_speech(hass, language, key, **placeholders)
            )
            return response

        matches = find_contacts(
            async_named_contacts(hass, intent_obj.assistant or ASSISTANT), name
        )
        if not matches:
            return await refuse(
                "unknown_contact",
                intent.IntentResponseErrorCode.NO_VALID_TARGETS,
                name=spoken(name),
            )
        exposed = [contact for contact in matches if contact.exposed]
        if not exposed:
            return await refuse(
                "not_exposed",
                intent.IntentResponseErrorCode.NO_VALID_TARGETS,
                name=matches[0].name,
            )
        if len(exposed) > 1:
            names = [contact.name for contact in exposed]
            return await refuse(
                "ambiguous_contact",
                intent.IntentResponseErrorCode.NO_VALID_TARGETS,
                name=spoken(name),
                candidates=", ".join(
                    f"{contact.name} ({contact.entity_id})"
                    if names.count(contact.name) > 1
                    else contact.name
                    for contact in exposed
                ),
            )
        [contact] = exposed
        if not message.strip():
            return await refuse(
                "empty_message",
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                name=contact.name,
            )
        if not carriable(message):
            return await refuse(
                "unsupported_characters",
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                name=contact.name,
            )
        try:
            receipt = await async_send_to_contact(hass, contact.entity_id, message)
        except HomeAssistantError as err:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                await async_error_speech(hass, language, err, contact.name),
            )
            return response
        target = intent.IntentResponseTarget(
            name=contact.name,
            type=intent.IntentResponseTargetType.ENTITY,
            id=contact.entity_id,
        )
        response.async_set_results(success_results=[target])
        # No credit: the LLM tool hands this response to the model, which must not see it.
        response.async_set_speech_slots(
            {
                "contact": contact.name,
                "parts": receipt.parts,
                "encoding": receipt.encoding.value,
            }
        )
        if not receipt.recipients:
            # The repeat guard held it back: saying "sent" would be untrue.
            speech = await async_speech(
                hass, language, "not_sent_again", name=contact.name
            )
        elif receipt.parts > 1:
            speech = await async_speech(
                hass,
                language,
                "sent_parts",
                name=contact.name,
                parts=str(receipt.parts),
            )
        else:
            speech = await async_speech(hass, language, "sent", name=contact.name)
        response.async_set_speech(speech)
        return response
