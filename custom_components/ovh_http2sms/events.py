"""The events of every SMS: what it cost, why it failed or was held back, whether it arrived.

The sent, failed, suppressed and delivery events carry neither the text nor a phone number: the
logbook built on them is shown to every user of the home. The sent, failed and suppressed events
carry the caller's context, so the logbook ties them to the automation or script that sent the
SMS. The received event (a reply) is the one exception: see `async_fire_received`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
import math

from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import translation
from homeassistant.util.hass_dict import HassKey

from .const import (
    DOMAIN,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_FAILED,
    EVENT_SMS_RECEIVED,
    EVENT_SMS_SENT,
    EVENT_SMS_SUPPRESSED,
)
from .errors import failed_outcome
from .http2sms import IncomingSms
from .ledger import SentSms

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_CONTACTS = "contacts"
ATTR_RECIPIENTS = "recipients"
ATTR_PARTS = "parts"
ATTR_ENCODING = "encoding"
ATTR_SMS_IDS = "sms_ids"
ATTR_CREDITS_LEFT = "credits_left"
ATTR_REASON = "reason"
ATTR_OUTCOME = "outcome"
ATTR_ENTRY_ID = "entry_id"
ATTR_SMS_ID = "sms_id"
ATTR_STATUS = "status"
ATTR_PTT = "ptt"
ATTR_CONTACT = "contact"
ATTR_TAG = "tag"
ATTR_SENT_AT = "sent_at"
ATTR_STATUS_AT = "status_at"
ATTR_DELAY = "delay"
ATTR_MESSAGE = "message"
ATTR_SENDER = "sender"
ATTR_KEYWORD = "keyword"
ATTR_SHORT_CODE = "short_code"
ATTR_IN_REPLY_TO = "in_reply_to"
# The logbook's texts: this integration's shared texts, each key starting with "logbook_".
LOGBOOK_CATEGORY = "common"
LOGBOOK_PREFIX = "logbook_"


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


def delivery_delay(record: SentSms) -> int | None:
    """Seconds from when the SMS was to leave (sent, or its planned time) to its status.

    None when unknown: no status yet, or a clock set back made it negative.
    """
    if record.status_at is None:
        return None
    start = record.sent_at
    if record.planned_for is not None and record.planned_for > start:
        start = record.planned_for
    seconds = (record.status_at - start).total_seconds()
    return round(seconds) if math.isfinite(seconds) and seconds >= 0 else None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@callback
def async_fire_delivery(
    hass: HomeAssistant, record: SentSms, entry_id: str, contact: str | None
) -> None:
    """Say that an SMS's delivery status changed: which SMS, to which contact, how fast.

    `contact` is the contact's notify entity as it is named now (None: no contact, or gone).
    """
    hass.bus.async_fire(
        EVENT_SMS_DELIVERY,
        {
            ATTR_ENTRY_ID: entry_id,
            ATTR_SMS_ID: record.sms_id,
            ATTR_STATUS: None if record.status is None else record.status.value,
            ATTR_PTT: record.ptt,
            ATTR_CONTACT: contact,
            ATTR_TAG: record.tag,
            ATTR_SENT_AT: _iso(record.sent_at),
            ATTR_DELAY: delivery_delay(record),
        },
    )


@callback
def async_fire_received(
    hass: HomeAssistant,
    *,
    entry_id: str,
    incoming: IncomingSms,
    contact: str | None,
    in_reply_to: str | None,
) -> None:
    """Say that an SMS arrived: what it says, who sent it, which SMS of ours it answers.

    The one event with a phone number and a text: automations act on what a person replied
    ("OK", "STOP") and on who replied, also when the sender is no contact, and nothing else
    carries them. The logbook shows of it only the contact's name or the number's last two
    digits, never the message; the event entity shows neither.
    """
    hass.bus.async_fire(
        EVENT_SMS_RECEIVED,
        {
            ATTR_ENTRY_ID: entry_id,
            ATTR_MESSAGE: incoming.message,
            ATTR_SENDER: incoming.sender_international,
            ATTR_CONTACT: contact,
            ATTR_KEYWORD: incoming.keyword,
            ATTR_SHORT_CODE: incoming.short_code,
            ATTR_TAG: incoming.tag,
            ATTR_SMS_ID: incoming.sms_id,
            ATTR_IN_REPLY_TO: in_reply_to,
        },
    )


@callback
def async_fire_suppressed(
    hass: HomeAssistant,
    *,
    entry_id: str,
    contacts: Sequence[str],
    recipients: int,
    context: Context | None,
) -> None:
    """Say that the repeat guard held an SMS back from `recipients` phones."""
    hass.bus.async_fire(
        EVENT_SMS_SUPPRESSED,
        {
            ATTR_CONFIG_ENTRY_ID: entry_id,
            ATTR_CONTACTS: list(contacts),
            ATTR_RECIPIENTS: recipients,
        },
        context=context,
    )
