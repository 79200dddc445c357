"""Devices of this integration: one per SMS account, one per contact reached through it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .const import CONF_ACCOUNT, CONF_PHONE_NUMBER, DOMAIN
from .contacts import is_stored_number
from .validation import masked_number

if TYPE_CHECKING:
    from . import Http2SmsConfigEntry

MANUFACTURER = "OVHcloud"
# Device models cannot be translated: these read the same in every language.
ACCOUNT_MODEL = "http2sms"
CONTACT_MODEL = "SMS"
CONFIGURATION_URL = "https://www.ovh.com/manager/#/telecom/sms"

# Device info is built with keyword arguments and never read or changed as a dict: it is a
# TypedDict up to Home Assistant 2026.10 and a dataclass from 2026.11, whose dict layer is
# meant to be deprecated. Keyword arguments are what both releases accept.


def account_device_info(entry: Http2SmsConfigEntry) -> DeviceInfo:
    """Return the device of an SMS account (a cloud service, hence entry type service)."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model=ACCOUNT_MODEL,
        name=entry.data[CONF_ACCOUNT],
        configuration_url=CONFIGURATION_URL,
    )


@callback
def async_register_account_device(
    hass: HomeAssistant, entry: Http2SmsConfigEntry
) -> dr.DeviceEntry:
    """Register the device of an SMS account, the same as account_device_info describes.

    Done before the platforms are set up, so that contacts can name it as their via device.
    """
    return dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model=ACCOUNT_MODEL,
        name=entry.data[CONF_ACCOUNT],
        configuration_url=CONFIGURATION_URL,
    )


def contact_device_info(
    entry: Http2SmsConfigEntry, subentry: ConfigSubentry
) -> DeviceInfo:
    """Return the device of a contact, linked to its account's device.

    The device page shows the model id next to the model: the number, masked, so that a
    contact can be told apart from another of the same name without revealing it.
    """
    number = subentry.data.get(CONF_PHONE_NUMBER, "")
    return DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry.subentry_id}")},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model=CONTACT_MODEL,
        model_id=masked_number(number) if is_stored_number(number) else None,
        name=subentry.title,
        # Registered at setup (async_register_account_device); raises ValueError if not.
        via_device_id=dr.async_get_device_id_by_identifier(
            entry.runtime_data.account.hass,
            (DOMAIN, entry.entry_id),
            config_entry_id=entry.entry_id,
        ),
    )
