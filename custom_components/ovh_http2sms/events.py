"""The events of every send: what an SMS cost, or why it failed (for automations and logbook).

Neither carries the text or a phone number: the logbook built on them is shown to every user
of the home. Both carry the caller's context, so the logbook ties them to the automation or
script that sent the SMS.
"""

from __future__ import annotations

from collections.abc import Sequence

from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import translation
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, EVENT_SMS_FAILED, EVENT_SMS_SENT
from .errors import failed_outcome

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_CONTACTS = "contacts"
ATTR_RECIPIENTS = "recipients"
ATTR_PARTS = "parts"
ATTR_ENCODING = "encoding"
ATTR_SMS_IDS = "sms_ids"
ATTR_CREDITS_LEFT = "credits_left"
ATTR_REASON = "reason"
ATTR_OUTCOME = "outcome"
# The logbook's texts: a category of this integration's translations of its own.
LOGBOOK_CATEGORY = "logbook"


_LOADED_LANGUAGES: HassKey[set[str]] = HassKey(f"{DOMAIN}_logbook_languages")


async def async_load_logbook_texts(hass: HomeAssistant) -> None:
    """Load the logbook's texts in Home Assistant's language, once per language.

    The logbook describes events synchronously, from the translation cache filled here.
    """
    loaded = hass.data.setdefault(_LOADED_LANGUAGES, set())
    if hass.config.language not in loaded:
        await translation.async_get_translations(
            hass, hass.config.language, LOGBOOK_CATEGORY, [DOMAIN]
        )
        loaded.add(hass.config.language)


@callback
def async_fire_sent(
    hass: HomeAssistant,
    *,
    entry_id: str,
    contacts: Sequence[str],
    recipients: int,
    parts: int,
    encoding: str,
    sms_ids: Sequence[str],
    credits_left: float | None,
    context: Context | None,
) -> None:
    """Say that `recipients` phones got an SMS of `parts` parts."""
    hass.bus.async_fire(
        EVENT_SMS_SENT,
        {
            ATTR_CONFIG_ENTRY_ID: entry_id,
            ATTR_CONTACTS: list(contacts),
            ATTR_RECIPIENTS: recipients,
            ATTR_PARTS: parts,
            ATTR_ENCODING: encoding,
            ATTR_SMS_IDS: list(sms_ids),
            ATTR_CREDITS_LEFT: credits_left,
        },
        context=context,
    )


@callback
def async_fire_failed(
    hass: HomeAssistant,
    *,
    entry_id: str,
    contacts: Sequence[str],
    recipients: int,
    err: HomeAssistantError,
    context: Context | None,
) -> None:
    """Say that a send failed: the error's translation key and whether it may have gone out."""
    hass.bus.async_fire(
        EVENT_SMS_FAILED,
        {
            ATTR_CONFIG_ENTRY_ID: entry_id,
            ATTR_CONTACTS: list(contacts),
            ATTR_RECIPIENTS: recipients,
            ATTR_REASON: err.translation_key,
            ATTR_OUTCOME: failed_outcome(err).value,
        },
        context=context,
    )
