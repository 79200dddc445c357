"""Logbook lines for every SMS: what it cost, why it failed, whether it arrived, who replied.

Never a text, never a number beyond its last two digits. Home Assistant's logbook cannot follow
each viewer's language: it hands a describer the event alone (no viewer, no language), and shows
the `message` it returns as it is; an entry cannot carry a translation key. So the lines are
rendered here, in Home Assistant's language (as entity names are), each from one whole translated
text per kind of line, with only figures and short tokens in its placeholders. A line is attached
to the contact when a contact was the target (or replied), to the account's credit sensor (or its
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
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, translation

from .const import (
    DOMAIN,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_FAILED,
    EVENT_SMS_RECEIVED,
    EVENT_SMS_SENT,
    EVENT_SMS_SUPPRESSED,
)
from .entity import account_unique_id
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
    LOGBOOK_PREFIX,
    async_load_logbook_texts,
)
from .reasons import failure_kind


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[LazyEventPartialState], dict[str, Any]]], None
    ],
) -> None:
    """Describe the sent, failed, suppressed, delivery and received events."""

    def text(key: str, **placeholders: object) -> str:
        path = f"component.{DOMAIN}.{LOGBOOK_CATEGORY}.{LOGBOOK_PREFIX}{key}"
        for language in (hass.config.language, "en"):
            texts = translation.async_get_cached_translations(
                hass, language, LOGBOOK_CATEGORY, DOMAIN
            )
            if found := texts.get(path):
                return found.format(**placeholders)
        return key

    def account_entity(entry_id: str, key: str, domain: str) -> str | None:
        return er.async_get(hass).async_get_entity_id(
            domain, DOMAIN, account_unique_id(entry_id, key)
        )

    def line_of(entity_id: str | None, entry_id: str) -> dict[str, Any]:
        """Attach a line to an entity, named as shown; the account's title when it is gone."""
        entry = hass.config_entries.async_get_entry(entry_id)
        state = hass.states.get(entity_id) if entity_id else None
        return {
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
            LOGBOOK_ENTRY_NAME: state.name
            if state is not None
            else (entry.title if entry else DOMAIN),
        }

    def attached_to(data: Mapping[str, Any]) -> dict[str, Any]:
        contacts = data.get(ATTR_CONTACTS) or []
        entry_id = str(data.get(ATTR_CONFIG_ENTRY_ID))
        if len(contacts) == 1 and data.get(ATTR_RECIPIENTS) == 1:
            return line_of(contacts[0], entry_id)
        return line_of(account_entity(entry_id, "credits", "sensor"), entry_id)

    @callback
    def describe_sent(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        parts = int(data.get(ATTR_PARTS) or 0)
        recipients = int(data.get(ATTR_RECIPIENTS) or 0)
        encoding = text(f"encoding_{data.get(ATTR_ENCODING)}")
        where = attached_to(data)
        line = "sent" if recipients <= 1 else "sent_to_recipients"
        message = text(
            f"{line}_{'one_part' if parts == 1 else 'parts'}",
            parts=parts,
            recipients=recipients,
            encoding=encoding,
        )
        return {**where, LOGBOOK_ENTRY_MESSAGE: message}

    @callback
    def describe_failed(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        kind = failure_kind(
            str(data.get(ATTR_REASON)),
            Outcome.UNKNOWN
            if data.get(ATTR_OUTCOME) == Outcome.UNKNOWN.value
            else Outcome.NOT_SENT,
        )
        return {**attached_to(data), LOGBOOK_ENTRY_MESSAGE: text(f"failed_{kind}")}

    def attached_to_one(
        data: Mapping[str, Any], fallback_key: str, fallback_domain: str
    ) -> dict[str, Any]:
        """Attach to the contact if any, else to an entity of the account (by unique id)."""
        entry_id = str(data.get(ATTR_ENTRY_ID))
        entity_id = data.get(ATTR_CONTACT) or account_entity(
            entry_id, fallback_key, fallback_domain
        )
        return line_of(entity_id, entry_id)

    @callback
    def describe_delivery(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        status = str(data.get(ATTR_STATUS))
        delay = data.get(ATTR_DELAY)
        if status == "delivered" and isinstance(delay, int):
            message = delivered_after(delay)
        elif status == "delivered":
            message = text("delivery_delivered_no_delay")
        else:
            message = text(f"delivery_{status}")
        return {
            **attached_to_one(data, "credits", "sensor"),
            LOGBOOK_ENTRY_MESSAGE: message,
        }

    def delivered_after(seconds: int) -> str:
        if seconds < 120:
            return text("delivery_delivered_seconds", delay=seconds)
        if seconds < 7200:
            return text("delivery_delivered_minutes", delay=round(seconds / 60))
        return text("delivery_delivered_hours", delay=round(seconds / 3600))

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

    @callback
    def describe_suppressed(event: LazyEventPartialState) -> dict[str, Any]:
        data = event.data
        recipients = int(data.get(ATTR_RECIPIENTS) or 0)
        message = text(
            "repeat_one" if recipients == 1 else "repeat_other", recipients=recipients
        )
        return {**attached_to(data), LOGBOOK_ENTRY_MESSAGE: message}

    async def async_load_texts(_: Event | None = None) -> None:
        await async_load_logbook_texts(hass)

    # Lines are described synchronously, from texts loaded now and at each change of language.
    hass.async_create_task(async_load_texts(), eager_start=True)
    hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, async_load_texts)
    async_describe_event(DOMAIN, EVENT_SMS_SENT, describe_sent)
    async_describe_event(DOMAIN, EVENT_SMS_FAILED, describe_failed)
    async_describe_event(DOMAIN, EVENT_SMS_SUPPRESSED, describe_suppressed)
    async_describe_event(DOMAIN, EVENT_SMS_DELIVERY, describe_delivery)
    async_describe_event(DOMAIN, EVENT_SMS_RECEIVED, describe_received)
