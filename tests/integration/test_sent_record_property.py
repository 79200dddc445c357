"""
Any sequence of sends by two SMS users of one account, time-zone changes, clock moves and
restarts keeps the record's promises, and any file in the record's place still lets an SMS out.

The budget promise is checked where it is made: when an SMS is accepted, the parts accepted on
the local day it falls in (in the time zone of that moment, restarts included) never exceed the
tightest budget of the two SMS users. (A day seen later from another time zone can hold SMS
admitted under two zones' days: no budget can promise anything about it.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import itertools
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.ovh_http2sms.account import ACCOUNTS
from custom_components.ovh_http2sms.const import (
    CONF_DAILY_BUDGET,
    CONF_REPEAT_WINDOW,
    DOMAIN,
    EVENT_SMS_SENT,
)

from .conftest import account_entry, async_notify, async_send_sms
from .fault_helpers import FAST_PACE, assert_translated, async_setup, observed_simulator
from .test_sent_record import (
    _accepted_reply,
    _record_key,
    _second_user,
    _two_users_state,
)

ALICE = "0033612345678"
BOB = "00447911123456"
NUMBERS = {ALICE: "06 12 34 56 78", BOB: "+44 7911 123456"}
LONG_TEXT = "Leak report: " + "x" * 150  # two parts
# Texts a phone shows alike are one SMS: the property compares them as displayed.
TEXTS = ["Door open", "Door  open", " Door open\n", "DOOR OPEN", LONG_TEXT]
ZONES = ["Europe/Paris", "Asia/Tokyo", "America/New_York", "Europe/Moscow"]
WINDOW = 2

SENDS = st.tuples(
    st.just("send"),
    st.sampled_from(["first", "second"]),
    st.sampled_from([[ALICE], [BOB], [ALICE, BOB]]),
    st.sampled_from(TEXTS),
    st.booleans(),
    st.booleans(),
)
# Minutes that never add up to the window exactly; negative ones set the clock back.
MOVES = st.tuples(
    st.just("move"), st.sampled_from([0.7, 1.7, 45.0, 400.0, -1.3, -50.0])
)
ZONE_CHANGES = st.tuples(st.just("zone"), st.sampled_from(ZONES))
RESTARTS = st.tuples(st.just("restart"), st.booleans())
# The next reply accepts the request but lists this many ids, whatever the request was.
LIES = st.tuples(st.just("lie"), st.sampled_from([0, 1, 3, 3000]))
NOTIFIES = st.tuples(st.just("notify"), st.sampled_from(TEXTS))
RUNS = st.tuples(
    st.sampled_from([0, 1, 3, 12]),
    st.sampled_from([0, 2, 20]),
    st.lists(
        st.one_of(SENDS, SENDS, NOTIFIES, MOVES, ZONE_CHANGES, RESTARTS, LIES),
        min_size=1,
        max_size=12,
    ),
)
TICKING_CLOCK = pytest.mark.freeze_time("2026-11-30 20:00:00+00:00", tick=True)


@dataclass(frozen=True)
class _Accepted:
    at: datetime
    zone: str
    recipient: str
    shown: str
    flash: bool
    allow_repeat: bool
    parts: int


def _run(
    hass: HomeAssistant,
    strategy: st.SearchStrategy[Any],
    example: Callable[[Any], Awaitable[None]],
    examples: int,
) -> Awaitable[None]:
    """Run `example` on the hass loop for a modest number of drawn examples."""

    @settings(max_examples=examples, deadline=None)
    @given(strategy)
    def property_holds(drawn: Any) -> None:
        asyncio.run_coroutine_threadsafe(example(drawn), hass.loop).result()

    return hass.async_add_executor_job(property_holds)


async def _async_send(
    hass: HomeAssistant,
    entry_id: str,
    recipients: list[str],
    text: str,
    *,
    flash: bool,
    allow_repeat: bool,
    via_notify: bool,
) -> dict[str, Any]:
    """Send by send_sms, or by Alice's notify entity: what went out, as send_sms says it.

    A repeat through notify returns normally and sends nothing: the sent event says whether
    the SMS went.
    """
    if not via_notify:
        return await async_send_sms(
            hass,
            config_entry_id=entry_id,
            recipients=[NUMBERS[number] for number in recipients],
            message=text,
            flash=flash,
            allow_repeat=allow_repeat,
        )
    events: list[Event] = []
    unsubscribe = hass.bus.async_listen(EVENT_SMS_SENT, events.append)
    try:
        await async_notify(hass, "notify.alice", text)
    finally:
        unsubscribe()
    if not events:
        return {"recipients": [], "parts": 0}
    return {"recipients": [ALICE], "parts": events[0].data["parts"]}


def _local_day(moment: datetime, zone: str) -> tuple[str, object]:
    return zone, moment.astimezone(dt_util.get_time_zone(zone)).date()


@TICKING_CLOCK
async def test_two_sms_users_zones_clocks_and_restarts_never_pass_the_tightest_budget(
    hass: HomeAssistant,
    socket_enabled: None,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Each accepted SMS keeps its day within the tightest budget; no repeat in the window."""
    async with observed_simulator(_two_users_state()) as sim:

        async def example(drawn: tuple[int, int, list[tuple[Any, ...]]]) -> None:
            first_budget, second_budget, steps = drawn
            tightest = min((b for b in (first_budget, second_budget) if b), default=0)
            sim.reset()
            await hass.config.async_set_time_zone("Europe/Paris")
            options = {**FAST_PACE, CONF_REPEAT_WINDOW: WINDOW}
            first = await async_setup(
                hass,
                account_entry(
                    sim.endpoint, **options, **{CONF_DAILY_BUDGET: first_budget}
                ),
            )
            second = await async_setup(
                hass,
                _second_user(first, **options, **{CONF_DAILY_BUDGET: second_budget}),
            )
            entries = {"first": first, "second": second}
            accepted: list[_Accepted] = []
            for step in steps:
                if step[0] == "move":
                    freezer.tick(timedelta(minutes=step[1]))
                    continue
                if step[0] == "lie":
                    sim.inject(_accepted_reply(list(range(step[1]))))
                    continue
                if step[0] == "zone":
                    await hass.config.async_update(time_zone=step[1])
                    await hass.async_block_till_done()
                    continue
                if step[0] == "restart":
                    order = [second, first] if step[1] else [first, second]
                    for entry in order:
                        assert await hass.config_entries.async_unload(entry.entry_id)
                    await hass.async_block_till_done()
                    hass.data.pop(ACCOUNTS)
                    for entry in order:
                        assert await hass.config_entries.async_setup(entry.entry_id)
                    await hass.async_block_till_done()
                    continue
                zone = str(dt_util.get_default_time_zone())
                via_notify = step[0] == "notify"
                if via_notify:
                    step = ("send", "first", [ALICE], step[1], False, False)
                _, who, recipients, text, flash, allow_repeat = step
                try:
                    response = await _async_send(
                        hass,
                        entries[who].entry_id,
                        recipients,
                        text,
                        flash=flash,
                        allow_repeat=allow_repeat,
                        via_notify=via_notify,
                    )
                except HomeAssistantError as err:
                    assert_translated(err, "daily_budget_reached", validation=False)
                    continue
                now = dt_util.utcnow()
                accepted += [
                    _Accepted(
                        now,
                        zone,
                        number,
                        " ".join(text.split()),
                        flash,
                        allow_repeat,
                        response["parts"],
                    )
                    for number in response["recipients"]
                ]
                if tightest:
                    day = _local_day(now, zone)
                    spent = sum(
                        sms.parts for sms in accepted if _local_day(sms.at, zone) == day
                    )
                    assert spent <= tightest, (tightest, day, accepted)

            for entry in (first, second):
                assert await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done()
            # The account's last SMS user is gone: so is its record, and no save brings it
            # back (each example starts from nothing).
            assert not [key for key in hass_storage if key.startswith(DOMAIN)]

            assert len(sim.outbox) >= len(accepted)
            for earlier, later in itertools.combinations(accepted, 2):
                if (earlier.recipient, earlier.shown, earlier.flash) == (
                    later.recipient,
                    later.shown,
                    later.flash,
                ):
                    assert later.allow_repeat or abs(
                        later.at - earlier.at
                    ) >= timedelta(minutes=WINDOW), (earlier, later)

        await _run(hass, RUNS, example, examples=40)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["version", "buckets", "records", "budgets", "day", "parts"]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


async def test_any_value_in_the_record_s_file_still_lets_an_sms_out(
    hass: HomeAssistant, socket_enabled: None, hass_storage: dict[str, Any]
) -> None:
    """Whatever JSON the file holds, at any version, the account sets up and an SMS goes out."""
    async with observed_simulator() as sim:
        key = _record_key(sim.endpoint)

        async def example(drawn: tuple[Any, int]) -> None:
            data, version = drawn
            sim.reset()
            # As the file would hold it: JSON, so NaN and infinities come back as written.
            hass_storage[key] = {
                "version": version,
                "key": key,
                "data": json.loads(json.dumps(data)),
            }
            entry = await async_setup(
                hass, account_entry(sim.endpoint, **{CONF_DAILY_BUDGET: 5})
            )
            await async_notify(hass, "notify.alice", "The alarm goes out")
            assert len(sim.outbox) == 1
            assert await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done()
            assert key not in hass_storage
            assert not [k for k in hass_storage if k.startswith(DOMAIN)]

        await _run(
            hass,
            st.tuples(JSON_VALUES, st.sampled_from([1, 2, 99])),
            example,
            examples=40,
        )
