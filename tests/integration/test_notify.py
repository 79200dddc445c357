"""notify.send_message on a contact sends one SMS to that contact, as the contact is set."""

from __future__ import annotations

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import async_notify


async def test_send_message_reaches_the_contact(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """notify.send_message sends the title and message to the contact and updates the credit."""
    assert hass.states.get("notify.alice").state == STATE_UNKNOWN

    await async_notify(hass, "notify.alice", "Water leak", title="Alarm")

    [sms] = simulator.outbox
    assert sms.recipient == "0033612345678"
    assert sms.message == "Alarm\rWater leak"
    assert sms.sender == "HomeAssist"
    assert not sms.flash
    assert sms.no_stop
    assert hass.states.get("notify.alice").state != STATE_UNKNOWN
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "99"


async def test_flash_contact_gets_class_0_with_stop_mention(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A contact set to flash gets a flash SMS, with the STOP mention."""
    await async_notify(hass, "notify.bob", "Intruder in the garage")

    [sms] = simulator.outbox
    assert sms.recipient == "00447911123456"
    assert sms.flash
    assert not sms.no_stop


async def test_failed_send_reaches_the_caller(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A failed notify send raises a translated error and sends nothing."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR, http_status=503))

    with pytest.raises(HomeAssistantError) as raised:
        await async_notify(hass, "notify.alice", "Freezer at -5 °C")

    assert raised.value.translation_key == "http_error_unknown_outcome"
    assert simulator.outbox == []
    assert hass.states.get("notify.alice").state == STATE_UNKNOWN


async def test_sensor_unavailable_while_gateway_down_and_logged_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The credit is unavailable while the gateway is down; down and back are each logged once."""
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR, http_status=503, times=2))
    for message in ("Power cut", "Power still cut"):
        with pytest.raises(HomeAssistantError):
            await async_notify(hass, "notify.alice", message)
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "unavailable"
    assert hass.states.get("notify.alice").state != "unavailable"
    assert caplog.text.count("OVH http2sms is unreachable") == 1

    await async_notify(hass, "notify.alice", "Power back")
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "99"
    assert caplog.text.count("OVH http2sms is reachable again") == 1


async def test_a_contact_shows_its_number_masked_and_its_switches(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The entity and the device page say who the contact is, without the whole number."""
    alice = hass.states.get("notify.alice").attributes
    bob = hass.states.get("notify.bob").attributes
    assert (alice["phone_number"], alice["flash"], alice["no_stop"]) == (
        "+33 6 •• •• •• 78",
        False,
        True,
    )
    assert (bob["phone_number"], bob["flash"], bob["no_stop"]) == (
        "+44 7••• ••••56",
        True,
        False,
    )
    entity = er.async_get(hass).async_get("notify.alice")
    assert entity is not None
    assert entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None
    assert (device.model, device.model_id) == ("SMS", "+33 6 •• •• •• 78")
