"""
Any input either sends a well-formed SMS or is refused with a clear, translated error.

Property-based: Hypothesis draws messages, titles, phone numbers, contacts, tags, senders,
deferred times, flags, codings and the account's options, and feeds them through
`ovh_http2sms.send_sms` and `notify.send_message` on a real Home Assistant talking to the
simulator. Each input must either be sent (one request, every parameter well-formed, the
response matching what the gateway accepted) or raise a `ServiceValidationError` of this
integration with its English text; a schema error (`probatio.Invalid`) is accepted only when
a value of the wrong type was given on purpose. Any other exception, or a request carrying a
malformed parameter, fails the property.

How Hypothesis meets an async Home Assistant: `@given` cannot decorate a coroutine, and the
`hass` fixture lives on a running event loop that a sync test cannot re-enter. So the async
test hands a sync `@given` function to Home Assistant's executor (one worker thread); for every
example that function submits the coroutine that runs it to the `hass` loop with
`asyncio.run_coroutine_threadsafe` and blocks its own thread on the result. The loop stays free
while the thread waits, every example runs on the real loop, and Hypothesis keeps everything it
is good at: shrinking a failure to its smallest form, its example database, and the number of
examples of the active profile ("ci": 150, "thorough": 10 000), never overridden here. The
simulator is reset before each example; the account has ample credit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.components.notify import ATTR_MESSAGE, ATTR_TITLE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from hypothesis import given, strategies as st
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_http2sms.const import (
    CONF_CODING,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_PARTS,
    CONF_MAX_SENDS_PER_SECOND,
    CONF_REPEAT_WINDOW,
    CONF_REPLACE_CHARACTERS,
)
from http2sms_simulator.gateway import URL_PATTERN
from http2sms_simulator.state import RequestRecord
from tests.conftest import SENDER

from .conftest import account_entry, async_notify, async_send_sms
from .fault_helpers import (
    OTHER_SENDERS,
    ObservedSimulator,
    assert_translated,
    async_setup,
    observed_simulator,
)

PARIS = ZoneInfo("Europe/Paris")
# Pacing is not what is tested here, and 10 000 examples at the options flow's fastest pace
# (30 per second) would take minutes: the sender takes any positive pace.
UNPACED = 100_000
# Refusals only the gateway can make: a sender it does not know, a link with a short code.
GATEWAY_REFUSALS = {"sender_not_found", "invalid_parameter"}

# --- Strategies -----------------------------------------------------------------------------

GSM7 = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    "\f^{}\\[~]|€"
)
AWKWARD = "’‘“”«»…—–êçœ\u00a0\u202f\u200b\u200d\ufe0f\u0301\t🔥💧🚨👍🏽🇫🇷火\x00\x1b "
CHARS = st.one_of(
    st.sampled_from(GSM7), st.sampled_from(AWKWARD), st.characters(codec="utf-8")
)
TEXTS = st.one_of(
    st.text(CHARS, max_size=200),
    st.builds(
        lambda head, fill, count: head + fill * count,
        st.text(CHARS, max_size=20),
        st.sampled_from(["a", "é", "€", "🔥", " ", "\n", "https://x.org "]),
        st.integers(0, 1100),
    ),
)
DIGITS = st.text(st.sampled_from("0123456789"), min_size=0, max_size=17)
SEPARATED = st.builds(
    lambda digits, sep: sep.join(digits[i : i + 2] for i in range(0, len(digits), 2)),
    DIGITS,
    st.sampled_from(["", " ", ".", "-"]),
)
# Prefixes of numbers that are valid whatever the remaining digits, and how many digits follow.
VALID_PREFIXES = {
    "06 12 ": 6,
    "07 81 ": 6,
    "+33 6 12 ": 6,
    "0033 6 12 ": 6,
    "+32 470 ": 6,
    "+44 7911 12": 4,
}
VALID_NUMBERS = st.sampled_from(list(VALID_PREFIXES)).flatmap(
    lambda prefix: st.builds(
        lambda rest, separator: prefix + separator.join(rest),
        st.lists(
            st.sampled_from("0123456789"),
            min_size=VALID_PREFIXES[prefix],
            max_size=VALID_PREFIXES[prefix],
        ),
        st.sampled_from(["", " ", "."]),
    )
)
ODD_NUMBERS = st.one_of(
    st.builds(lambda number: "+" + number, SEPARATED),
    st.builds(lambda number: "00" + number, DIGITS),
    SEPARATED,
    st.text(st.characters(categories=["Nd"]), max_size=12),
    st.text(max_size=20),
)


def rarely(strategy: st.SearchStrategy[Any], usual: st.SearchStrategy[Any]) -> Any:
    """`usual` nine times in ten, `strategy` otherwise (Hypothesis favours the first item)."""
    return st.sampled_from([False] * 9 + [True]).flatmap(
        lambda rare: strategy if rare else usual
    )


# Mostly numbers that can be sent, so that the properties reach the request often.
NUMBERS = rarely(ODD_NUMBERS, VALID_NUMBERS)
CONTACTS = st.lists(
    rarely(
        st.sampled_from(["notify.nobody", "sensor.sms_ab1234_1_credits"]),
        st.sampled_from(["notify.alice", "notify.bob"]),
    ),
    max_size=2,
)
SENDERS = rarely(
    st.one_of(st.text(max_size=16), DIGITS), st.sampled_from([SENDER, *OTHER_SENDERS])
)
TIME_ZONES = st.one_of(st.none(), st.timezones())
FUTURE = st.builds(
    lambda minutes: dt_util.utcnow() + timedelta(minutes=minutes),
    st.integers(-120, 60 * 24 * 800),
)
DEFERRED = st.one_of(
    FUTURE,
    FUTURE,
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(9999, 12, 31, 23, 59),
        timezones=TIME_ZONES,
    ),
    st.builds(
        lambda moment: moment.isoformat(),
        st.datetimes(
            min_value=datetime(2020, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=TIME_ZONES,
        ),
    ),
)
OPTIONS = st.fixed_dictionaries(
    {
        CONF_CODING: st.sampled_from(["auto", "gsm7", "unicode"]),
        CONF_REPLACE_CHARACTERS: st.sampled_from(
            ["off", "replace", "replace_and_drop"]
        ),
        CONF_MAX_PARTS: st.integers(1, 6),
        CONF_LOW_CREDIT_THRESHOLD: st.sampled_from([0.0, 10.0, 1e9]),
    }
)
# A value of the wrong type for one field (the only case a schema error is acceptable).
WRONG_TYPE = st.tuples(
    st.sampled_from(
        ["message", "title", "tag", "sender", "recipients", "flash", "deferred"]
    ),
    st.sampled_from([None, {"a": 1}, [{"b": 2}], object()]),
)


@st.composite
def action_calls(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """The data of one send_sms call, and whether a field was given a wrong type."""
    data: dict[str, Any] = {"message": draw(TEXTS)}
    recipients = draw(rarely(st.just([]), st.lists(NUMBERS, min_size=1, max_size=3)))
    if recipients or draw(st.booleans()):
        data["recipients"] = (
            recipients[0]
            if len(recipients) == 1 and draw(st.booleans())
            else recipients
        )
    if contacts := draw(CONTACTS):
        data["contacts"] = contacts
    optional = {
        "title": st.text(CHARS, max_size=40),
        "flash": st.booleans(),
        "no_stop": st.booleans(),
        "deferred": DEFERRED,
        "tag": st.text(CHARS, max_size=24),
        "sender": SENDERS,
        "sender_for_response": st.booleans(),
        "coding": st.sampled_from(["auto", "gsm7", "unicode"]),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            data[name] = draw(strategy)
    wrong_type = draw(rarely(st.just(True), st.just(False)))
    if wrong_type:
        name, value = draw(WRONG_TYPE)
        data[name] = value
    return data, wrong_type


# --- Checks --------------------------------------------------------------------------------


def check_request(record: RequestRecord) -> None:
    """Every parameter of a request the integration made is well-formed."""
    params = record.params
    numbers = params.get("to", "").split(",")
    assert all(
        number.isascii() and number.isdigit() and number.startswith("00")
        for number in numbers
    ), params
    assert params.get("message"), params
    assert params.get("from") or params.get("senderForResponse") == "1", params
    if "tag" in params:
        assert 0 < len(params["tag"]) <= 20, params
    if "deferred" in params:
        deferred = params["deferred"]
        assert len(deferred) == 12, params
        assert deferred.isascii(), params
        assert deferred.isdigit(), params
    if "smsCoding" in params:
        assert params["smsCoding"] in {"1", "2"}, params
    if "class" in params:
        assert params["class"] == "0", params
    if "noStop" in params:
        assert params["noStop"] == "1", params
    if "senderForResponse" in params:
        assert params["senderForResponse"] == "1", params


def check_refusal(err: ServiceValidationError, sim: ObservedSimulator) -> None:
    """A refusal is translated, and made before any request unless only OVH could make it."""
    assert_translated(err, validation=True)
    if not sim.requests:
        return
    [record] = sim.requests
    assert err.translation_key in GATEWAY_REFUSALS, (err.translation_key, str(err))
    if err.translation_key == "invalid_parameter":
        assert record.params.get("senderForResponse") == "1", str(err)
        assert URL_PATTERN.search(record.params["message"]), str(err)


def expected_deferred(value: datetime | str) -> str:
    """What the deferred parameter must be for the moment the user gave."""
    moment = value if isinstance(value, datetime) else dt_util.parse_datetime(value)
    assert moment is not None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return moment.astimezone(PARIS).strftime("%H%M%d%m%Y")


def run_examples(
    hass: HomeAssistant,
    strategy: st.SearchStrategy[Any],
    example: Callable[[Any], Awaitable[None]],
) -> Awaitable[None]:
    """Run `example` on the hass loop for every example Hypothesis draws (see module doc)."""

    @given(strategy)
    def property_holds(drawn: Any) -> None:
        asyncio.run_coroutine_threadsafe(example(drawn), hass.loop).result()

    return hass.async_add_executor_job(property_holds)


async def _set_options(
    hass: HomeAssistant, entry: MockConfigEntry, options: dict[str, Any]
) -> None:
    # Hypothesis sends the same text again and again: the repeat guard (test_runaway) would
    # rightly suppress what each example expects to see sent.
    options = {**options, CONF_MAX_SENDS_PER_SECOND: UNPACED, CONF_REPEAT_WINDOW: 0}
    if dict(entry.options) != options:
        hass.config_entries.async_update_entry(entry, options=options)
        await hass.async_block_till_done()


# --- Properties ----------------------------------------------------------------------------


async def test_any_action_call_sends_well_formed_or_is_refused_clearly(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Any send_sms call sends one well-formed request or is refused with a clear error."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        outcomes: dict[str, int] = {}

        async def example(drawn: tuple[tuple[dict[str, Any], bool], Any]) -> None:
            (data, wrong_type), options = drawn
            await _set_options(hass, entry, options)
            # OVH never gives an SMS id twice (the account's record refuses an id it already
            # holds); the simulator's reset starts its ids again, so each example starts on.
            sim.state.first_sms_id += 1000
            sim.reset()
            try:
                response = await async_send_sms(hass, **data)
            except ServiceValidationError as err:
                outcome = err.translation_key or "?"
                check_refusal(err, sim)
            except probatio.Invalid:
                outcome = "schema"
                assert wrong_type, data
                assert sim.requests == []
            else:
                # A wrong type the schema coerces (object() to a string) may be sent.
                outcome = "sent"
                [record] = sim.requests
                check_request(record)
                assert isinstance(response, dict)
                assert response["recipients"] == record.params["to"].split(",")
                assert sorted(str(sms.sms_id) for sms in sim.outbox) == sorted(
                    response["sms_ids"]
                )
                assert [sms.recipient for sms in sim.outbox] == response["recipients"]
                if "deferred" in data:
                    assert record.params["deferred"] == expected_deferred(
                        data["deferred"]
                    )
                if data.get("tag"):
                    assert record.params["tag"] == data["tag"]
            for record in sim.requests:
                check_request(record)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

        await run_examples(hass, st.tuples(action_calls(), OPTIONS), example)
        # The property saw both sides: inputs that were sent and inputs that were refused.
        assert outcomes.get("sent", 0) > 0, outcomes
        assert sum(outcomes.values()) > outcomes.get("sent", 0), outcomes


NOTIFY_CALLS = st.fixed_dictionaries(
    {
        ATTR_ENTITY_ID: st.sampled_from(["notify.alice", "notify.bob"]),
        ATTR_MESSAGE: TEXTS,
    },
    optional={ATTR_TITLE: st.text(CHARS, max_size=40)},
)


async def test_any_notify_message_sends_well_formed_or_is_refused_clearly(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Any notify message to a contact sends one well-formed SMS or is refused clearly."""
    async with observed_simulator() as sim:
        entry = await async_setup(hass, account_entry(sim.endpoint))
        outcomes: dict[str, int] = {}

        async def example(drawn: tuple[dict[str, Any], Any]) -> None:
            data, options = drawn
            await _set_options(hass, entry, options)
            sim.reset()
            try:
                await async_notify(
                    hass,
                    data[ATTR_ENTITY_ID],
                    data[ATTR_MESSAGE],
                    title=data.get(ATTR_TITLE),
                )
            except ServiceValidationError as err:
                outcome = err.translation_key or "?"
                assert_translated(err, validation=True)
                assert sim.requests == [], "the gateway refused what was checked"
            else:
                outcome = "sent"
                [record] = sim.requests
                check_request(record)
                [sms] = sim.outbox
                contact = data[ATTR_ENTITY_ID]
                assert sms.recipient == (
                    "0033612345678" if contact == "notify.alice" else "00447911123456"
                )
                assert sms.flash is (contact == "notify.bob")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

        await run_examples(hass, st.tuples(NOTIFY_CALLS, OPTIONS), example)
        assert outcomes.get("sent", 0) > 0, outcomes


@pytest.mark.parametrize(
    "moment",
    [
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
        datetime(9999, 12, 31, 20, 0),
        "9999-12-31T23:59:00-05:00",
    ],
    ids=["utc", "naive_local", "string"],
)
async def test_deferred_at_the_end_of_the_calendar_is_refused_clearly(
    hass: HomeAssistant, socket_enabled: None, moment: datetime | str
) -> None:
    """
    The last hours of year 9999 have no Paris time: a clear refusal, not a crash.

    The properties above draw deferred times up to the end of 9999 but rarely land in these
    few hours; the thorough profile may. These three are that corner, always.
    """
    async with observed_simulator() as sim:
        await async_setup(hass, account_entry(sim.endpoint))
        try:
            await async_send_sms(
                hass, recipients=["0612345678"], message="x", deferred=moment
            )
        except ServiceValidationError as err:
            assert_translated(err, validation=True)
        assert all(
            len(record.params.get("deferred", "")) == 12 for record in sim.requests
        )
