"""The cost of an SMS before and after: a dry run, a logbook line and an event for every SMS.

A dry run runs every check of a real send and returns its figures without any request; every
SMS sent fires `ovh_http2sms_sms_sent` and shows in the logbook (translated, without the text
or the number); a failure shows in the logbook with its reason.
"""

from __future__ import annotations

from decimal import Decimal

from homeassistant.core import Context, Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.ovh_http2sms.const import (
    CONF_REPEAT_WINDOW,
    CONF_REPLACE_CHARACTERS,
    EVENT_SMS_SENT,
    REPLACE_AND_DROP,
)
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import async_notify, async_send_sms
from .test_bad_input import run_examples

ALICE_NATIONAL = "06 12 34 56 78"


# --- Dry run ---------------------------------------------------------------------------------

ESTIMATE_FIELDS = ("parts", "encoding", "recipients", "replaced", "dropped", "requests")


async def test_a_dry_run_makes_no_request_and_says_what_the_send_will_cost(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Same figures as the real send that follows; nothing reaches OVHcloud."""
    data = {
        "recipients": [ALICE_NATIONAL, "+44 7911 123456"],
        "message": "Fuite d’eau détectée 🥶 " * 4,
    }
    estimate = await async_send_sms(hass, **data, dry_run=True)
    assert simulator.requests == []
    assert estimate["dry_run"] is True
    assert estimate["credits_estimate"] == estimate["parts"] * 2

    sent = await async_send_sms(hass, **data)
    for field in (*ESTIMATE_FIELDS, "credits_estimate"):
        assert estimate[field] == sent[field], field
    assert sent["dry_run"] is False
    assert len(simulator.requests) == 1


async def test_a_dry_run_estimate_equals_the_send_for_any_text_and_recipients(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """For arbitrary text and recipient lists, the dry run and the send agree, or both refuse."""
    hass.config_entries.async_update_entry(
        init_integration,
        # Examples repeat texts on purpose: the repeat guard would hold the real send back.
        options={CONF_REPLACE_CHARACTERS: REPLACE_AND_DROP, CONF_REPEAT_WINDOW: 0},
    )
    await hass.async_block_till_done()
    numbers = st.lists(
        st.sampled_from([ALICE_NATIONAL, "+44 7911 123456", "06 98 76 54 32", "12"]),
        min_size=1,
        max_size=4,
    )

    async def example(drawn: tuple[str, list[str]]) -> None:
        message, recipients = drawn
        simulator.reset()
        data = {"recipients": recipients, "message": message}
        try:
            estimate = await async_send_sms(hass, **data, dry_run=True)
        except ServiceValidationError as err:
            refused = err.translation_key
        else:
            refused = None
        if refused is not None:
            with pytest.raises(ServiceValidationError) as raised:
                await async_send_sms(hass, **data)
            assert raised.value.translation_key == refused
            return
        assert simulator.requests == []
        sent = await async_send_sms(hass, **data)
        for field in (*ESTIMATE_FIELDS, "credits_estimate"):
            assert estimate[field] == sent[field], field
        assert len(simulator.requests) == estimate["requests"]

    await run_examples(hass, st.tuples(st.text(max_size=400), numbers), example)


# --- Event -----------------------------------------------------------------------------------


async def test_every_sms_sent_fires_one_event_with_what_it_cost(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Entry, contacts, recipients, parts, encoding, ids and credit; none for a dry run."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    response = await async_send_sms(
        hass,
        recipients=["06 98 76 54 32"],
        contacts=["notify.alice"],
        message="Alarm in the garage",
    )
    await async_send_sms(hass, recipients=[ALICE_NATIONAL], message="x", dry_run=True)
    await hass.async_block_till_done()

    [event] = events
    assert event.data == {
        "config_entry_id": init_integration.entry_id,
        "contacts": ["notify.alice"],
        "recipients": 2,
        "parts": 1,
        "encoding": "gsm7",
        "sms_ids": response["sms_ids"],
        "credits_left": response["credits_left"],
    }


async def test_no_event_for_a_refused_send(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A send refused before or by OVHcloud fires no sent event."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    with pytest.raises(ServiceValidationError):
        await async_send_sms(hass, recipients=["12"], message="x")
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=202))
    with pytest.raises(HomeAssistantError):
        await async_notify(hass, "notify.alice", "Refused by OVH")
    await hass.async_block_till_done()
    assert events == []


@pytest.mark.parametrize("path", ["notify", "action"])
async def test_the_event_belongs_to_the_call_that_sent_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    path: str,
) -> None:
    """The call's context, so the logbook links the SMS to the automation that sent it."""
    captured: list[Event] = async_capture_events(hass, EVENT_SMS_SENT)
    context = Context()
    if path == "notify":
        await async_notify(hass, "notify.alice", "Context", context=context)
    else:
        await async_send_sms(
            hass, contacts=["notify.alice"], message="Context", context=context
        )
    await hass.async_block_till_done()
    [event] = captured
    assert event.context.id == context.id


# --- Credit ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credit_before", "recipient", "shown"),
    [
        ("98", ALICE_NATIONAL, "97"),
        # Half a credit per UK part: the reply says "97.50"; the half is kept.
        ("98", "+44 7911 123456", "97.5"),
    ],
)
async def test_the_credit_shows_whole_credits_without_a_decimal(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    credit_before: str,
    recipient: str,
    shown: str,
) -> None:
    """97 credits read "97", not "97,0"; 97.5 keeps its half (the frontend shows the state)."""
    account = simulator.state.account(init_integration.data["account"])
    account.credit = Decimal(credit_before)
    account.rates = {"0044": Decimal("0.5")}
    await async_send_sms(hass, recipients=[recipient], message="Credit check")

    assert hass.states.get("sensor.sms_ab1234_1_credits").state == shown
    entity = er.async_get(hass).async_get("sensor.sms_ab1234_1_credits")
    assert entity is not None
    # No fixed number of decimals for the frontend to pad the figure with.
    assert "suggested_display_precision" not in entity.options.get("sensor", {})
