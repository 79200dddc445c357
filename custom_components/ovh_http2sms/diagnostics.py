"""Diagnostics for an SMS account, with the secrets and the phone numbers redacted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .const import (
    CONF_ACCOUNT,
    CONF_LOGIN,
    CONF_PHONE_NUMBER,
    CONF_SENDER,
    WEBHOOK_DATA,
)
from .data import Http2SmsConfigEntry

TO_REDACT = {
    CONF_PASSWORD,
    CONF_LOGIN,
    CONF_ACCOUNT,
    CONF_PHONE_NUMBER,
    "unique_id",
    "title",
    *WEBHOOK_DATA,
}
# A sender with this many digits may be a person's phone number.
PHONE_SENDER_DIGITS = 6


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: Http2SmsConfigEntry
) -> dict[str, Any]:
    """Return what helps to debug an account, and nothing that identifies or unlocks it."""
    data = entry.runtime_data
    return {
        "entry": async_redact_data(
            {"data": _without_phone_sender(entry.data), "options": dict(entry.options)},
            TO_REDACT,
        ),
        "contacts": [
            async_redact_data(
                {"subentry_type": subentry.subentry_type, "data": dict(subentry.data)},
                TO_REDACT,
            )
            for subentry in entry.subentries.values()
        ],
        "endpoint": str(data.client.endpoint),
        "credits_left": str(data.account.credit)
        if data.account.credit is not None
        else None,
        "reachable": data.account.reachable,
        "runaway_guards": {
            "spent_today": data.account.record.spent_today,
            "records_kept": data.account.record.records_kept,
            **asdict(data.account.record.counters),
        },
        "callbacks": {
            # Ever, saved: whether OVHcloud's reports reach this Home Assistant at all.
            "reports_received": data.account.deliveries.reports_received,
            **asdict(data.account.deliveries.counters),
        },
    }


def _without_phone_sender(data: Mapping[str, Any]) -> dict[str, Any]:
    """Redact the sender when it may be a phone number; a name like HomeAlert helps debugging."""
    sender = str(data.get(CONF_SENDER) or "")
    if sum(char.isdigit() for char in sender) < PHONE_SENDER_DIGITS:
        return dict(data)
    return {**data, CONF_SENDER: REDACTED}
