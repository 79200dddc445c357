"""The SMS user's webhook: where OVHcloud reports delivery and posts replies.

One URL per SMS user (config entry), served by Home Assistant's webhook component at
`/api/webhook/<id>`, reachable from outside without authentication: the random id is the only
secret, so it never appears in a log, diagnostics or a repair issue. It takes delivery reports
(GET query: `id`, `ptt`, `date`, `description` or `dlr`, `descriptionDlr`) and replies (form
POST: `id`, `senderid`, `message`, `keyword`, `shortcode`, `tag`; the same fields in a query
string are read too).

Whatever arrives is answered HTTP 200 at once (OVHcloud calls again otherwise, and a stranger
learns nothing): nothing slow is awaited, only the body. What is not OVHcloud's shape, is too
big, or comes faster than `RATE_PER_SECOND` once a burst of `RATE_BURST` is spent, changes
nothing and is counted in diagnostics; the first request dropped for the rate is logged once.
The rate holds a leaked URL from filling the recorder with events; a household's alerts (even
one SMS to a hundred contacts, each reported pending then delivered within seconds) stay
under it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from time import monotonic
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
from .replies import async_receive

_LOGGER = logging.getLogger(__name__)

RATE_BURST = 200
RATE_PER_SECOND = 20.0
# The raw body may be three times the decoded fields' cap: a 1600-character Unicode reply,
# percent-encoded, is about 19 KiB for 4.7 KiB of text.
MAX_RAW_BYTES = 3 * MAX_CALLBACK_BYTES
# More fields than any callback has is not OVHcloud's.
MAX_FIELDS = 32
# A body that trickles in longer than this is dropped (the answer is still 200).
READ_TIMEOUT = 10.0


class TokenBucket:
    """Lets `burst` requests through at once, then `rate` per second."""

    def __init__(self, burst: int, rate: float) -> None:
        """Start full."""
        self._burst = float(burst)
        self._rate = rate
        self._tokens = float(burst)
        self._last = monotonic()
        # Whether the first drop was logged: once per load of the entry, never per request.
        self.drop_logged = False

    def take(self) -> bool:
        """Take one token; False when none is left (the request is dropped)."""
        now = monotonic()
        self._tokens = min(
            self._burst, self._tokens + max(0.0, now - self._last) * self._rate
        )
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


@callback
def async_register_webhook(hass: HomeAssistant, entry: Http2SmsConfigEntry) -> None:
    """Serve the entry's webhook until the entry unloads (a reload serves it again).

    An id already served (an entry copied with its data) is replaced by a new one: two SMS
    users never share a URL, and the copy still sets up.
    """
    bucket = TokenBucket(RATE_BURST, RATE_PER_SECOND)

    async def async_handle(
        hass: HomeAssistant, _webhook_id: str, request: web.Request
    ) -> web.Response:
        await _async_handle(hass, entry, bucket, request)
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
        allowed_methods=("GET", "POST"),
    )


async def _async_handle(
    hass: HomeAssistant,
    entry: Http2SmsConfigEntry,
    bucket: TokenBucket,
    request: web.Request | MockRequest,
) -> None:
    """Read, parse and hand over one callback; never raise, whatever arrives."""
    account = entry.runtime_data.account
    counters = account.deliveries.counters
    if not bucket.take():
        counters.dropped_by_rate += 1
        if not bucket.drop_logged:
            bucket.drop_logged = True
            _LOGGER.warning(
                "Requests to the delivery report URL of %s come faster than %d at once "
                "then %d per second: the rest are dropped. If this goes on, its URL may have "
                "leaked: ask for a new one",
                entry.title,
                RATE_BURST,
                RATE_PER_SECOND,
            )
        return
    fields = await _async_read_fields(request)
    if entry.state is not ConfigEntryState.LOADED:
        return
    if fields is None:
        counters.garbage += 1
    elif (report := parse_delivery_report(fields)) is not None:
        account.deliveries.async_report(report, entry.entry_id)
    elif (incoming := parse_incoming_sms(fields)) is not None:
        async_receive(hass, account, entry.entry_id, incoming)
    else:
        counters.garbage += 1


async def _async_read_fields(
    request: web.Request | MockRequest,
) -> MultiDict[str] | None:
    """Return the query's fields and the form's, or None for a body too big or unreadable."""
    fields: MultiDict[str] = MultiDict(request.query)
    if request.method != "POST":
        return fields
    length = getattr(request, "content_length", None)
    if length is not None and length > MAX_RAW_BYTES:
        return None
    try:
        async with asyncio.timeout(READ_TIMEOUT):
            body = await _async_read_capped(request.content)
    except TimeoutError:
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
