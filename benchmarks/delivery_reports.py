"""What a delivery report costs Home Assistant, and what a flood of them does to it.

Part of `benchmarks/perf.py` (`--reports-only` runs this part alone). Everything is real and on
loopback, as in the rest of perf.py: a `python -m homeassistant` process with the integration,
its webhook URL read in the account's configure step like a user reads it, and SMS ids the
integration really sent through the simulator.

1. One report, HTTP in to event out: a GET of the webhook with a report that changes an SMS's
   status (pending, then delivered), which fires `ovh_http2sms_sms_delivery` before the answer;
   next to the same GET to a webhook registered the same way whose handler does nothing
   (`benchmarks/reference_notify`). Interleaved, in rotating order, paced under the webhook's
   sustained rate so that none is dropped. The integration's own part = ours - the do-nothing
   webhook, round by round. Every report must have fired its event (counted on a WebSocket
   subscription), or the run fails.
2. A flood: FLOOD reports in FLOOD_SECONDS, half for ids this Home Assistant sent (each a change
   of status), half garbage (unknown ids and fields that are not OVHcloud's), with the event
   loop's delay seen from outside (a WebSocket ping every 50 ms, as in the burst of perf.py),
   the events fired and what the webhook dropped (its diagnostics counters).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import random
import threading
import time
from typing import Any, Self

import aiohttp

from hass_testbed import Client, HomeAssistant
from hass_testbed.ovh_http2sms import DOMAIN, delivery_url

REPORT_ROUNDS = 200
REPORT_WARMUP = 10
# Under the webhook's sustained rate (20 reports a second once its burst is spent).
REPORT_PACE = 0.06
FLOOD = 2000
FLOOD_SECONDS = 10.0
OWN_REPORT_GOAL = 0.0002  # seconds: 0.2 ms
LOOP_DELAY_GOAL = 0.020  # seconds: p95 of the ping during the flood
# Statuses an SMS goes through, each a change (http2sms `description` codes): pending,
# waiting, buffered, delivered.
STATUS_STEPS = ("0", "4", "8", "1")
RECIPIENTS_PER_SEND = 50
# How long events may lag behind the last answer (a dropped report never fires one).
SETTLE_SECONDS = 3.0
REFERENCE_WEBHOOK_ID = "reference-webhook-does-nothing-0123456789abcdef"


@dataclass
class Flood:
    """One flood of reports, and what Home Assistant made of it."""

    seconds: float
    real: int
    garbage: int
    events: int
    counters_before: dict[str, int]
    counters_after: dict[str, int]
    idle: list[float]
    during: list[float]

    def counted(self, name: str) -> int:
        """How much a diagnostics counter grew during the flood."""
        return self.counters_after.get(name, 0) - self.counters_before.get(name, 0)


def send_for_ids(user: Client, entry_id: str, count: int) -> list[str]:
    """Send `count` SMS (to numbers that are no contact) and return their ids."""
    ids: list[str] = []
    number = 0
    while len(ids) < count:
        recipients = []
        for _ in range(min(RECIPIENTS_PER_SEND, count - len(ids))):
            number += 1
            recipients.append(f"+33 6 20 {number // 10000:02d} {number % 10000:04d}")
        response = user.call(
            DOMAIN,
            "send_sms",
            {
                "config_entry_id": entry_id,
                "recipients": recipients,
                "message": "Benchmark: delivery reports.",
                "allow_repeat": True,
            },
            return_response=True,
        )
        ids.extend(str(sms_id) for sms_id in response["sms_ids"])
    return ids


def webhook_urls(user: Client, hass: HomeAssistant, entry_id: str) -> tuple[str, str]:
    """Our webhook's URL as the configure step shows it, and the do-nothing webhook's."""
    user.ws({"type": "config/core/update", "external_url": hass.base_url})
    ours = delivery_url(user, entry_id)
    if ours is None:
        raise RuntimeError("the configure step shows no URL")
    return ours, f"{hass.base_url}/api/webhook/{REFERENCE_WEBHOOK_ID}"


def _report(sms_id: str, code: str) -> dict[str, str]:
    return {
        "id": sms_id,
        "ptt": "4" if code == "1" else "1",
        "date": "2026-12-07 03:00:00",
        "description": code,
        "descriptionDlr": "bench",
    }


def _garbage(rng: random.Random, index: int) -> dict[str, str]:
    """Half unknown ids in OVHcloud's shape, half fields that are not OVHcloud's at all."""
    if index % 2:
        return _report(str(900_000_000 + index), "1")
    return {"id": "x" * rng.randint(1, 40), rng.choice("abcdef"): str(rng.random())}


class Events:
    """Counts `ovh_http2sms_sms_delivery` events on a WebSocket subscription of its own."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str):
        """Remember where to subscribe."""
        self._session = session
        self._url = f"{base_url.replace('http', 'ws', 1)}/api/websocket"
        self._token = token
        self.count = 0
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._expected = 0
        self._reached = asyncio.Event()

    async def __aenter__(self) -> Self:
        """Subscribe; return once Home Assistant confirmed the subscription."""
        self._task = asyncio.create_task(self._run())
        async with asyncio.timeout(30):
            await self._ready.wait()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop counting."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        async with self._session.ws_connect(self._url, max_msg_size=0) as conn:
            await conn.receive_json()
            await conn.send_json({"type": "auth", "access_token": self._token})
            await conn.receive_json()
            await conn.send_json(
                {
                    "id": 1,
                    "type": "subscribe_events",
                    "event_type": f"{DOMAIN}_sms_delivery",
                }
            )
            async for message in conn:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    break
                data = message.json()
                for item in data if isinstance(data, list) else [data]:
                    if item.get("type") == "result":
                        self._ready.set()
                    elif item.get("type") == "event":
                        self.count += 1
                        if self._expected and self.count >= self._expected:
                            self._reached.set()

    async def settled(self, expected: int) -> int:
        """Wait until `expected` events came (or SETTLE_SECONDS passed); return the count."""
        self._expected = expected
        if self.count >= expected:
            self._reached.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SETTLE_SECONDS):
                await self._reached.wait()
        await asyncio.sleep(0.5)  # more than expected would be a bug: count them too
        return self.count


async def measure_one_report(
    base_url: str, token: str, ours: str, reference: str, ids: list[str]
) -> tuple[list[float], list[float]]:
    """Time each report to our webhook and the same GET to the do-nothing one."""
    rounds = [(sms_id, code) for sms_id in ids for code in ("0", "1")]
    if len(rounds) < REPORT_WARMUP + REPORT_ROUNDS:
        raise RuntimeError("not enough SMS ids for the report rounds")
    rounds = rounds[: REPORT_WARMUP + REPORT_ROUNDS]
    our_times: list[float] = []
    reference_times: list[float] = []
    async with (
        aiohttp.ClientSession() as session,
        Events(session, base_url, token) as events,
    ):
        for index, (sms_id, code) in enumerate(rounds):
            params = _report(sms_id, code)
            ways = [(ours, our_times), (reference, reference_times)]
            if index % 2:
                ways.reverse()
            for url, times in ways:
                started = time.perf_counter()
                async with session.get(url, params=params) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"the webhook answered {response.status}")
                if index >= REPORT_WARMUP:
                    times.append(time.perf_counter() - started)
            await asyncio.sleep(REPORT_PACE)
        fired = await events.settled(len(rounds))
    if fired != len(rounds):
        raise RuntimeError(f"{len(rounds)} reports fired {fired} events")
    return our_times, reference_times


def _counters(user: Client, entry_id: str) -> dict[str, int]:
    diagnostics = user.get(f"/api/diagnostics/config_entry/{entry_id}")
    return dict(diagnostics["data"]["callbacks"])


async def _flood(
    base_url: str, token: str, ours: str, ids: list[str]
) -> tuple[float, int, int, int]:
    """Send the flood at an even pace; return its time, real and garbage counts, events."""
    rng = random.Random(21)
    real = [_report(sms_id, code) for code in STATUS_STEPS for sms_id in ids][
        : FLOOD // 2
    ]
    garbage = [_garbage(rng, index) for index in range(FLOOD - len(real))]
    reports = [item for pair in zip(real, garbage, strict=False) for item in pair]
    spacing = FLOOD_SECONDS / FLOOD
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as session,
        Events(session, base_url, token) as events,
    ):

        async def one(params: dict[str, str]) -> None:
            async with session.get(ours, params=params) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"the webhook answered {response.status}")

        started = time.perf_counter()
        tasks = []
        for index, params in enumerate(reports):
            delay = started + index * spacing - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(params)))
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - started
        fired = await events.settled(len(real))
    return seconds, len(real), len(garbage), fired


def measure_flood(
    user: Client,
    hass: HomeAssistant,
    *,
    entry_id: str,
    ours: str,
    ids: list[str],
    ping_sampler: Any,
) -> Flood:
    """Flood the webhook while pinging Home Assistant from another thread."""
    before = _counters(user, entry_id)
    samples: list[tuple[float, float]] = []
    stop, idle = threading.Event(), threading.Event()
    sampler = threading.Thread(
        target=ping_sampler,
        args=(hass.base_url, user.access_token, stop, idle, samples),
        daemon=True,
    )
    sampler.start()
    if not idle.wait(30):
        raise RuntimeError("Home Assistant does not answer pings")
    flood_start = time.monotonic()
    seconds, real, garbage, fired = asyncio.run(
        _flood(hass.base_url, user.access_token, ours, ids)
    )
    flood_end = flood_start + seconds
    stop.set()
    sampler.join(10)
    return Flood(
        seconds=seconds,
        real=real,
        garbage=garbage,
        events=fired,
        counters_before=before,
        counters_after=_counters(user, entry_id),
        idle=[lag for at, lag in samples if at < flood_start],
        during=[lag for at, lag in samples if flood_start <= at <= flood_end],
    )
