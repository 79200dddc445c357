"""The send path: from an SMS order to http2sms requests, through every check and the queue.

notify.send_message, the send_sms action and voice all come here. Everything that can be
checked is checked before the first request; the requests then go through the account's queue
in as few batches as possible, and a failure says how many recipients got the SMS, how many
may have, and how many did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .account import SmsAccount, failed_outcome
from .const import CODING_AUTO, REPLACE_AND_DROP, REPLACE_LOOKALIKES
from .errors import Outcome, send_error, validation_error
from .http2sms import (
    Encoding,
    Http2SmsClient,
    SmsLayout,
    SmsRequest,
    batch_recipients,
    is_gsm7,
    layout,
    transliterate,
)
from .options import SmsOptions
from .runaway import reports_failures
from .validation import (
    InvalidPhoneNumber,
    PhoneNumber,
    checked_deferred,
    checked_sender,
    checked_tag,
    checked_text,
    is_visible,
    number_error,
    parse_phone_number,
)

if TYPE_CHECKING:
    from . import Http2SmsConfigEntry

_LOGGER = logging.getLogger(__name__)

# Numbers already read, per entry and region: a contact's next SMS needs no executor hop.
KNOWN_NUMBERS_LIMIT = 1000


@dataclass(slots=True)
class Http2SmsData:
    """What a loaded entry holds: its account's one object, its client, options and sender."""

    account: SmsAccount
    client: Http2SmsClient
    options: SmsOptions
    sender: str
    known_numbers: dict[tuple[str, str | None], PhoneNumber] = field(
        default_factory=dict
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsOrder:
    """What a caller asks for, before any check."""

    numbers: Sequence[str]
    message: str
    title: str | None = None
    flash: bool = False
    no_stop: bool = True
    deferred: datetime | None = None
    tag: str | None = None
    sender: str | None = None
    sender_for_response: bool = False
    coding: str | None = None
    # A deliberate repeat: the repeat guard lets the same text to the same number through.
    allow_repeat: bool = False


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    """What was sent and what it cost, as the action returns it."""

    sms_ids: tuple[str, ...]
    credits_left: Decimal | None
    parts: int
    encoding: Encoding
    recipients: tuple[str, ...]
    replaced: tuple[tuple[str, str], ...]
    dropped: tuple[str, ...]
    # Recipients who got this very text within the repeat window: not sent again.
    suppressed: tuple[str, ...] = ()

    def as_response(self) -> dict[str, Any]:
        """Return the action response: plain JSON types only."""
        return {
            "sms_ids": list(self.sms_ids),
            "credits_left": float(self.credits_left)
            if self.credits_left is not None
            else None,
            "parts": self.parts,
            "encoding": self.encoding.value,
            "recipients": list(self.recipients),
            "replaced": [{"from": old, "to": new} for old, new in self.replaced],
            "dropped": list(self.dropped),
            "suppressed": list(self.suppressed),
        }


@reports_failures
async def async_send(
    hass: HomeAssistant, entry: Http2SmsConfigEntry, order: SmsOrder
) -> SmsReceipt:
    """Check the order, send it in as few requests as possible, return what it cost."""
    data = entry.runtime_data
    recipients = await _async_recipients(hass, data, order.numbers)
    sender = (
        None
        if order.sender_for_response
        else checked_sender(order.sender or data.sender)
    )
    deferred = checked_deferred(order.deferred, dt_util.get_default_time_zone())
    tag = checked_tag(order.tag)
    text = checked_text(order.message, order.title)
    text, replaced, dropped = _replace_characters(text, data.options)
    sms_layout = _layout(text, order.coding or data.options.coding, order, data.options)
    admission = data.account.async_admit(
        entry.entry_id,
        data.options,
        recipients,
        text,
        sms_layout.parts,
        allow_repeat=order.allow_repeat,
    )
    recipients = admission.recipients
    requests = [
        SmsRequest(
            recipients=batch,
            message=text,
            sender=sender,
            sender_for_response=order.sender_for_response,
            flash=order.flash,
            no_stop=order.no_stop,
            deferred=deferred,
            tag=tag,
            coding=sms_layout.encoding,
        )
        for batch in batch_recipients(recipients)
    ]
    _LOGGER.debug(
        "Sending %d part(s) in %s to %d recipient(s) in %d request(s)%s",
        sms_layout.parts,
        sms_layout.encoding,
        len(recipients),
        len(requests),
        f", replaced {len(replaced)} character(s)" if replaced else "",
    )
    sms_ids: list[str] = []
    sent_to: list[str] = []
    credits_left: Decimal | None = None
    for request in requests:
        try:
            result = await data.account.async_send(
                entry.entry_id, request, sms_layout.parts
            )
        except HomeAssistantError as err:
            if not sent_to:
                raise
            unknown = (
                len(request.recipients) if failed_outcome(err) is Outcome.UNKNOWN else 0
            )
            raise send_error(
                "partially_sent",
                accepted=str(len(sent_to)),
                unknown=str(unknown),
                not_sent=str(len(recipients) - len(sent_to) - unknown),
                total=str(len(recipients)),
            ) from err
        sms_ids.extend(result.sms_ids)
        sent_to.extend(request.recipients)
        if result.credits_left is not None:
            credits_left = result.credits_left
    return SmsReceipt(
        sms_ids=tuple(sms_ids),
        credits_left=credits_left,
        parts=sms_layout.parts,
        encoding=sms_layout.encoding,
        recipients=tuple(sent_to),
        replaced=replaced,
        dropped=dropped,
        suppressed=tuple(admission.suppressed),
    )


async def _async_recipients(
    hass: HomeAssistant, data: Http2SmsData, numbers: Sequence[str]
) -> list[str]:
    """Every number in http2sms form, each once, read with Home Assistant's country."""
    if not numbers:
        raise validation_error("no_recipients")
    region = hass.config.country
    known = data.known_numbers
    if any((number, region) not in known for number in numbers):
        read = await hass.async_add_executor_job(_read_numbers, list(numbers), region)
        if isinstance(read, InvalidPhoneNumber):
            raise number_error(read)
        if len(known) < KNOWN_NUMBERS_LIMIT:
            for number, phone in zip(numbers, read, strict=True):
                if phone.landline and (number, region) not in known:
                    _LOGGER.warning(
                        "A recipient is a landline number ending in %s: it may not "
                        "receive SMS",
                        phone.http2sms[-2:],
                    )
                known[number, region] = phone
        return list(dict.fromkeys(phone.http2sms for phone in read))
    return list(dict.fromkeys(known[number, region].http2sms for number in numbers))


def _read_numbers(
    numbers: list[str], region: str | None
) -> list[PhoneNumber] | InvalidPhoneNumber:
    """Read every number, or return the first that cannot be used (runs in the executor)."""
    try:
        return [parse_phone_number(number, region) for number in numbers]
    except InvalidPhoneNumber as err:
        return err


def _replace_characters(
    text: str, options: SmsOptions
) -> tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]:
    if options.replace_characters not in (REPLACE_LOOKALIKES, REPLACE_AND_DROP):
        return text, (), ()
    result = transliterate(
        text, drop_unencodable=options.replace_characters == REPLACE_AND_DROP
    )
    if not is_visible(result.text):
        raise validation_error("empty_message")
    return result.text, result.replaced, result.dropped


def _layout(text: str, coding: str, order: SmsOrder, options: SmsOptions) -> SmsLayout:
    encoding = None if coding == CODING_AUTO else Encoding(coding)
    if encoding is Encoding.GSM7 and not is_gsm7(text):
        outside = "".join(dict.fromkeys(char for char in text if not is_gsm7(char)))
        raise validation_error("not_gsm7", characters=outside)
    sms_layout = layout(text, encoding, stop_mention=not order.no_stop)
    if sms_layout.parts > options.max_parts:
        raise validation_error(
            f"too_many_parts_{sms_layout.encoding.value}",
            parts=str(sms_layout.parts),
            max_parts=str(options.max_parts),
        )
    return sms_layout
