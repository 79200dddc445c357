"""Input and replies at the edges: refused before any request, or read without harm.

Every refused field of the action, lone surrogates and control characters included, is in
test_send_sms.py; here a lone surrogate through notify is refused too, tabs and line breaks
are text, deferred times that do not exist or happen twice are refused, a hostile figure in
an accepted reply is ignored, every error after the request left says the SMS may have been
sent, and a partial batch says how many got it, may have, and did not.
"""

from __future__ import annotations

import asyncio
import unicodedata

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_http2sms.validation import checked_text
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT

from .conftest import account_entry, async_notify, async_send_sms
from .fault_helpers import (
    EN_EXCEPTIONS,
    FAST_PACE,
    LONG_DELAY,
    SHORT_TIMEOUT,
    assert_translated,
    async_setup,
    credit_sensor_id,
    observed_simulator,
)


async def test_tag_error_says_how_long_the_tag_was(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The user learns both the limit and the length given."""
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message="x", tag="y" * 25
        )
    assert raised.value.translation_placeholders == {"length": "25", "max": "20"}


async def test_a_lone_surrogate_through_notify_is_refused_translated(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The notify path gives the same translated refusal."""
    with pytest.raises(ServiceValidationError) as raised:
        await async_notify(hass, "notify.alice", "Door \ud83d open")
    assert_translated(raised.value, "message_invalid_character", validation=True)
    assert simulator.requests == []


def test_exactly_control_characters_and_lone_surrogates_are_refused() -> None:
    """Over every character of the Basic Multilingual Plane: refused iff it cannot be text.

    A control character (Unicode category Cc) other than a tab or a line break, or a lone
    surrogate; format characters, private use and unassigned code points are sent as given.
    """
    refused = {}
    for code in range(0x10000):
        try:
            checked_text(f"Door {chr(code)} open", None)
        except ServiceValidationError as err:
            refused[code] = err.translation_placeholders
    assert refused == {
        code: {"character": f"U+{code:04X}", "position": "6"}
        for code in range(0x10000)
        if 0xD800 <= code <= 0xDFFF
        or (unicodedata.category(chr(code)) == "Cc" and chr(code) not in "\t\n\r")
    }


async def test_tabs_and_line_breaks_are_text(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Only control characters that are not text are refused."""
    await async_send_sms(
        hass, recipients=["06 12 34 56 78"], message="Kitchen\tleak\nnow"
    )
    assert [sms.message for sms in simulator.outbox] == ["Kitchen\tleak\rnow"]


@pytest.mark.parametrize(
    ("deferred", "key"),
    [
        ("2027-03-28 02:30:00", "deferred_nonexistent"),
        ("2027-10-31 02:30:00", "deferred_ambiguous"),
        ("2027-10-31T02:30:00+01:00", "deferred_ambiguous_in_paris"),
        ("2027-10-31T00:30:00+00:00", "deferred_ambiguous_in_paris"),
    ],
    ids=["spring_gap", "autumn_twice_local", "second_0230_paris", "first_0230_utc"],
)
async def test_deferred_times_at_the_clock_changes_are_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    deferred: str,
    key: str,
) -> None:
    """hhmmddMMYYYY has no offset: a time that is skipped or lived twice is never guessed."""
    await hass.config.async_set_time_zone("Europe/Paris")
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(
            hass, recipients=["06 12 34 56 78"], message="x", deferred=deferred
        )
    assert_translated(raised.value, key, validation=True)
    assert simulator.requests == []


async def test_deferred_time_just_after_the_autumn_change_is_sent(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Outside the repeated hour, the time goes out in Paris time as before."""
    await hass.config.async_set_time_zone("Europe/Paris")
    await async_send_sms(
        hass,
        recipients=["06 12 34 56 78"],
        message="x",
        deferred="2027-10-31 03:00:00",
    )
    [request] = simulator.requests
    assert request.params["deferred"] == "030031102027"


@pytest.mark.parametrize(
    "figure", ["1e-999999999", "1e400", "-1e999999999", "NaN", "12.34567"]
)
async def test_a_hostile_credit_in_an_accepted_reply_is_ignored(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    figure: str,
) -> None:
    """The SMS is reported sent; the sensor keeps its last sane figure."""
    await async_send_sms(hass, recipients=["06 12 34 56 78"], message="First")
    sensor = "sensor.sms_ab1234_1_credits"
    before = hass.states.get(sensor).state
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            after_send=True,
            body=f'{{"status":100,"creditLeft":"{figure}","SmsIds":["777"]}}',
        )
    )

    response = await async_send_sms(
        hass, recipients=["06 12 34 56 78"], message="Second"
    )

    assert response["sms_ids"] == ["777"]
    assert response["credits_left"] is None
    assert hass.states.get(sensor).state == before


async def test_a_deeply_nested_reply_is_an_unreadable_reply(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A 64 KiB reply of brackets ends in "may have been sent", not in a crash."""
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            after_send=True,
            body='{"status":100,"SmsIds":' + "[" * 60_000,
        )
    )
    with pytest.raises(HomeAssistantError) as raised:
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="x")
    assert_translated(raised.value, "invalid_response")
    assert "may have been sent" in str(raised.value)
    assert len(simulator.outbox) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_a_5xx_after_the_request_left_says_it_may_have_been_sent(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
) -> None:
    """A proxy's 5xx can come after OVH took the SMS: never say "probably not sent"."""
    simulator.inject(
        Fault(kind=FaultKind.HTTP_ERROR, http_status=status, after_send=True)
    )
    with pytest.raises(HomeAssistantError) as raised:
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="x")
    assert_translated(raised.value, "http_error_unknown_outcome")
    assert "may have been sent" in str(raised.value)
    assert "not sent again" in str(raised.value)


def test_every_unknown_outcome_text_says_check_before_resending() -> None:
    """Wherever the request left and the outcome is unknown, the text says what to do."""
    for key in (
        "timeout",
        "connection_broken",
        "invalid_response",
        "http_error_unknown_outcome",
        "partially_sent",
    ):
        text = EN_EXCEPTIONS[key]
        assert "may have" in text, key
        assert "not sent again" in text, key
        assert "SMS history" in text, key


async def test_a_partial_batch_says_how_many_got_it_may_have_and_did_not(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """250 numbers, the second batch of 100 times out after OVH took it: 100, 100, 50."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint), timeout=SHORT_TIMEOUT)
        numbers = [f"+336123{index:05d}" for index in range(250)]

        async def slow_second_batch() -> None:
            while not sim.outbox:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.002)
            sim.inject(Fault(kind=FaultKind.DELAY, seconds=LONG_DELAY, after_send=True))

        watcher = asyncio.ensure_future(slow_second_batch())
        with pytest.raises(HomeAssistantError) as raised:
            await async_send_sms(hass, recipients=numbers, message="Storm warning")
        await watcher

        assert_translated(raised.value, "partially_sent")
        assert raised.value.translation_placeholders == {
            "accepted": "100",
            "unknown": "100",
            "not_sent": "50",
            "total": "250",
        }
        assert len(sim.outbox) == 200
        assert len(sim.requests) == 2

        # The same SMS again: only the 50 never tried get it; nobody gets it twice.
        response = await async_send_sms(
            hass, recipients=numbers, message="Storm warning"
        )
        assert len(response["suppressed"]) == 200
        assert len(sim.outbox) == 250
        assert len({sms.recipient for sms in sim.outbox}) == 250


async def test_batches_never_tried_after_a_refused_one_can_be_sent_again(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """When the first batch is refused, a retry reaches all numbers: none was held back."""
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint))
        numbers = [f"+336123{index:05d}" for index in range(250)]
        sim.inject(Fault(kind=FaultKind.RATE_LIMIT, limit=0))
        with pytest.raises(HomeAssistantError):
            await async_send_sms(hass, recipients=numbers, message="Storm warning")
        assert sim.outbox == []

        response = await async_send_sms(
            hass, recipients=numbers, message="Storm warning"
        )
        assert response["suppressed"] == []
        assert len(sim.outbox) == 250


async def test_a_failed_batch_does_not_unmark_a_number_another_send_reached(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """A number a deliberate repeat reached meanwhile stays marked when a big send fails."""
    async with observed_simulator() as sim:
        await async_setup(
            hass, account_entry(sim.endpoint, **FAST_PACE), timeout=SHORT_TIMEOUT
        )
        numbers = [f"+336123{index:05d}" for index in range(101)]
        late = numbers[-1]
        sim.inject(Fault(kind=FaultKind.DELAY, seconds=LONG_DELAY))
        big = asyncio.ensure_future(
            async_send_sms(hass, recipients=numbers, message="Storm warning")
        )
        async with asyncio.timeout(10):
            while not sim.observation.in_flight:  # noqa: ASYNC110 - polls the simulator
                await asyncio.sleep(0.01)
        # While the first batch is out, the last number gets the SMS on purpose.
        await async_send_sms(
            hass, recipients=[late], message="Storm warning", allow_repeat=True
        )
        with pytest.raises(HomeAssistantError):
            await big

        # It got it seconds ago: the same SMS, not asked as a repeat, is held back.
        response = await async_send_sms(
            hass, recipients=[late], message="Storm warning"
        )
        assert len(response["suppressed"]) == 1
        assert [sms.recipient for sms in sim.outbox].count("00" + late[1:]) == 1


async def test_credit_sensor_keeps_going_after_a_hostile_reply(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """After a hostile figure, the next sane reply updates the sensor again."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        sim.inject(
            Fault(
                kind=FaultKind.MALFORMED,
                after_send=True,
                body='{"status":100,"creditLeft":"1e400","SmsIds":["1"]}',
            )
        )
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="Hostile")
        await async_send_sms(hass, recipients=["06 12 34 56 78"], message="Sane")
        state = hass.states.get(credit_sensor_id(hass, entry)).state
        assert state == str(sim.state.account(ACCOUNT).credit)
