"""Contacts: a contact's notify entity, its subentry, and how to send it an SMS.

Every way of texting a contact (notify.send_message, the send_sms action, voice) reads the
contact here, so its number, flash and STOP settings mean the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .const import CONF_FLASH, CONF_NO_STOP, CONF_PHONE_NUMBER, DOMAIN
from .sender import SmsOrder, SmsReceipt

if TYPE_CHECKING:
    from . import Http2SmsConfigEntry


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact as its subentry stores it."""

    entity_id: str
    entry_id: str
    subentry_id: str
    name: str
    phone_number: str
    flash: bool
    no_stop: bool


def get_contact(
    hass: HomeAssistant, entity_id: str, entry_id: str | None = None
) -> Contact:
    """Return the contact behind a notify entity of this integration.

    Raise a translated `unknown_contact` error if the entity is not a contact (of `entry_id`,
    when given) or its account is not loaded.
    """
    registry_entry = er.async_get(hass).async_get(entity_id)
    if (
        registry_entry is None
        or registry_entry.platform != DOMAIN
        or registry_entry.domain != NOTIFY_DOMAIN
        or registry_entry.config_entry_id is None
        or registry_entry.config_subentry_id is None
        or (entry_id is not None and registry_entry.config_entry_id != entry_id)
    ):
        raise _unknown_contact(entity_id)
    entry = hass.config_entries.async_get_entry(registry_entry.config_entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise _unknown_contact(entity_id)
    subentry = entry.subentries.get(registry_entry.config_subentry_id)
    if subentry is None:
        raise _unknown_contact(entity_id)
    return Contact(
        entity_id=entity_id,
        entry_id=entry.entry_id,
        subentry_id=subentry.subentry_id,
        name=subentry.title,
        phone_number=subentry.data[CONF_PHONE_NUMBER],
        flash=subentry.data.get(CONF_FLASH, False),
        no_stop=subentry.data.get(CONF_NO_STOP, True),
    )


async def async_send_to_contact(
    hass: HomeAssistant, entity_id: str, message: str, title: str | None = None
) -> SmsReceipt:
    """Send one SMS to a contact, with the contact's own flash and STOP settings.

    The same send path as notify.send_message: every check, the pace, translated errors.
    """
    contact = get_contact(hass, entity_id)
    entry: Http2SmsConfigEntry = hass.config_entries.async_get_known_entry(
        contact.entry_id
    )
    return await entry.runtime_data.async_send(
        SmsOrder(
            numbers=[contact.phone_number],
            message=message,
            title=title,
            flash=contact.flash,
            no_stop=contact.no_stop,
        )
    )


def _unknown_contact(entity_id: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_contact",
        translation_placeholders={"entity_id": entity_id},
    )
