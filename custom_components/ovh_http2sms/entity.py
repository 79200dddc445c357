"""Devices of this integration: one per SMS account, one per contact reached through it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigSubentry
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .const import CONF_ACCOUNT, DOMAIN

if TYPE_CHECKING:
    from . import Http2SmsConfigEntry

MANUFACTURER = "OVHcloud"
# Device models cannot be translated: these read the same in every language.
CONFIGURATION_URL = "https://www.ovh.com/manager/#/telecom/sms"


def account_device_info(entry: Http2SmsConfigEntry) -> DeviceInfo:
    """Return the device of an SMS account (a cloud service, hence entry type service)."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model="http2sms",
        name=entry.data[CONF_ACCOUNT],
        configuration_url=CONFIGURATION_URL,
    )


def contact_device_info(
    entry: Http2SmsConfigEntry, subentry: ConfigSubentry
) -> DeviceInfo:
    """Return the device of a contact, linked to its account's device."""
    info = DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry.subentry_id}")},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model="SMS",
        name=subentry.title,
    )
    if account_device_id := dr.async_get_device_id_by_identifier(
        entry.runtime_data.account.hass,
        (DOMAIN, entry.entry_id),
        config_entry_id=entry.entry_id,
    ):
        info["via_device_id"] = account_device_id
    return info
