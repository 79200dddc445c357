"""OVHcloud's calls to the customer's URLs: delivery reports and replies.

URLs (state.py; config file, command line, or `POST /_simulator/callbacks`):
- SmsUser.callback_url, the SMS user's "Callback URL": for each status change of an SMS that user
  sent, a GET with `id`, `ptt`, `date`, `description`, `descriptionDlr` [DOC names], appended to
  the URL's own query (a token there is kept);
- Account.status_callback_url, the account's status callback: a GET with `id` and `dlr` [WILD];
- Account.reply_url, "Call a CGI": a reply is a form POST with `id`, `senderid` (+33…), `message`,
  `keyword`, `shortcode`, `tag`, then the URL's own query pairs again [WILD, one capture].

Reports start when an SMS is accepted and run in the background: the http2sms reply never waits
for them. What they say and when is delivery.py's. A URL that fails or hangs is logged (host only:
a webhook URL is a secret) and written to the callback log (`GET /_simulator/callbacks/log`);
it never breaks the simulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
import logging
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import aiohttp
from yarl import URL

from .delivery import PENDING, Report
from .state import SentSms, SimulatorState

_LOGGER = logging.getLogger(__name__)

CALL_TIMEOUT = 10.0
# GUESS: the format and time zone of `date` are not documented.
REPORT_TIME_ZONE = ZoneInfo("Europe/Paris")
REPORT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
# OVHcloud accepts replies for 48 h after the SMS [DOC]; each costs credits [DOC], 1 here (GUESS).
REPLY_WINDOW = timedelta(hours=48)
REPLY_COST = Decimal(1)
MAX_REPLY_LENGTH = 1600
MAX_KEYWORD_LENGTH = 20


class ReplyRefused(Exception):
    """A reply the simulated network would not carry; status is the admin API's HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the HTTP status to answer with."""
        super().__init__(message)
        self.status = status


def shown_url(url: str) -> str:
    """Show where a URL points without its user, path or query, which may hold a secret."""
    parts = urlsplit(url)
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}/…"


class CallbackDispatcher:
    """Makes the simulator's outgoing calls, each in a task of its own."""

    def __init__(self, state: SimulatorState) -> None:
        """Make no call until an SMS is accepted or a reply is asked for."""
        self.state = state
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def sms_accepted(self, sms_ids: Sequence[int]) -> None:
        """Start the delivery reports of the SMS just accepted."""
        wanted = set(sms_ids)
        # The new SMS are the last ones.
        for sms in reversed(self.state.outbox):
            if not wanted:
                break
            if sms.sms_id in wanted:
                wanted.discard(sms.sms_id)
                self._start(self._report(sms))

    def reply(self, sms_id: int, message: str) -> int:
        """Answer an SMS from the short code as its recipient; return the reply's id.

        Raises ReplyRefused, and charges nothing, when OVHcloud would not carry the reply.
        """
        if len(message) > MAX_REPLY_LENGTH:
            raise ReplyRefused(
                400, f"a reply has at most {MAX_REPLY_LENGTH} characters"
            )
        try:
            message.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ReplyRefused(400, "a reply must be text a phone can send") from err
        sms = next((s for s in self.state.outbox if s.sms_id == sms_id), None)
        if sms is None:
            raise ReplyRefused(404, f"no SMS {sms_id} in the outbox")
        if not sms.short_code:
            raise ReplyRefused(
                409, "only an SMS sent from the short code can be answered"
            )
        if datetime.now(UTC) - sms.sent_at > REPLY_WINDOW:
            raise ReplyRefused(409, "replies are accepted for 48 hours only")
        account = self.state.accounts.get(sms.account)
        if account is None or account.reply_url is None:
            raise ReplyRefused(409, "the account has no reply URL (Call a CGI) set")
        if account.credit < REPLY_COST:
            raise ReplyRefused(409, "not enough credit to receive a reply")
        account.credit -= REPLY_COST
        reply_id = self.state.next_sms_id()
        url = account.reply_url
        form = [
            ("id", str(reply_id)),
            ("senderid", "+" + sms.recipient.removeprefix("00")),
            ("message", message),
            ("keyword", _keyword(message)),
            ("shortcode", self.state.short_code),
            ("tag", sms.tag or ""),
            *parse_qsl(urlsplit(url).query, keep_blank_values=True),
        ]
        self.state.replies.append(
            {"id": reply_id, "sms_id": sms.sms_id, "message": message}
        )
        self.state.save()
        self._start(self._call("reply", "POST", url, form, sms_id=reply_id))
        return reply_id

    async def idle(self) -> None:
        """Wait until every call started so far has ended."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Cancel the calls still waiting and close the HTTP session."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _start(self, call: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(call)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _report(self, sms: SentSms) -> None:
        generation = self.state.generation
        for pause, report in self.state.delivery.plan(sms.recipient):
            if report is not PENDING and sms.deferred is not None:
                # A deferred SMS leaves at its time, and only then can it be delivered.
                pause += max(0.0, (sms.deferred - datetime.now(UTC)).total_seconds())
            if pause:
                await asyncio.sleep(pause)
            if self.state.generation != generation:
                return
            sms.status = report.status
            self.state.save()
            account = self.state.accounts.get(sms.account)
            if account is None:
                return
            user = account.users.get(sms.login)
            if user is not None and user.callback_url is not None:
                await self._call(
                    "delivery_report",
                    "GET",
                    user.callback_url,
                    _report_fields(sms, report),
                    sms_id=sms.sms_id,
                )
            if account.status_callback_url is not None:
                await self._call(
                    "status_callback",
                    "GET",
                    account.status_callback_url,
                    [("id", str(sms.sms_id)), ("dlr", str(report.description))],
                    sms_id=sms.sms_id,
                )

    async def _call(
        self,
        kind: str,
        method: str,
        url: str,
        fields: list[tuple[str, str]],
        *,
        sms_id: int,
    ) -> None:
        entry: dict[str, object] = {
            "kind": kind,
            "sms_id": sms_id,
            "url": shown_url(url),
            "fields": [name for name, _ in fields],
            "http_status": None,
            "error": None,
        }
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT)
                )
            if method == "GET":
                target = URL(url, encoded=False).extend_query(fields)
                request = self._session.get(target)
            else:
                request = self._session.post(url, data=fields)
            async with request as response:
                await response.read()
                entry["http_status"] = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            entry["error"] = type(err).__name__
        self.state.callback_log.append(entry)
        if entry["error"] is not None or entry["http_status"] != 200:
            _LOGGER.warning(
                "Could not deliver the %s of SMS %s to %s: %s",
                kind.replace("_", " "),
                sms_id,
                entry["url"],
                entry["error"] or f"HTTP {entry['http_status']}",
            )


def _keyword(message: str) -> str:
    """Give the first word in capitals, as OVHcloud's keyword field seems to be (GUESS)."""
    words = message.split()
    return words[0].upper()[:MAX_KEYWORD_LENGTH] if words else ""


def _report_fields(sms: SentSms, report: Report) -> list[tuple[str, str]]:
    return [
        ("id", str(sms.sms_id)),
        ("ptt", str(report.ptt)),
        ("date", datetime.now(REPORT_TIME_ZONE).strftime(REPORT_DATE_FORMAT)),
        ("description", str(report.description)),
        ("descriptionDlr", report.text),
    ]
