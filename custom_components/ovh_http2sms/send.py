"""The send path: from an SMS order to http2sms requests, through every check and the queue.

notify.send_message, the send_sms action and voice all come here. Everything that can be
checked is checked before the first request; the requests then go through the account's queue
in as few batches as possible, and a failure says how many recipients got the SMS, how many
may have, and how many did not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .account import Admission, SmsAccount, failed_outcome
from .const import CODING_AUTO, REPLACE_AND_DROP, REPLACE_LOOKALIKES
from .errors import Outcome, send_error, validation_error
from .events import (
    async_fire_failed,
    async_fire_sent,
    async_fire_suppressed,
    async_load_logbook_texts,
)
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
from .runaway import async_report_unseen_failure
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
    # The contacts' notify entities among the numbers, for the event and the logbook.
    contacts: Sequence[str] = ()
    # A deliberate repeat: the repeat guard lets the same text to the same number through.
    allow_repeat: bool = False


@dataclass(frozen=True, slots=True)
class PreparedSms:
    """An order that passed every check: the requests to make and what they will cost.

    The repeat guard and the daily budget are not applied yet: they depend on what was sent
    until the moment of sending, and a dry run must not count as sent.
    """

    requests: list[SmsRequest]
    recipients: tuple[str, ...]
    text: str
    parts: int
    encoding: Encoding
    replaced: tuple[tuple[str, str], ...]
    dropped: tuple[str, ...]

    def requests_for(self, recipients: Sequence[str]) -> list[SmsRequest]:
        """Return the same requests for only these recipients (those the repeat guard let through)."""
        if tuple(recipients) == self.recipients:
            return self.requests
        template = self.requests[0]
        return [
            replace(template, recipients=batch)
            for batch in batch_recipients(recipients)
        ]

    def as_response(self) -> dict[str, Any]:
        """Return what a dry run answers: the figures of the send, without sending.

        `credits_estimate` counts 1 credit per part, metropolitan France's rate.
        """
        return {
            "dry_run": True,
            "parts": self.parts,
            "encoding": self.encoding.value,
            "recipients": list(self.recipients),
            "replaced": [{"from": old, "to": new} for old, new in self.replaced],
            "dropped": list(self.dropped),
            "requests": len(self.requests),
            "credits_estimate": self.parts * len(self.recipients),
        }


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
    requests: int
    # Recipients who got this very text within the repeat window: not sent again.
    suppressed: tuple[str, ...] = ()

    def as_response(self) -> dict[str, Any]:
        """Return the action response: plain JSON types only."""
        return {
            "dry_run": False,
            "sms_ids": list(self.sms_ids),
            "credits_left": float(self.credits_left)
            if self.credits_left is not None
            else None,
            "parts": self.parts,
            "encoding": self.encoding.value,
            "recipients": list(self.recipients),
            "replaced": [{"from": old, "to": new} for old, new in self.replaced],
            "dropped": list(self.dropped),
            "requests": self.requests,
            "credits_estimate": self.parts * len(self.recipients),
            "suppressed": list(self.suppressed),
        }


async def async_prepare(
    hass: HomeAssistant, data: Http2SmsData, order: SmsOrder
) -> PreparedSms:
    """Check everything a send checks and build its requests, without sending anything."""
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
    return PreparedSms(
        requests=[
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
        ],
        recipients=tuple(recipients),
        text=text,
        parts=sms_layout.parts,
        encoding=sms_layout.encoding,
        replaced=replaced,
        dropped=dropped,
    )


async def async_send(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    order: SmsOrder,
    context: Context | None = None,
) -> SmsReceipt:
    """Check the order, send it in as few requests as possible, return what it cost.

    Every send that reached phones fires the sent event (what it cost); a send that fails
    fires the failed event (why), both for the logbook, and if an automation or a script made
    it, raises the account's failure issue.
    """
    # Read before any await: the entry may be unloaded or removed while this send waits.
    data = entry.runtime_data
    await async_load_logbook_texts(hass)
    try:
        prepared = await async_prepare(hass, data, order)
        admission = data.account.async_admit(
            entry.entry_id,
            data.options,
            list(prepared.recipients),
            prepared.text,
            prepared.parts,
            allow_repeat=order.allow_repeat,
        )
        return await _async_send_prepared(
            hass,
            entry_id=entry.entry_id,
            account=data.account,
            prepared=prepared,
            admission=admission,
            order=order,
            context=context,
        )
    except HomeAssistantError as err:
        async_report_unseen_failure(hass, data.account, entry.entry_id, err)
        async_fire_failed(
            hass,
            entry_id=entry.entry_id,
            contacts=order.contacts,
            recipients=len(order.numbers),
            err=err,
            context=context,
        )
        raise


async def _async_send_prepared(
    hass: HomeAssistant,
    *,
    entry_id: str,
    account: SmsAccount,
    prepared: PreparedSms,
    admission: Admission,
    order: SmsOrder,
    context: Context | None,
) -> SmsReceipt:
    admitted, noted_at = admission.recipients, admission.noted_at
    requests = prepared.requests_for(admitted) if admitted else []
    _LOGGER.debug(
        "Sending %d part(s) in %s to %d recipient(s) in %d request(s)%s",
        prepared.parts,
        prepared.encoding,
        len(admitted),
        len(requests),
        f", replaced {len(prepared.replaced)} character(s)"
        if prepared.replaced
        else "",
    )
    receipt = SmsReceipt(
        sms_ids=(),
        credits_left=None,
        parts=prepared.parts,
        encoding=prepared.encoding,
        recipients=(),
        replaced=prepared.replaced,
        dropped=prepared.dropped,
        requests=len(requests),
        suppressed=tuple(admission.suppressed),
    )
    try:
        for index, request in enumerate(requests):
            try:
                result = await account.async_send(
                    entry_id, request, prepared.parts, noted_at=noted_at
                )
            except (HomeAssistantError, asyncio.CancelledError) as err:
                # The batches after a failed or cancelled one are never tried.
                for untried in requests[index + 1 :]:
                    account.async_not_sent(untried, noted_at)
                if isinstance(err, asyncio.CancelledError) or not receipt.recipients:
                    raise
                unknown = (
                    len(request.recipients)
                    if failed_outcome(err) is Outcome.UNKNOWN
                    else 0
                )
                raise send_error(
                    "partially_sent",
                    accepted=str(len(receipt.recipients)),
                    unknown=str(unknown),
                    not_sent=str(len(admitted) - len(receipt.recipients) - unknown),
                    total=str(len(admitted)),
                ) from err
            receipt = replace(
                receipt,
                sms_ids=(*receipt.sms_ids, *result.sms_ids),
                recipients=(*receipt.recipients, *request.recipients),
                credits_left=result.credits_left
                if result.credits_left is not None
                else receipt.credits_left,
            )
    finally:
        if admission.suppressed:
            async_fire_suppressed(
                hass,
                entry_id=entry_id,
                # The contact is known only when the order had one recipient.
                contacts=order.contacts if len(order.numbers) == 1 else (),
                recipients=len(admission.suppressed),
                context=context,
            )
        if receipt.recipients:
            async_fire_sent(
                hass,
                entry_id=entry_id,
                contacts=order.contacts,
                recipients=len(receipt.recipients),
                parts=receipt.parts,
                encoding=receipt.encoding.value,
                sms_ids=receipt.sms_ids,
                credits_left=float(receipt.credits_left)
                if receipt.credits_left is not None
                else None,
                context=context,
            )
    return receipt


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
