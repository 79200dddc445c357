"""Contacts: a contact's notify entity, its subentry, and how to send it an SMS.

Every way of texting a contact (notify.send_message, the send_sms action, voice) reads the
contact here, so its number, flash and STOP settings mean the same everywhere. A contact keeps
its number in http2sms form (0033612345678), read once when it was saved: a later change of
Home Assistant's country never sends it to someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .const import (
    CONF_FLASH,
    CONF_NO_STOP,
    CONF_PHONE_NUMBER,
    CONF_REGION,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from .data import Http2SmsConfigEntry
from .errors import validation_error
from .repairs import async_show_contact_number
from .send import SmsOrder, SmsReceipt, async_send
from .validation import InvalidPhoneNumber, regions_of, to_http2sms_number


def contact_key(entry_id: str, subentry_id: str) -> str:
    """Name a contact for good: its entities' unique id, and the record's name for it.

    A rename of its entities keeps it; a contact removed and added again gets another.
    """
    return f"{entry_id}_{subentry_id}"


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

    @property
    def key(self) -> str:
        """The contact's key (see `contact_key`)."""
        return contact_key(self.entry_id, self.subentry_id)


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
    if not is_stored_number(number := subentry.data.get(CONF_PHONE_NUMBER)):
        raise validation_error("contact_number_to_fix", contact=subentry.title)
    return Contact(
        entity_id=entity_id,
        entry_id=entry.entry_id,
        subentry_id=subentry.subentry_id,
        name=subentry.title,
        phone_number=number,
        flash=subentry.data.get(CONF_FLASH, False),
        no_stop=subentry.data.get(CONF_NO_STOP, True),
    )


async def async_send_to_contact(
    hass: HomeAssistant,
    entity_id: str,
    message: str,
    title: str | None = None,
    context: Context | None = None,
) -> SmsReceipt:
    """Send one SMS to a contact, with the contact's own flash and STOP settings.

    The same send path as notify.send_message: every check, the pace, translated errors.
    """
    contact = get_contact(hass, entity_id)
    entry: Http2SmsConfigEntry = hass.config_entries.async_get_known_entry(
        contact.entry_id
    )
    return await async_send(
        hass,
        entry,
        SmsOrder(
            numbers=[contact.phone_number],
            message=message,
            title=title,
            flash=contact.flash,
            no_stop=contact.no_stop,
            contacts=(entity_id,),
            contact_numbers={contact.phone_number: contact.key},
        ),
        context,
    )


def is_stored_number(number: object) -> TypeGuard[str]:
    """Tell whether a contact's number is in http2sms form, so no country is needed to read it.

    Anything else, damaged storage included, is not: the contact must be fixed by hand.
    """
    return (
        isinstance(number, str)
        and number.startswith("00")
        and number.isascii()
        and number.isdigit()
    )


async def async_migrate_contacts(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Store every contact's number in http2sms form, as it was read when it was saved.

    The previous release kept that reading as the contact's unique id: when the unique id is
    the typed number read in its own country, it is the number, whatever today's country.
    Otherwise the number is read with today's country; one that cannot be read (no country is
    set) is left as typed, and the setup raises a repair issue for it.
    """
    region = hass.config.country
    for subentry in list(entry.subentries.values()):
        number = subentry.data.get(CONF_PHONE_NUMBER)
        if (
            subentry.subentry_type != SUBENTRY_TYPE_RECIPIENT
            or is_stored_number(number)
            or not isinstance(number, str)
        ):
            continue
        read = await hass.async_add_executor_job(
            _number_as_saved, number, subentry.unique_id, region
        )
        if read is None:
            continue
        stored, read_in = read
        hass.config_entries.async_update_subentry(
            entry,
            subentry,
            data={**subentry.data, CONF_PHONE_NUMBER: stored, CONF_REGION: read_in},
        )


def _number_as_saved(
    typed: str, unique_id: str | None, region: str | None
) -> tuple[str, str | None] | None:
    """Return a typed number in http2sms form and the country it is read in, or None.

    Today's country when it reads the number as it was saved (or nothing was saved), else the
    country of the saved reading. Blocking: phonenumbers loads a region's metadata from disk.
    """
    saved = unique_id if unique_id is not None and is_stored_number(unique_id) else None
    candidates = [region] if saved is None else [region, *regions_of(saved)]
    for candidate in dict.fromkeys(candidates):
        try:
            read = to_http2sms_number(typed, candidate)
        except InvalidPhoneNumber:
            continue
        if saved is None or read == saved:
            return read, candidate
    if saved is None:
        return None
    try:
        return to_http2sms_number(typed, region), region
    except InvalidPhoneNumber:
        return None


@callback
def async_show_contacts_to_fix(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Show a repair issue for each contact whose number must be fixed; withdraw the others."""
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT:
            async_show_contact_number(
                hass,
                entry.entry_id,
                subentry.subentry_id,
                subentry.title,
                not is_stored_number(subentry.data.get(CONF_PHONE_NUMBER, "")),
            )


def _unknown_contact(entity_id: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_contact",
        translation_placeholders={"entity_id": entity_id},
    )
