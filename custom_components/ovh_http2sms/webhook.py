"""The SMS user's webhook: where OVHcloud reports delivery and posts replies.

One URL per SMS user (config entry), served by Home Assistant's webhook component at
`/api/webhook/<id>`, reachable from outside without authentication: the random id is the only
secret, so it never appears in a log, diagnostics or a repair issue. It takes delivery reports
(GET query: `id`, `ptt`, `date`, `description` or `dlr`, `descriptionDlr`) and replies (form
POST: `id`, `senderid`, `message`, `keyword`, `shortcode`, `tag`; the same fields in a query
string are read too).

Whatever arrives is answered HTTP 200 at once (OVHcloud calls again otherwise, and a stranger
learns nothing): nothing slow is awaited, only the body, and nothing raised reaches Home
Assistant's webhook component (which would log the URL's id). Every request is read and parsed
first (both are bounded: 24 KiB, 32 fields, 10 s), then:
- a delivery report that changes the status of an SMS on record is always applied: its events
  are bounded by the SMS sent and their statuses, and a stranger cannot add any without ids;
- a reply fires an event only within the account's allowance (`rate_limit.py`): replies come
  from people and cost credits, so the allowance is human-paced;
- anything else (another method, a body too big or unreadable, not OVHcloud's shape, an unknown
  id, a duplicate) changes nothing and is only counted in diagnostics.
No limit holds back anything but replies: garbage costs a counter, so a flood of it can never
lock OVHcloud's real reports out. The first reply dropped is logged once per load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from urllib.parse import parse_qsl

from aiohttp import StreamReader, web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.aiohttp import MockRequest, MockStreamReader
from multidict import MultiDict

from .const import DOMAIN
from .data import Http2SmsConfigEntry
from .http2sms import MAX_CALLBACK_BYTES, parse_delivery_report, parse_incoming_sms
from .rate_limit import REPLY_BURST, REPLY_INTERVAL
from .replies import async_receive

_LOGGER = logging.getLogger(__name__)

# Every method Home Assistant's webhook component serves: one it would refuse is logged with
# the URL's id, so each is taken, and what is not OVHcloud's (GET, POST) is garbage.
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT")
# The raw body may be three times the decoded fields' cap: a 1600-character Unicode reply,
# percent-encoded, is about 19 KiB for 4.7 KiB of text.
MAX_RAW_BYTES = 3 * MAX_CALLBACK_BYTES
# More fields than any callback has is not OVHcloud's.
MAX_FIELDS = 32
# A body that trickles in longer than this is dropped (the answer is still 200).
READ_TIMEOUT = 10.0


@callback
def async_register_webhook(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> None:
    """Serve the entry's webhook until the entry unloads (a reload serves it again).

    An id already served (an entry copied with its data) is replaced by a new one: two SMS
    users never share a URL, and the copy still sets up.
    """
    drops = _DropLog(entry.title)

    async def async_handle(
        hass: HomeAssistant, _webhook_id: str, request: web.Request
    ) -> web.Response:
        await _async_handle(hass, entry, drops, request)
        return web.Response(status=200)

    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    try:
        _register(hass, entry, webhook_id, async_handle)
    except ValueError:
        _LOGGER.warning(
            "The SMS user %s had the webhook URL of another entry: it gets a new one",
            entry.title,
        )
        webhook_id = webhook.async_generate_id()
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_WEBHOOK_ID: webhook_id}
        )
        _register(hass, entry, webhook_id, async_handle)
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))


def _register(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    webhook_id: str,
    handler: Callable[[HomeAssistant, str, web.Request], Awaitable[web.Response]],
) -> None:
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        webhook_id,
        handler,
        local_only=False,
        allowed_methods=ALLOWED_METHODS,
    )


class _DropLog:
    """Says once per load of the entry that replies were dropped; never per request."""

    def __init__(self, title: str) -> None:
        self._title = title
        self._said = False

    def dropped(self) -> None:
        if not self._said:
            self._said = True
            _LOGGER.warning(
                "Replies to the delivery report URL of %s come faster than %d at once "
                "then one every %d seconds: the rest are dropped. If this goes on, its URL "
                "may have leaked: ask for a new one",
                self._title,
                REPLY_BURST,
                REPLY_INTERVAL,
            )


async def _async_handle(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    drops: _DropLog,
    request: web.Request | MockRequest,
) -> None:
    """Read, parse and hand over one callback; never raise, whatever arrives."""
    fields = await _async_read_fields(request)
    if entry.state is not ConfigEntryState.LOADED:
        return
    account = entry.runtime_data.account
    counters = account.deliveries.counters
    if fields is None:
        counters.garbage += 1
    elif (report := parse_delivery_report(fields)) is not None:
        account.deliveries.async_report(report, entry.entry_id)
    elif (incoming := parse_incoming_sms(fields)) is not None:
        if not async_receive(hass, account, entry.entry_id, incoming):
            drops.dropped()
    else:
        counters.garbage += 1


async def _async_read_fields(
    request: web.Request | MockRequest,
) -> MultiDict[str] | None:
    """Return the query's fields and the form's, or None for garbage.

    Garbage: a method OVHcloud does not use, a body too big, or one that cannot be read as it
    says (a lying Content-Encoding, a body cut short, a broken chunk, a connection reset).
    """
    if request.method not in ("GET", "POST"):
        return None
    fields: MultiDict[str] = MultiDict(request.query)
    if request.method != "POST":
        return fields
    length = getattr(request, "content_length", None)
    if length is not None and length > MAX_RAW_BYTES:
        return None
    try:
        async with asyncio.timeout(READ_TIMEOUT):
            body = await _async_read_capped(request.content)
    # Whatever aiohttp raises on a stranger's bytes (its payload errors, EOF, a reset, a
    # timeout, a decoding error) means the same: the body is not readable, hence garbage.
    except Exception:  # noqa: BLE001
        return None
    if body is None:
        return None
    try:
        form = parse_qsl(
            body.decode("utf-8", "replace"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="replace",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:
        return None
    fields.extend(form)
    return fields


async def _async_read_capped(content: StreamReader | MockStreamReader) -> bytes | None:
    """Read the body up to MAX_RAW_BYTES; None (and nothing more read) beyond that."""
    body = bytearray()
    while chunk := await content.read(MAX_RAW_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_RAW_BYTES:
            return None
    return bytes(body)
