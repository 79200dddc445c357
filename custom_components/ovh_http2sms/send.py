"""The send path: from an SMS order to http2sms requests, through every check and the queue.

notify.send_message, the send_sms action and voice all come here. Everything that can be
checked is checked before the first request; the account is then entered once
(`SmsAccount.async_transmit`): its record admits the SMS (repeat guard, daily budget), its queue
makes the requests in as few batches as possible, and a failure says how many recipients got
the SMS, how many may have, and how many did not. The sent event reads what the record kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
import logging
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .account import SmsAccount
from .caller import current_caller
from .const import CODING_AUTO, REPLACE_AND_DROP, REPLACE_LOOKALIKES
from .data import Http2SmsConfigEntry, Http2SmsData
from .errors import validation_error
from .events import (
    async_fire_failed,
    async_fire_sent,
    async_fire_suppressed,
    async_load_logbook_texts,
)
from .http2sms import (
    Encoding,
    SmsLayout,
    SmsRequest,
    batch_recipients,
    is_gsm7,
    layout,
    transliterate,
)
from .options import SmsOptions
from .outgoing import Delivery, Outgoing
from .repairs import BUDGET_REACHED, async_raise_send_failed
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

_LOGGER = logging.getLogger(__name__)

# Numbers already read, per entry and region: a contact's next SMS needs no executor hop.
KNOWN_NUMBERS_LIMIT = 1000
# Characters an encoding cannot carry that its error shows, of all the message has.
_SHOWN_OUTSIDE = 3


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
    # The stored number of each of those contacts -> its key (`contacts.contact_key`): what
    # was sent to whom is recorded.
    contact_numbers: Mapping[str, str] = field(default_factory=dict)
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
    delivery = Delivery()
    try:
        prepared = await async_prepare(hass, data, order)
        _LOGGER.debug(
            "Sending %d part(s) in %s to %d recipient(s)%s",
            prepared.parts,
            prepared.encoding,
            len(prepared.recipients),
            f", replaced {len(prepared.replaced)} character(s)"
            if prepared.replaced
            else "",
        )
        await data.account.async_transmit(
            entry.entry_id,
            Outgoing(
                recipients=prepared.recipients,
                request=prepared.requests[0],
                parts=prepared.parts,
                encoding=prepared.encoding.value,
                contacts=order.contact_numbers,
                allow_repeat=order.allow_repeat,
            ),
            delivery,
        )
    except HomeAssistantError as err:
        _async_report_unseen_failure(hass, data.account, entry.entry_id, err)
        async_fire_failed(
            hass,
            entry_id=entry.entry_id,
            contacts=order.contacts,
            recipients=len(order.numbers),
            err=err,
            context=context,
        )
        raise
    finally:
        if delivery.suppressed:
            async_fire_suppressed(
                hass,
                entry_id=entry.entry_id,
                # The contact is known only when the order had one recipient.
                contacts=order.contacts if len(order.numbers) == 1 else (),
                recipients=len(delivery.suppressed),
                context=context,
            )
        if delivery.sent:
            data.account.deliveries.async_sent(delivery.sent)
            _async_fire_sent(hass, entry.entry_id, order, delivery, context)
    return SmsReceipt(
        sms_ids=_sms_ids(delivery),
        credits_left=delivery.credits_left,
        parts=prepared.parts,
        encoding=prepared.encoding,
        recipients=tuple(sms.number for sms in delivery.sent),
        replaced=prepared.replaced,
        dropped=prepared.dropped,
        requests=delivery.requests,
        suppressed=delivery.suppressed,
    )


def _sms_ids(delivery: Delivery) -> tuple[str, ...]:
    """Return the ids OVH gave, as the record kept them (checked against the request)."""
    return tuple(sms.sms_id for sms in delivery.sent if sms.sms_id is not None)


def _async_fire_sent(
    hass: HomeAssistant,
    entry_id: str,
    order: SmsOrder,
    delivery: Delivery,
    context: Context | None,
) -> None:
    """Say what the record holds of this send: how many phones, how many parts each."""
    first = delivery.sent[0]
    async_fire_sent(
        hass,
        entry_id=entry_id,
        contacts=order.contacts,
        recipients=len(delivery.sent),
        parts=first.parts,
        encoding=first.encoding,
        sms_ids=_sms_ids(delivery),
        credits_left=float(delivery.credits_left)
        if delivery.credits_left is not None
        else None,
        context=context,
    )


def _async_report_unseen_failure(
    hass: HomeAssistant, account: SmsAccount, entry_id: str, err: HomeAssistantError
) -> None:
    """Report a failed send made by an automation or a script to its account.

    A person who calls the action sees the error; an automation's error lands in a trace
    nobody reads. A refusal by the daily budget has its own repair issue.
    """
    if (
        err.translation_key == BUDGET_REACHED
        or entry_id not in account.attached
        or (caller := current_caller(hass)) is None
    ):
        return
    account.counters.failures_reported += 1
    async_raise_send_failed(
        hass,
        entry_id,
        err,
        others=account.attached,
        account=account.name,
        when=dt_util.now().strftime("%Y-%m-%d %H:%M:%S"),
        caller=caller.name,
        entity_id=caller.entity_id,
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
        outside = list(dict.fromkeys(char for char in text if not is_gsm7(char)))
        # A few, for the person who typed the text to find them; never the text itself.
        raise validation_error(
            "not_gsm7",
            count=str(len(outside)),
            characters=", ".join(outside[:_SHOWN_OUTSIDE]),
        )
    sms_layout = layout(text, encoding, stop_mention=not order.no_stop)
    if sms_layout.parts > options.max_parts:
        raise validation_error(
            f"too_many_parts_{sms_layout.encoding.value}",
            parts=str(sms_layout.parts),
            max_parts=str(options.max_parts),
        )
    return sms_layout
