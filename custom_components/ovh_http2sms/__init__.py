"""The OVHcloud SMS (http2sms) integration."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, Platform
from homeassistant.core import HassJob, HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from .const import CONF_ACCOUNT, CONF_ENDPOINT, CONF_LOGIN, DOMAIN
from .entity import async_register_account_device
from .http2sms import (
    DEFAULT_ENDPOINT,
    Credentials,
    Http2SmsClient,
    Http2SmsConfigurationError,
)
from .sender import CreditBook, SmsSender
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.NOTIFY, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

type Http2SmsConfigEntry = ConfigEntry[SmsSender]

# Each account's last credit figure, by entry id: it outlives reloads, not the entry.
CREDIT_BOOKS: HassKey[dict[str, CreditBook]] = HassKey(f"{DOMAIN}_credit_books")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the send_sms action, whatever entries are loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> bool:
    """Set up one SMS account.

    http2sms cannot be asked anything without sending an SMS, so setup makes no request: the
    config flow already checked the account, and every send reports its own errors.
    """
    credentials = Credentials(
        account=entry.data[CONF_ACCOUNT],
        login=entry.data[CONF_LOGIN],
        password=entry.data[CONF_PASSWORD],
    )
    try:
        client = Http2SmsClient(
            async_get_clientsession(hass),
            credentials,
            endpoint=entry.data.get(CONF_ENDPOINT) or DEFAULT_ENDPOINT,
        )
    except Http2SmsConfigurationError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="invalid_endpoint"
        ) from err
    credit_book = hass.data.setdefault(CREDIT_BOOKS, {}).setdefault(
        entry.entry_id, CreditBook()
    )
    entry.runtime_data = SmsSender(hass, entry, client, credit_book)
    entry.async_on_unload(
        hass.async_add_shutdown_job(HassJob(entry.runtime_data.async_drain))
    )
    async_register_account_device(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


async def _async_update_listener(
    hass: HomeAssistant, entry: Http2SmsConfigEntry
) -> None:
    """Reload when options change or a contact is added, edited or removed."""
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> bool:
    """Unload an SMS account; its low-credit warning goes too (the restored credit brings it back)."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        ir.async_delete_issue(hass, DOMAIN, entry.runtime_data.low_credit_issue_id)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> None:
    """Forget the credit of an account that is gone."""
    hass.data.get(CREDIT_BOOKS, {}).pop(entry.entry_id, None)
