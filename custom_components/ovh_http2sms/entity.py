"""The base entities: one device per SMS account, one per contact reached through it.

The device info is built once, here; the platforms only say what their entities show.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .account import SmsAccount
from .const import CONF_ACCOUNT, CONF_PHONE_NUMBER, DOMAIN
from .contacts import contact_key, is_stored_number
from .data import Http2SmsConfigEntry
from .validation import masked_number

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


def account_unique_id(entry_id: str, key: str) -> str:
    """Name an entity of the SMS account's device for good (`key`: its description's)."""
    return f"{entry_id}_{key}"


class AccountEntity(Entity):
    """An entity of the SMS account's device, which reads the account's figures."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: Http2SmsConfigEntry, key: str) -> None:
        """Attach the entity to its account and its account's device."""
        self._account: SmsAccount = entry.runtime_data.account
        self._attr_unique_id = account_unique_id(entry.entry_id, key)
        self._attr_device_info = account_device_info(entry)


class ContactEntity(Entity):
    """An entity of a contact's device, linked to its account's device."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: Http2SmsConfigEntry, subentry: ConfigSubentry) -> None:
        """Describe the contact's device.

        The device page shows the model id next to the model: the number, masked, so that a
        contact can be told apart from another of the same name without revealing it.
        """
        number = subentry.data.get(CONF_PHONE_NUMBER, "")
        # The contact's lasting key, which the record names it by: its notify entity's
        # unique id, whatever the entity is named.
        self._contact = contact_key(entry.entry_id, subentry.subentry_id)
        self._attr_unique_id = self._contact
        self._attr_device_info = DeviceInfo(
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
