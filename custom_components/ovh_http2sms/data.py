"""What a loaded SMS user (config entry) holds at run time, typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry

from .account import SmsAccount
from .http2sms import Http2SmsClient
from .options import SmsOptions
from .validation import PhoneNumber


@dataclass(slots=True)
class Http2SmsData:
    """A loaded entry: its account's one object, its client, options and sender."""

    account: SmsAccount
    client: Http2SmsClient
    options: SmsOptions
    sender: str
    # Numbers already read, per region: a contact's next SMS needs no executor hop.
    known_numbers: dict[tuple[str, str | None], PhoneNumber] = field(
        default_factory=dict
    )


type Http2SmsConfigEntry = ConfigEntry[Http2SmsData]
