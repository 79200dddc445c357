"""The OVHcloud SMS (http2sms) integration."""

from __future__ import annotations

import logging

from homeassistant.components import webhook as ha_webhook
from homeassistant.const import CONF_PASSWORD, CONF_WEBHOOK_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .account import async_get_account
from .const import CONF_ACCOUNT, CONF_ENDPOINT, CONF_LOGIN, CONF_SENDER, DOMAIN
from .contacts import async_migrate_contacts, async_show_contacts_to_fix
from .data import Http2SmsConfigEntry, Http2SmsData
from .entity import async_register_account_device
from .http2sms import (
    DEFAULT_ENDPOINT,
    DEFAULT_TIMEOUT,
    Credentials,
    Http2SmsClient,
    Http2SmsConfigurationError,
)
from .options import SmsOptions
from .public_url import async_delete_cloudhook
from .services import async_setup_services
from .webhook import async_register_webhook

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]
# How long one send may take: OVH's replies take well under a second, a stalled one is cut here.
SEND_TIMEOUT = DEFAULT_TIMEOUT
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the send_sms action, whatever entries are loaded."""
    async_setup_services(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> bool:
    """Bring an entry saved by an older version up to date.

    Minor version 2: each contact's number is stored as it was meant when it was saved.
    Contacts saved before kept the number as typed, read again with whatever country Home
    Assistant had at each send: a country change sent the SMS to a stranger.
    Minor version 3: the entry gets the secret id of its webhook.
    """
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        await async_migrate_contacts(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=2)
    if entry.minor_version < 3:
        _migrate_webhook_id(hass, entry)
    return True


def _migrate_webhook_id(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> None:
    """Give an entry saved before delivery reports its webhook's secret id (minor version 3)."""
    data = dict(entry.data)
    data.setdefault(CONF_WEBHOOK_ID, ha_webhook.async_generate_id())
    hass.config_entries.async_update_entry(
        entry, data=data, minor_version=max(entry.minor_version, 3)
    )


async def async_setup_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> bool:
    """Set up one SMS user of an SMS account and attach it to the account's one object.

    http2sms cannot be asked anything without sending an SMS, so setup makes no request: the
    config flow already checked the account, and every send reports its own errors.
    """
    try:
        client = Http2SmsClient(
            async_get_clientsession(hass),
            Credentials(
                account=entry.data[CONF_ACCOUNT],
                login=entry.data[CONF_LOGIN],
                password=entry.data[CONF_PASSWORD],
            ),
            endpoint=entry.data.get(CONF_ENDPOINT) or DEFAULT_ENDPOINT,
            timeout=SEND_TIMEOUT,
        )
    except Http2SmsConfigurationError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="invalid_endpoint"
        ) from err
    if CONF_WEBHOOK_ID not in entry.data:
        # Lost by a hand edit or a downgrade and upgrade: a new URL, not a failed setup.
        _migrate_webhook_id(hass, entry)
    account = async_get_account(
        hass, entry.data[CONF_ACCOUNT], entry.data.get(CONF_ENDPOINT)
    )
    await account.record.async_load()
    options = SmsOptions.from_options(entry.options)
    entry.runtime_data = Http2SmsData(
        account=account, client=client, options=options, sender=entry.data[CONF_SENDER]
    )
    account.async_attach(entry, client, options)
    # Before the update listener: a copied entry's id, already served, is replaced here.
    async_register_webhook(hass, entry)
    async_register_account_device(hass, entry)
    async_show_contacts_to_fix(hass, entry)
    # The contacts' notify entities come first: their delivery sensors find them by entity id.
    for platforms in (
        [p for p in PLATFORMS if p is Platform.NOTIFY],
        [p for p in PLATFORMS if p is not Platform.NOTIFY],
    ):
        await hass.config_entries.async_forward_entry_setups(entry, platforms)
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


async def _async_update_listener(
    hass: HomeAssistant, entry: Http2SmsConfigEntry
) -> None:
    """Reload when options change or a contact is added, edited or removed.

    Queued sends wait for the reload and go out with the new settings, once.
    """
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> bool:
    """Unload an SMS user: its queued sends wait for a reload, or are refused if disabled."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        entry.runtime_data.account.async_detach(entry)
        await entry.runtime_data.account.record.async_save()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> None:
    """Refuse the queued sends of a removed SMS user; nothing of it is sent afterwards.

    Its Home Assistant Cloud URL is deleted too: it would stay public for nothing.
    """
    await async_delete_cloudhook(hass, entry.data)
    account = async_get_account(
        hass, entry.data[CONF_ACCOUNT], entry.data.get(CONF_ENDPOINT)
    )
    if account.async_forget(entry.entry_id):
        await account.record.async_remove()
