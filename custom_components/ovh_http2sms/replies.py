"""Replies: an SMS a person sent back, told to automations, the event entity and the logbook.

A reply is the account's, whichever of its SMS users' URL OVHcloud calls ("Call a CGI" is set
once per account): it names the contact of any SMS user of the account whose number sent it.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .account import SmsAccount
from .const import CONF_PHONE_NUMBER, DOMAIN, SUBENTRY_TYPE_RECIPIENT
from .contacts import contact_key
from .events import async_fire_received
from .http2sms import IncomingSms


@dataclass(frozen=True, slots=True)
class Received:
    """What the event entity shows of a reply: who (a contact, or two digits), never what.

    The tag is our SMS's (the one answered), not the reply's field, which anyone can write.
    """

    contact: str | None
    sender_last_digits: str
    in_reply_to: str | None
    tag: str | None


@callback
def async_receive(
    hass: HomeAssistant, account: SmsAccount, entry_id: str, incoming: IncomingSms
) -> bool:
    """Fire the received event once, and show the reply on the account's event entities.

    False, and nothing fired, when the account's allowance of replies is spent (a flood).
    """
    counters = account.deliveries.counters
    if not account.deliveries.reply_allowance.take():
        counters.dropped_by_rate += 1
        return False
    counters.replies += 1
    answered = account.deliveries.find(incoming.sms_id)
    if answered is not None and answered.number != incoming.sender:
        # An id of ours, but another number answers with it: not a reply to that SMS.
        answered = None
    contact = _contact_of(
        hass, account, incoming.sender, None if answered is None else answered.entry_id
    )
    in_reply_to = None if answered is None else answered.sms_id
    async_fire_received(
        hass,
        entry_id=entry_id,
        incoming=incoming,
        contact=contact,
        in_reply_to=in_reply_to,
    )
    async_dispatcher_send(
        hass,
        account.deliveries.received_signal,
        Received(
            contact=contact,
            sender_last_digits=incoming.sender[-2:],
            in_reply_to=in_reply_to,
            tag=None if answered is None else answered.tag,
        ),
    )
    return True


def _contact_of(
    hass: HomeAssistant, account: SmsAccount, number: str, first: str | None
) -> str | None:
    """Return the notify entity of the account's contact who has this number now.

    The SMS user `first` (the one whose SMS is answered) is asked first: two SMS users of an
    account may each have a contact of that number. The SMS answered may have gone to another
    contact, one who had the number then: the person who answers is whoever has it now.
    """
    registry = er.async_get(hass)
    for entry_id in sorted(account.attached, key=lambda entry_id: entry_id != first):
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None:
            continue
        for subentry in entry.subentries.values():
            if (
                subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
                and subentry.data.get(CONF_PHONE_NUMBER) == number
                and (
                    entity_id := registry.async_get_entity_id(
                        "notify", DOMAIN, contact_key(entry_id, subentry.subentry_id)
                    )
                )
            ):
                return entity_id
    return None
