"""How fast Home Assistant sends an SMS with this integration, next to the bare request.

Run from the repository root: `scripts/run python benchmarks/perf.py`. Not a test: it prints a
table (and writes it to benchmarks/perf-results.txt) and asserts only that every SMS arrived.

Everything is real and on loopback: the http2sms simulator and a `python -m homeassistant`
process, both started by hass_testbed (as in the end-to-end tests), Home Assistant onboarded
and the integration set up through its HTTP API like the frontend does.

1. Latency of one send, N times each, interleaved in rotating order so that each way sees the
   same machine state:
   - floor: a bare aiohttp POST of the very http2sms request the integration sends (read back
     from the simulator's request log), straight to the simulator, on a kept-alive connection;
   - notify.send_message through the REST API (`POST /api/services/...`, a blocking call);
   - notify.send_message through the WebSocket API (`call_service`, what the frontend and the
     closest thing to an automation from outside do);
   - ovh_http2sms.send_sms through the REST API, with its response;
   - notify.send_message to the reference entities of `benchmarks/reference_notify` (a custom
     component put in the benchmark's configuration folder only), through REST and WebSocket:
     "Nothing" sends nothing (what any notify action costs in Home Assistant itself), "Bare
     POST" makes the floor's very request through Home Assistant's shared HTTP session and
     reads the reply (what making the request from Home Assistant costs, with nothing else).
   The integration's own overhead, per round, is ours - (null notify + bare POST); its own
   work beyond the request it makes is ours - the "Bare POST" entity.
   The integration paces requests (max_sends_per_second); here it is set to 30 and the sends
   through Home Assistant are spaced by more than 1/30 s, so the pacer never makes one wait and
   the latency is that of the code path, not of the pacing.
2. A burst of 200 concurrent notify.send_message over one WebSocket, at the default pace (5/s)
   and at 30/s: total time against the minimum the pace allows, and the simulator's count.
3. The config entry's setup time (enabling it again after disabling it, over WebSocket) and the
   resident memory of the `hass` process, with 0 and with 50 contacts.
4. Home Assistant's event-loop responsiveness during each burst, seen from outside: the round
   trip of a WebSocket `ping` every 50 ms on a second connection (from a separate thread with
   its own event loop), idle against during the burst. It is an upper bound of the loop's lag:
   it also holds loopback TCP, the WebSocket frames and the benchmark's own scheduling.
5. Delivery reports (benchmarks/delivery_reports.py): one report, HTTP in to event out, next to
   a do-nothing webhook registered the same way; and a flood of reports, half garbage, with the
   event loop's delay, the events fired and what was dropped. `--reports-only` runs this part
   alone and writes its table to benchmarks/perf-reports-results.txt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import contextlib
from dataclasses import dataclass, field
from functools import partial
import itertools
import json
import math
import os
from pathlib import Path
import platform
import shutil
import statistics
import sys
import threading
import time
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from delivery_reports import (  # noqa: E402 - beside this file, on the path as the script's folder
    FLOOD,
    FLOOD_SECONDS,
    LOOP_DELAY_GOAL,
    OWN_REPORT_GOAL,
    REFERENCE_WEBHOOK_ID,
    REPORT_ROUNDS,
    REPORT_WARMUP,
    STATUS_STEPS,
    Flood,
    measure_flood,
    measure_one_report,
    send_for_ids,
    webhook_urls,
)

from hass_testbed import Client, HomeAssistant, Person, Simulator, onboard  # noqa: E402 - the repository root must be on the path first
from hass_testbed.ovh_http2sms import (  # noqa: E402
    DOMAIN,
    SUBENTRY_TYPE_CONTACT,
    add_account,
    add_contact,
    set_sending_policy,
)

RESULTS = Path(__file__).resolve().parent / "perf-results.txt"
REPORT_RESULTS = Path(__file__).resolve().parent / "perf-reports-results.txt"
WORKDIR = REPO_ROOT / "artifacts" / "perf"
OWNER = Person(name="Bench Mark", username="bench", password="bench-Passw0rd!")
CONTACT = {"name": "Alice", "phone_number": "+33 6 12 34 56 78"}
N = 200
WARMUP = 10
BURST = 200
DEFAULT_RATE = 5  # the integration's default max_sends_per_second
FAST_RATE = 30  # the highest the options allow
PING_EVERY = 0.05
IDLE_SAMPLES = 40
MESSAGE = "Benchmark: water detected in the kitchen."
REFERENCE_DOMAIN = "reference_notify"
REFERENCE_NOTIFY = Path(__file__).resolve().parent / REFERENCE_DOMAIN
MANY_CONTACTS = 50
SETUP_ROUNDS = 20
OWN_OVERHEAD_GOAL = 0.0001  # seconds: 0.1 ms


# --------------------------------------------------------------------------------------------
# Talking to Home Assistant without the harness's one-shot helpers
# --------------------------------------------------------------------------------------------


class WebSocketApi:
    """One authenticated WebSocket connection; many commands may be in flight at once."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, token: str
    ) -> None:
        """Remember where to connect."""
        self._session = session
        self._url = f"{base_url.replace('http', 'ws', 1)}/api/websocket"
        self._token = token
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._conn: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        """Connect, authenticate, start reading replies."""
        self._conn = await self._session.ws_connect(self._url, max_msg_size=0)
        await self._conn.receive_json()  # auth_required
        await self._conn.send_json({"type": "auth", "access_token": self._token})
        auth = await self._conn.receive_json()
        if auth.get("type") != "auth_ok":
            raise RuntimeError(f"WebSocket authentication failed: {auth}")
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the connection."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._conn is not None:
            await self._conn.close()

    async def _read(self) -> None:
        assert self._conn is not None
        async for message in self._conn:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            for reply in _as_list(message.json()):
                number = reply.get("id")
                future = self._waiting.pop(number, None) if number else None
                if future is not None and not future.done():
                    future.set_result(reply)

    async def send(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """Send one command and wait for its reply (result or pong)."""
        assert self._conn is not None
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiting[number] = future
        await self._conn.send_json({**message, "id": number})
        return await future


def _as_list(data: Any) -> list[dict[str, Any]]:
    """Home Assistant may coalesce several replies into one JSON array."""
    return data if isinstance(data, list) else [data]


def _check(reply: Mapping[str, Any]) -> None:
    if not reply.get("success"):
        raise RuntimeError(f"the action failed: {reply.get('error')}")


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass
class Series:
    """Durations of one way of sending, in seconds."""

    name: str
    samples: list[float] = field(default_factory=list)

    def median(self) -> float:
        """Return the median, in seconds."""
        return statistics.median(self.samples)

    def p95(self) -> float:
        """Return the 95th percentile (nearest rank), in seconds."""
        return self.percentile(0.95)

    def percentile(self, fraction: float) -> float:
        """Return a percentile (nearest rank), in seconds."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Footprint:
    """The entry's setup time and Home Assistant's memory with some number of contacts."""

    contacts: int
    setup: Series
    memory: int


@dataclass
class Burst:
    """One burst of concurrent sends."""

    rate: float
    seconds: float
    received: int
    requests: int
    idle: Series
    during: Series

    @property
    def minimum(self) -> float:
        """What the pace allows at best, as announced: count / rate."""
        return BURST / self.rate


async def _timed(action: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def measure_latency(
    hass: HomeAssistant,
    token: str,
    simulator: Simulator,
    *,
    notify_entity: str,
    null_entity: str,
    post_entity: str,
    floor_form: list[tuple[str, str]],
) -> dict[str, Series]:
    """Alternate the ways of sending, N times each after a warm-up."""
    headers = {"Authorization": f"Bearer {token}"}
    sms_data = {"recipients": [CONTACT["phone_number"]], "message": MESSAGE}
    spacing = 1 / FAST_RATE + 0.008  # so that the pacer never holds a send back
    last_start = 0.0

    async with (
        aiohttp.ClientSession() as floor_session,
        aiohttp.ClientSession(headers=headers) as rest,
        WebSocketApi(rest, hass.base_url, token) as ws,
    ):

        async def floor() -> None:
            async with floor_session.post(simulator.endpoint, data=floor_form) as reply:
                body = await reply.json(content_type=None)
                if reply.status != 200 or body.get("status") != 100:
                    raise RuntimeError(f"the simulator refused: {body}")

        async def paced() -> None:
            nonlocal last_start
            if (wait := last_start + spacing - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            last_start = time.monotonic()

        async def rest_notify(entity_id: str) -> None:
            async with rest.post(
                f"{hass.base_url}/api/services/notify/send_message",
                json={"entity_id": entity_id, "message": MESSAGE},
            ) as reply:
                reply.raise_for_status()
                await reply.read()

        async def ws_notify(entity_id: str) -> None:
            _check(
                await ws.send(
                    {
                        "type": "call_service",
                        "domain": "notify",
                        "service": "send_message",
                        "service_data": {"entity_id": entity_id, "message": MESSAGE},
                    }
                )
            )

        async def rest_send_sms() -> None:
            async with rest.post(
                f"{hass.base_url}/api/services/{DOMAIN}/send_sms?return_response",
                json=sms_data,
            ) as reply:
                reply.raise_for_status()
                body = await reply.json()
                if not body["service_response"]["sms_ids"]:
                    raise RuntimeError(f"no SMS id in {body}")

        async def ws_ping() -> None:
            if (await ws.send({"type": "ping"})).get("type") != "pong":
                raise RuntimeError("no pong")

        async def rest_api() -> None:
            async with rest.get(f"{hass.base_url}/api/") as reply:
                reply.raise_for_status()
                await reply.read()

        ways: dict[str, tuple[Series, Callable[[], Awaitable[None]], bool]] = {
            "floor": (Series("bare POST to the simulator (floor)"), floor, False),
            "rest": (
                Series("notify.send_message, REST"),
                partial(rest_notify, notify_entity),
                True,
            ),
            "ws": (
                Series("notify.send_message, WebSocket"),
                partial(ws_notify, notify_entity),
                True,
            ),
            "send_sms": (
                Series(f"{DOMAIN}.send_sms, REST, with response"),
                rest_send_sms,
                True,
            ),
            # The same calls to an entity that sends nothing: Home Assistant's own cost.
            "null_rest": (
                Series('"Nothing" notify, REST'),
                partial(rest_notify, null_entity),
                False,
            ),
            "null_ws": (
                Series('"Nothing" notify, WebSocket'),
                partial(ws_notify, null_entity),
                False,
            ),
            # The same calls to an entity that makes the request and nothing else.
            "post_rest": (
                Series('"Bare POST" notify, REST'),
                partial(rest_notify, post_entity),
                True,
            ),
            "post_ws": (
                Series('"Bare POST" notify, WebSocket'),
                partial(ws_notify, post_entity),
                True,
            ),
            # References, no action: what a round trip to Home Assistant costs by itself.
            "ping": (Series("ref: WebSocket ping (no action)"), ws_ping, False),
            "api": (Series("ref: REST GET /api/ (auth, no action)"), rest_api, False),
        }
        order = list(ways.values())
        for round_number in range(WARMUP + N):
            # Rotate the order, so that no way always follows the same one.
            shift = round_number % len(order)
            for series, action, through_hass in order[shift:] + order[:shift]:
                if through_hass:
                    await paced()
                duration = await _timed(action)
                if round_number >= WARMUP:
                    series.samples.append(duration)
    return {key: series for key, (series, _action, _hass) in ways.items()}


def own_overhead(ours: Series, *references: Series) -> Series:
    """Ours - the sum of the references, round by round: the integration's own time."""
    return Series(
        ours.name,
        [
            mine - sum(others)
            for mine, *others in zip(
                ours.samples,
                *(reference.samples for reference in references),
                strict=True,
            )
        ],
    )


async def measure_setup(base_url: str, token: str, entry_id: str) -> Series:
    """Time the entry's setup: enable it again after disabling it, SETUP_ROUNDS times.

    Home Assistant answers the enabling command once the entry is set up (or failed to be).
    """
    setup = Series("setup")
    async with (
        aiohttp.ClientSession() as session,
        WebSocketApi(session, base_url, token) as ws,
    ):
        for _ in range(SETUP_ROUNDS):
            for disabled_by in ("user", None):
                started = time.perf_counter()
                _check(
                    await ws.send(
                        {
                            "type": "config_entries/disable",
                            "entry_id": entry_id,
                            "disabled_by": disabled_by,
                        }
                    )
                )
                if disabled_by is None:
                    setup.samples.append(time.perf_counter() - started)
    return setup


def footprint(hass: HomeAssistant, user: Client, entry_id: str) -> Footprint:
    """Measure the setup time and the memory with the contacts the entry has now."""
    setup = asyncio.run(measure_setup(hass.base_url, user.access_token, entry_id))
    (entry,) = [e for e in user.config_entries(DOMAIN) if e["entry_id"] == entry_id]
    if entry["state"] != "loaded":
        raise RuntimeError(f"the entry is {entry['state']} after its setup")
    return Footprint(len(user.subentries(entry_id)), setup, hass.resident_memory())


def _ping_sampler(
    base_url: str,
    token: str,
    stop: threading.Event,
    idle: threading.Event,
    samples: list[tuple[float, float]],
) -> None:
    """In its own thread and event loop: ping Home Assistant every PING_EVERY seconds."""

    async def run() -> None:
        async with (
            aiohttp.ClientSession() as session,
            WebSocketApi(session, base_url, token) as ws,
        ):
            while not stop.is_set():
                started = time.perf_counter()
                reply = await ws.send({"type": "ping"})
                if reply.get("type") != "pong":
                    raise RuntimeError(f"no pong: {reply}")
                samples.append((time.monotonic(), time.perf_counter() - started))
                if len(samples) >= IDLE_SAMPLES:
                    idle.set()
                await asyncio.sleep(PING_EVERY)

    asyncio.run(run())


async def measure_burst(
    hass: HomeAssistant,
    token: str,
    simulator: Simulator,
    notify_entity: str,
    rate: float,
) -> Burst:
    """Send BURST notifications at once over one WebSocket; ping from another thread."""
    simulator.reset()
    samples: list[tuple[float, float]] = []
    stop, idle = threading.Event(), threading.Event()
    sampler = threading.Thread(
        target=_ping_sampler,
        args=(hass.base_url, token, stop, idle, samples),
        daemon=True,
    )
    sampler.start()
    if not await asyncio.to_thread(idle.wait, 30):
        raise RuntimeError("Home Assistant does not answer pings")
    async with (
        aiohttp.ClientSession() as session,
        WebSocketApi(session, hass.base_url, token) as ws,
    ):
        message = {
            "type": "call_service",
            "domain": "notify",
            "service": "send_message",
            "service_data": {"entity_id": notify_entity, "message": MESSAGE},
        }
        burst_start = time.monotonic()
        started = time.perf_counter()
        replies = await asyncio.gather(*(ws.send(message) for _ in range(BURST)))
        seconds = time.perf_counter() - started
        burst_end = time.monotonic()
    stop.set()
    await asyncio.to_thread(sampler.join, 10)
    for reply in replies:
        _check(reply)
    return Burst(
        rate=rate,
        seconds=seconds,
        received=len(simulator.outbox()),
        requests=len(simulator.requests_log()),
        idle=Series("idle", [lag for at, lag in samples if at < burst_start]),
        during=Series(
            "during", [lag for at, lag in samples if burst_start <= at <= burst_end]
        ),
    )


# --------------------------------------------------------------------------------------------
# Setting up, reporting
# --------------------------------------------------------------------------------------------


def set_options(user: Client, entry_id: str, values: Mapping[str, Any]) -> None:
    """Change options through the options flow (the others keep theirs), wait for the reload."""
    result = set_sending_policy(user, entry_id, values)
    if result.get("type") != "create_entry":
        raise RuntimeError(f"options flow: {result}")
    time.sleep(1)  # the reload is scheduled, not awaited by the flow
    deadline = time.monotonic() + 30
    while user.config_entries(DOMAIN)[0]["state"] != "loaded":
        if time.monotonic() > deadline:
            raise RuntimeError("the entry did not reload")
        time.sleep(0.1)


def add_reference_notify(
    user: Client, post_to: str = "", body: str = "", webhook_id: str = ""
) -> str:
    """Add a reference entity through its config flow; return its entity id.

    With no address it sends nothing; with one, it POSTs `body` there. With a webhook id, the
    entry also serves a webhook that does nothing.
    """
    result = user.config_flow(
        REFERENCE_DOMAIN, {"post_to": post_to, "body": body, "webhook_id": webhook_id}
    )
    if result.get("type") != "create_entry":
        raise RuntimeError(f"reference notify: {result}")
    (entity_id,) = user.wait_for_entity_ids(
        REFERENCE_DOMAIN, "notify", config_entry_id=result["result"]["entry_id"]
    )
    return entity_id


def machine() -> list[str]:
    """Describe what the numbers were measured on."""
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii").splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores; load average before the run: {load}",
        (
            f"Python {platform.python_version()} ({sys.implementation.name}), "
            f"{platform.system()} {platform.release()}"
        ),
    ]


def _overhead_lines(
    latency: dict[str, Series], references: tuple[str, ...]
) -> list[str]:
    """One line per API: ours - the references, against the goal."""
    lines = [
        (
            f"{'':44} {'median':>8} {'p95':>8} {'goal':>8}        "
            f"{'of medians':>10} {'of p10s':>8} {'ours/references':>16}"
        )
    ]
    for api in ("rest", "ws"):
        # The floor is the same for both APIs; the notify references have one each.
        others = [
            latency[name if name == "floor" else f"{name}_{api}"] for name in references
        ]
        ours = latency[api]
        own = own_overhead(ours, *others)
        verdict = "met" if own.median() <= OWN_OVERHEAD_GOAL else "missed"
        apart = sum(other.median() for other in others)
        fastest = ours.percentile(0.1) - sum(other.percentile(0.1) for other in others)
        lines.append(
            f"{own.name:44} {ms(own.median())} {ms(own.p95())} "
            f"{ms(OWN_OVERHEAD_GOAL)} {verdict:>6} {ms(ours.median() - apart):>10} "
            f"{ms(fastest)} {ours.median() / apart:16.2f}x"
        )
    return lines


def _beyond_floor(latency: dict[str, Series], api: str) -> float:
    """Return how much more the same request costs from a notify entity than from here."""
    return (
        latency[f"post_{api}"].median()
        - latency[f"null_{api}"].median()
        - latency["floor"].median()
    )


def ms(seconds: float) -> str:
    """Milliseconds, for the table."""
    return f"{seconds * 1000:8.2f}"


def report(
    header: list[str],
    latency: dict[str, Series],
    *,
    footprints: list[Footprint],
    bare_memory: int,
    bursts: list[Burst],
    elapsed: float,
) -> str:
    """Lay the results out, as printed and saved."""
    floor = latency["floor"]
    lines = [*header, ""]
    lines.append(f"Latency of one send, {N} each, interleaved (ms)")
    lines.append(f"{'':44} {'median':>8} {'p95':>8} {'median/floor':>13}")
    for series in latency.values():
        ratio = series.median() / floor.median()
        lines.append(
            f"{series.name:44} {ms(series.median())} {ms(series.p95())} {ratio:12.2f}x"
        )
    lines.append("")
    lines.append(
        'The integration\'s own overhead = ours - ("Nothing" notify + bare POST), '
        "round by round (ms)"
    )
    lines.extend(_overhead_lines(latency, ("null", "floor")))
    lines.append(
        "(of medians = median(ours) - median(Nothing) - median(floor), of p10s the same with the "
        "10th percentiles, which the machine's load moves least: when the estimates differ, "
        "the load skewed the distributions)"
    )
    lines.append("")
    lines.append(
        'Its own work beyond the request it makes = ours - "Bare POST" notify (the same request '
        "through Home Assistant's shared session, from a notify entity), round by round (ms)"
    )
    lines.extend(_overhead_lines(latency, ("post",)))
    null_ws, ping = latency["null_ws"].median(), latency["ping"].median()
    lines.extend(
        [
            (
                f"Home Assistant's own cost of a notify action that sends nothing: "
                f"{latency['null_rest'].median() * 1000:.2f} ms over REST, "
                f"{null_ws * 1000:.2f} ms over WebSocket ({ping * 1000:.2f} ms of which is "
                "the bare round trip of a ping)."
            ),
            (
                "Home Assistant's own cost of making the request from a notify entity, beyond "
                'the floor = "Bare POST" - ("Nothing" + floor), of medians: '
                f"{_beyond_floor(latency, 'rest') * 1000:.2f} ms over REST, "
                f"{_beyond_floor(latency, 'ws') * 1000:.2f} ms over WebSocket."
            ),
            (
                "Against OVHcloud over the internet (tens of ms a request) the floor dwarfs both; "
                "on loopback the floor is about a millisecond."
            ),
        ]
    )
    lines.append("")
    lines.append(
        f"Config entry setup (enabled again after being disabled, {SETUP_ROUNDS} times) "
        "and resident memory of the hass process"
    )
    lines.append(
        f"{'contacts':>8} {'setup median (ms)':>18} {'p95 (ms)':>9} {'RSS (MiB)':>10}"
    )
    lines.extend(
        f"{fp.contacts:>8} {fp.setup.median() * 1000:18.1f} "
        f"{fp.setup.p95() * 1000:9.1f} {fp.memory / 2**20:10.1f}"
        for fp in footprints
    )
    lines.append(
        f'Before the entry was added (Home Assistant and the "Nothing" entity): '
        f"{bare_memory / 2**20:.1f} MiB. RSS only grows: Python seldom gives memory back."
    )
    lines.append("")
    lines.append(f"Burst of {BURST} concurrent notify.send_message over one WebSocket")
    lines.append(
        f"{'max_sends_per_second':>20} {'took (s)':>9} {'minimum':>8} {'SMS':>5} "
        f"{'requests':>8}   ping idle med/p95 -> during med/p95/max (ms)"
    )
    lines.extend(
        f"{burst.rate:>20g} {burst.seconds:9.2f} {burst.minimum:8.2f} "
        f"{burst.received:5d} {burst.requests:8d}   "
        f"{burst.idle.median() * 1000:.1f}/{burst.idle.p95() * 1000:.1f} -> "
        f"{burst.during.median() * 1000:.1f}/{burst.during.p95() * 1000:.1f}/"
        f"{max(burst.during.samples) * 1000:.1f} "
        f"({len(burst.during.samples)} pings)"
        for burst in bursts
    )
    lines.append("")
    lines.append(
        "minimum = sends / rate as configured; the pacer lets the first request go at once, "
        f"so the true floor is ({BURST} - 1) / rate."
    )
    lines.append(
        "ping = round trip of a WebSocket ping every 50 ms on a second connection (its own "
        "thread and loop): Home Assistant's event-loop delay plus loopback and framing."
    )
    lines.append(
        "2 cores shared by Home Assistant, the simulator, this client and whatever else "
        "runs on the machine: expect noise."
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines.append(f"Whole run: {elapsed:.0f} s; load average after it: {load}.")
    return "\n".join(lines) + "\n"


@dataclass
class Reports:
    """Delivery reports: one at a time against the do-nothing webhook, then a flood."""

    ours: Series
    reference: Series
    flood: Flood


def measure_reports(
    hass: HomeAssistant, user: Client, simulator: Simulator, entry_id: str
) -> Reports:
    """Send SMS for their ids, then report on them through the webhook."""
    ours_url, reference_url = webhook_urls(user, hass, entry_id)
    latency_sms = (REPORT_WARMUP + REPORT_ROUNDS + 1) // 2
    flood_sms = math.ceil(FLOOD / 2 / len(STATUS_STEPS))
    ids = send_for_ids(user, entry_id, latency_sms + flood_sms)
    ours, reference = asyncio.run(
        measure_one_report(
            hass.base_url, user.access_token, ours_url, reference_url, ids[:latency_sms]
        )
    )
    flood = measure_flood(
        user,
        hass,
        entry_id=entry_id,
        ours=ours_url,
        ids=ids[latency_sms:],
        ping_sampler=_ping_sampler,
    )
    return Reports(
        Series("report -> event (ovh_http2sms webhook)", ours),
        Series("the same GET, do-nothing webhook", reference),
        flood,
    )


def report_reports(reports: Reports) -> list[str]:
    """Lay the delivery reports' figures out."""
    own = own_overhead(reports.ours, reports.reference)
    own.name = "its own part (ours - do-nothing), round by round"
    flood = reports.flood
    during = Series("during", flood.during)
    idle = Series("idle", flood.idle)
    return [
        f"Delivery reports: one report, HTTP in to event out, {REPORT_ROUNDS} interleaved (ms)",
        f"{'':52} {'median':>8} {'p95':>8} {'goal':>8}",
        *(
            f"{series.name:52} {ms(series.median())} {ms(series.p95())}"
            for series in (reports.ours, reports.reference)
        ),
        (
            f"{own.name:52} {ms(own.median())} {ms(own.p95())} {ms(OWN_REPORT_GOAL)} "
            f"{'met' if own.median() <= OWN_REPORT_GOAL else 'missed':>6}"
        ),
        (
            "its own part estimated otherwise: of medians "
            f"{(reports.ours.median() - reports.reference.median()) * 1000:.2f} ms, of p10s "
            f"{(reports.ours.percentile(0.1) - reports.reference.percentile(0.1)) * 1000:.2f}"
            " ms (when they differ from the round-by-round median, the load skewed them)"
        ),
        (
            "(each report changed an SMS's status and fired ovh_http2sms_sms_delivery "
            "before the answer; every event was counted on a WebSocket subscription)"
        ),
        "",
        (
            f"Flood: {flood.real + flood.garbage} reports sent in {flood.seconds:.1f} s "
            f"(goal {FLOOD} in {FLOOD_SECONDS:g} s): {flood.real} for SMS this Home "
            f"Assistant sent (each a change of status), {flood.garbage} garbage (unknown ids, "
            "fields that are not OVHcloud's)"
        ),
        (
            f"events fired: {flood.events}; dropped by the webhook's rate: "
            f"{flood.counted('dropped_by_rate')}; applied: {flood.counted('reports_applied')}; "
            f"unknown ids: {flood.counted('unknown_ids')}; garbage: {flood.counted('garbage')}; "
            f"duplicates: {flood.counted('duplicates')}"
        ),
        (
            f"event loop (ping round trip, ms): idle median/p95 {idle.median() * 1000:.1f}/"
            f"{idle.p95() * 1000:.1f} -> during median/p95/max {during.median() * 1000:.1f}/"
            f"{during.p95() * 1000:.1f}/{max(during.samples) * 1000:.1f} "
            f"({len(during.samples)} pings); goal p95 < {LOOP_DELAY_GOAL * 1000:g} ms: "
            f"{'met' if during.p95() < LOOP_DELAY_GOAL else 'missed'}"
        ),
    ]


def main_reports_only() -> int:
    """Measure the delivery reports alone, print, save to REPORT_RESULTS."""
    began = time.monotonic()
    header = machine()
    shutil.rmtree(WORKDIR, ignore_errors=True)
    simulator = Simulator(WORKDIR / "simulator", initial_credit=1_000_000)
    hass = HomeAssistant(WORKDIR / "hass", debug_loggers=())
    shutil.copytree(
        REFERENCE_NOTIFY, hass.config_dir / "custom_components" / REFERENCE_DOMAIN
    )
    try:
        simulator.start()
        hass.start()
        user = onboard(hass.base_url, OWNER)
        user.wait_running()
        header.insert(1, f"Home Assistant {user.get('/api/config')['version']}")
        add_reference_notify(user, webhook_id=REFERENCE_WEBHOOK_ID)
        entry_id = add_account(user, simulator)
        set_options(user, entry_id, {"max_sends_per_second": FAST_RATE})
        reports = measure_reports(hass, user, simulator, entry_id)
    finally:
        hass.stop()
        simulator.stop()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    text = "\n".join(
        [
            *header,
            "",
            *report_reports(reports),
            "",
            f"Whole run: {time.monotonic() - began:.0f} s; load average after it: {load}.",
        ]
    )
    print(text)
    REPORT_RESULTS.write_text(text + "\n", encoding="utf-8")
    return 0


def main() -> int:
    """Start everything, measure, print, save."""
    began = time.monotonic()
    header = machine()
    shutil.rmtree(WORKDIR, ignore_errors=True)
    simulator = Simulator(WORKDIR / "simulator", initial_credit=1_000_000)
    # A debug line per SMS is not what a user runs: production log levels.
    hass = HomeAssistant(WORKDIR / "hass", debug_loggers=())
    shutil.copytree(
        REFERENCE_NOTIFY, hass.config_dir / "custom_components" / REFERENCE_DOMAIN
    )
    try:
        simulator.start()
        hass.start()
        user = onboard(hass.base_url, OWNER)
        user.wait_running()
        header.insert(1, f"Home Assistant {user.get('/api/config')['version']}")

        null_entity = add_reference_notify(user, webhook_id=REFERENCE_WEBHOOK_ID)
        bare_memory = hass.resident_memory()

        entry_id = add_account(user, simulator)
        # Every send repeats one text to one contact: the repeat guard would suppress them.
        set_options(user, entry_id, {"repeat_window": 0})
        footprints = [footprint(hass, user, entry_id)]
        notify_entity = add_contact(user, entry_id, {**CONTACT, "flash": False})
        for number in range(1, MANY_CONTACTS):
            user.subentry_flow(
                entry_id,
                SUBENTRY_TYPE_CONTACT,
                {
                    "name": f"Contact {number}",
                    "phone_number": f"+33 6 10 00 00 {number:02d}",
                },
            )
        footprints.append(footprint(hass, user, entry_id))
        token = user.access_token
        user.wait_for_state(
            notify_entity, lambda state: state["state"] != "unavailable"
        )

        bursts = [
            asyncio.run(
                measure_burst(hass, token, simulator, notify_entity, DEFAULT_RATE)
            )
        ]

        set_options(user, entry_id, {"max_sends_per_second": FAST_RATE})
        # The floor replays the exact request the integration makes.
        simulator.reset()
        user.call(
            "notify", "send_message", {"entity_id": notify_entity, "message": MESSAGE}
        )
        params = dict(simulator.requests_log()[-1]["params"])
        params["password"] = simulator.password
        floor_form = list(params.items())
        simulator.reset()
        latency = asyncio.run(
            measure_latency(
                hass,
                token,
                simulator,
                notify_entity=notify_entity,
                null_entity=null_entity,
                post_entity=add_reference_notify(
                    user, simulator.endpoint, urlencode(floor_form)
                ),
                floor_form=floor_form,
            )
        )
        sent = len(simulator.outbox())
        if sent != 6 * (WARMUP + N):
            raise RuntimeError(f"the simulator got {sent} SMS in the latency runs")

        bursts.append(
            asyncio.run(measure_burst(hass, token, simulator, notify_entity, FAST_RATE))
        )
        reports = measure_reports(hass, user, simulator, entry_id)
    finally:
        hass.stop()
        simulator.stop()

    (WORKDIR / "samples.json").write_text(
        json.dumps({key: series.samples for key, series in latency.items()}),
        encoding="utf-8",
    )
    text = report(
        header,
        latency,
        footprints=footprints,
        bare_memory=bare_memory,
        bursts=bursts,
        elapsed=time.monotonic() - began,
    )
    text += "\n" + "\n".join(report_reports(reports)) + "\n"
    print(text, end="")
    RESULTS.write_text(text, encoding="utf-8")
    problems = [b for b in bursts if b.received != BURST or b.requests != BURST]
    if problems:
        print(f"NOT every burst delivered exactly {BURST} SMS: {problems}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main_reports_only() if "--reports-only" in sys.argv[1:] else main())
