"""Logbook lines for every SMS: what it cost, why it failed, whether it arrived, who replied.

Never a text, never a number beyond its last two digits. The logbook is rendered by the server,
so the lines follow Home Assistant's language (as entity names do). A line is attached to the
contact when a contact was the target (or replied), to the account's credit sensor (or its
"SMS received" entity) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.components.logbook.models import LazyEventPartialState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, translation

from .const import (
    DOMAIN,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_FAILED,
    EVENT_SMS_RECEIVED,
    EVENT_SMS_SENT,
)
from .errors import Outcome
from .events import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_CONTACT,
    ATTR_CONTACTS,
    ATTR_DELAY,
    ATTR_ENCODING,
    ATTR_ENTRY_ID,
    ATTR_OUTCOME,
    ATTR_PARTS,
    ATTR_REASON,
    ATTR_RECIPIENTS,
    ATTR_SENDER,
    ATTR_STATUS,
    LOGBOOK_CATEGORY,
)

# The short reason shown for each error of a failed send; anything else was refused before
# sending (the input).
_REASONS = {
    "authentication_failed": "reason_authentication",
    "cannot_connect": "reason_unreachable",
    "partially_sent": "reason_partial",
    "stopping": "reason_stopped",
    "entry_gone": "reason_stopped",
    "service_refused": "reason_refused",
    "invalid_parameter": "reason_refused",
    "sender_not_found": "reason_refused",
    "rate_limited": "reason_refused",
    "http_error": "reason_refused",
    "timeout": "reason_no_answer",
    "connection_broken": "reason_no_answer",
    "invalid_response": "reason_no_answer",
    "http_error_unknown_outcome": "reason_no_answer",
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[LazyEventPartialState], dict[str, Any]]], None
    ],
) -> None:
    """Describe the sent and failed events."""

    def text(key: str, **placeholders: object) -> str:
        for language in (hass.config.language, "en"):
            texts = translation.async_get_cached_translations(
                hass, language, LOGBOOK_CATEGORY, DOMAIN
            )
            if found := texts.get(f"component.{DOMAIN}.{LOGBOOK_CATEGORY}.{key}"):
                return found.format(**placeholders)
        return key

    def attached_to(data: Mapping[str, Any]) -> dict[str, Any]:
        contacts = data.get(ATTR_CONTACTS) or []
        registry = er.async_get(hass)
        if len(contacts) == 1 and data.get(ATTR_RECIPIENTS) == 1:
            entity_id = contacts[0]
        else:
            entity_id = registry.async_get_entity_id(
                "sensor", DOMAIN, f"{data.get(ATTR_CONFIG_ENTRY_ID)}_credits"
            )
        entry = hass.config_entries.async_get_entry(str(data.get(ATTR_CONFIG_ENTRY_ID)))
        state = hass.states.get(entity_id) if entity_id else None
        return {
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
            LOGBOOK_ENTRY_NAME: state.name
            if state is not None
            else (entry.title if entry else DOMAIN),
        }

    def recipients_phrase(data: Mapping[str, Any]) -> str:
        count = int(data.get(ATTR_RECIPIENTS) or 0)
        return text(
            "recipients_one" if count == 1 else "recipients_other", recipients=count
        )

    @callback
    def describe_sent(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        parts = int(data.get(ATTR_PARTS) or 0)
        cost = text(
            "parts_one" if parts == 1 else "parts_other",
            parts=parts,
            encoding=text(f"encoding_{data.get(ATTR_ENCODING)}"),
        )
        where = attached_to(data)
        if where[LOGBOOK_ENTRY_ENTITY_ID] in (data.get(ATTR_CONTACTS) or []):
            message = text("sent", cost=cost)
        else:
            message = text(
                "sent_to_recipients", recipients=recipients_phrase(data), cost=cost
            )
        return {**where, LOGBOOK_ENTRY_MESSAGE: message}

    @callback
    def describe_failed(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        reason = text(_REASONS.get(str(data.get(ATTR_REASON)), "reason_invalid"))
        template = (
            "may_have_been_sent"
            if data.get(ATTR_OUTCOME) == Outcome.UNKNOWN.value
            else "not_sent"
        )
        return {
            **attached_to(data),
            LOGBOOK_ENTRY_MESSAGE: text(template, reason=reason),
        }

    def attached_to_one(
        data: Mapping[str, Any], fallback_key: str, fallback_domain: str
    ) -> dict[str, Any]:
        """Attach to the contact if any, else to an entity of the account (by unique id)."""
        entry_id = str(data.get(ATTR_ENTRY_ID))
        entity_id = data.get(ATTR_CONTACT) or er.async_get(hass).async_get_entity_id(
            fallback_domain, DOMAIN, f"{entry_id}_{fallback_key}"
        )
        entry = hass.config_entries.async_get_entry(entry_id)
        state = hass.states.get(entity_id) if entity_id else None
        return {
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
            LOGBOOK_ENTRY_NAME: state.name
            if state is not None
            else (entry.title if entry else DOMAIN),
        }

    @callback
    def describe_delivery(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        status = str(data.get(ATTR_STATUS))
        delay = data.get(ATTR_DELAY)
        if status == "delivered" and isinstance(delay, int):
            message = text("delivery_delivered", delay=delay_phrase(delay))
        elif status == "delivered":
            message = text("delivery_delivered_no_delay")
        else:
            message = text(f"delivery_{status}")
        return {
            **attached_to_one(data, "credits", "sensor"),
            LOGBOOK_ENTRY_MESSAGE: message,
        }

    def delay_phrase(seconds: int) -> str:
        if seconds < 120:
            return text("delay_seconds", delay=seconds)
        if seconds < 7200:
            return text("delay_minutes", delay=round(seconds / 60))
        return text("delay_hours", delay=round(seconds / 3600))

    @callback
    def describe_received(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        where = attached_to_one(data, "received", "event")
        if data.get(ATTR_CONTACT):
            return {**where, LOGBOOK_ENTRY_MESSAGE: text("replied")}
        entry = hass.config_entries.async_get_entry(str(data.get(ATTR_ENTRY_ID)))
        digits = "".join(c for c in str(data.get(ATTR_SENDER) or "") if c.isdigit())[
            -2:
        ]
        return {
            **where,
            LOGBOOK_ENTRY_NAME: entry.title if entry else DOMAIN,
            LOGBOOK_ENTRY_MESSAGE: text("reply_from_number", digits=digits),
        }

    async_describe_event(DOMAIN, EVENT_SMS_SENT, describe_sent)
    async_describe_event(DOMAIN, EVENT_SMS_FAILED, describe_failed)
    async_describe_event(DOMAIN, EVENT_SMS_DELIVERY, describe_delivery)
    async_describe_event(DOMAIN, EVENT_SMS_RECEIVED, describe_received)
