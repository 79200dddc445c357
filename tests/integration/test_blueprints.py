"""The blueprints shipped in blueprints/automation/ovh_http2sms: valid, and the alert one run whole.

The alert blueprint runs as a user's automation made from it: an SMS to Alice through the
simulator, whose delivery report comes back to Home Assistant's webhook over loopback.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import shutil

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_http2sms.const import DOMAIN
from http2sms_simulator import DeliveryOutcome, DeliverySettings, Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT, LOGIN

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints" / "automation" / DOMAIN
ALERT = "alert_with_escalation.yaml"
REPLY = "reply_keyword.yaml"
ALICE = "0033612345678"
BOB = "00447911123456"
# Long enough for any machine: the test ends when the reports say so, not at this time.
SETTLED = 30


@pytest.mark.parametrize("name", [ALERT, REPLY])
def test_blueprint_is_valid_for_home_assistant(name: str) -> None:
    """Home Assistant's own blueprint schema accepts the file, with the inputs people fill."""
    blueprint = Blueprint(
        load_yaml_dict(BLUEPRINTS / name),
        path=name,
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == "automation"
    # Imported from the repository the manifest names (a fork changes both, and the README).
    documentation = json.loads(
        (ROOT / "custom_components" / DOMAIN / "manifest.json").read_text()
    )["documentation"]
    assert blueprint.metadata["source_url"] == (
        f"{documentation}/blob/main/blueprints/automation/{DOMAIN}/{name}"
    )


def test_the_blueprints_are_all_tested() -> None:
    """A new blueprint file gets its own test here."""
    assert sorted(path.name for path in BLUEPRINTS.glob("*.yaml")) == sorted(
        [ALERT, REPLY]
    )


def _contact_entity(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> str:
    registry = er.async_get(hass)
    (subentry_id,) = [
        subentry.subentry_id
        for subentry in entry.subentries.values()
        if subentry.title == name
    ]
    (entity_id,) = [
        item.entity_id
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.config_subentry_id == subentry_id and item.domain == "notify"
    ]
    return entity_id


async def _until(hass: HomeAssistant, automation: str, current: int) -> None:
    """Wait until the automation has this many runs going (its `current` attribute)."""
    reached = asyncio.Event()

    @callback
    def check(_: Event | None = None) -> None:
        if hass.states.get(automation).attributes.get("current") == current:
            reached.set()

    unsubscribe = hass.bus.async_listen("state_changed", check)
    check()
    try:
        async with asyncio.timeout(SETTLED):
            await reached.wait()
    finally:
        unsubscribe()


@pytest.fixture(params=[5])
async def alert_automation(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> str:
    """An automation from the alert blueprint: Alice first, Bob if Alice's SMS does not arrive.

    The simulator (OVHcloud) calls the account's webhook with each status of each SMS.
    """
    client = await hass_client_no_auth()
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    callback = str(client.make_url(f"/api/webhook/{webhook_id}"))
    simulator.state.accounts[ACCOUNT].users[LOGIN].callback_url = callback
    simulator.state.delivery = DeliverySettings(delay=0.05)

    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / DOMAIN)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "leak_alert",
                "alias": "Leak alert",
                "use_blueprint": {
                    "path": f"{DOMAIN}/{ALERT}",
                    "input": {
                        "alert_trigger": [
                            {"trigger": "event", "event_type": "test_leak"}
                        ],
                        "account": init_integration.entry_id,
                        "contact": _contact_entity(hass, init_integration, "Alice"),
                        "message": "Water leak in the kitchen",
                        "wait_minutes": request.param,
                        "fallback_contact": _contact_entity(
                            hass, init_integration, "Bob"
                        ),
                        "fallback_message": "Alice did not get the leak alert",
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    return "automation.leak_alert"


async def _raise_alert(
    hass: HomeAssistant, simulator: RunningSimulator, automation: str
) -> list[Event]:
    """Fire the alert and wait until its automation run has ended; return the reports seen."""
    reports: list[Event] = []
    hass.bus.async_listen(f"{DOMAIN}_sms_delivery", reports.append)
    hass.bus.async_fire("test_leak")
    await _until(hass, automation, 1)
    await _until(hass, automation, 0)
    await simulator.idle()
    await hass.async_block_till_done()
    return reports


async def test_alert_delivered_is_not_escalated(
    hass: HomeAssistant, simulator: RunningSimulator, alert_automation: str
) -> None:
    """Alice's SMS is reported delivered: Bob gets nothing."""
    reports = await _raise_alert(hass, simulator, alert_automation)

    assert [sms.recipient for sms in simulator.outbox] == [ALICE]
    assert [event.data["status"] for event in reports][-1] == "delivered"


@pytest.mark.parametrize("alert_automation", [0.05], indirect=True)
async def test_a_delivered_report_right_after_pending_ends_the_wait(
    hass: HomeAssistant, simulator: RunningSimulator, alert_automation: str
) -> None:
    """Pending and delivered back to back: the delivered one is not missed, Bob gets nothing."""
    simulator.state.delivery = DeliverySettings(delay=0.0)
    reports = await _raise_alert(hass, simulator, alert_automation)

    assert [sms.recipient for sms in simulator.outbox] == [ALICE]
    assert [event.data["status"] for event in reports] == ["pending", "delivered"]


async def test_alert_that_failed_is_escalated_to_the_other_contact(
    hass: HomeAssistant, simulator: RunningSimulator, alert_automation: str
) -> None:
    """Alice's SMS is reported failed: Bob gets the escalation, once."""
    simulator.state.delivery = DeliverySettings(
        delay=0.05, outcomes={ALICE: DeliveryOutcome.FAILED}
    )
    reports = await _raise_alert(hass, simulator, alert_automation)

    assert [sms.recipient for sms in simulator.outbox] == [ALICE, BOB]
    assert simulator.outbox[1].message == "Alice did not get the leak alert"
    alice_id = str(simulator.outbox[0].sms_id)
    assert ("failed", alice_id) in [
        (event.data["status"], str(event.data["sms_id"])) for event in reports
    ]


async def test_a_report_for_another_sms_does_not_end_the_wait(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    alert_automation: str,
) -> None:
    """Another SMS delivered meanwhile is not taken for the alert's: the failure still escalates."""
    simulator.state.delivery = DeliverySettings(
        delay=0.3, outcomes={ALICE: DeliveryOutcome.FAILED}
    )
    hass.bus.async_fire("test_leak")
    await _until(hass, alert_automation, 1)
    hass.bus.async_fire(
        f"{DOMAIN}_sms_delivery", {"sms_id": "999999", "status": "delivered"}
    )
    await _until(hass, alert_automation, 0)
    await simulator.idle()
    assert [sms.recipient for sms in simulator.outbox] == [ALICE, BOB]


# A twentieth of a minute: the time a phone that stays off leaves the alert waiting.
@pytest.mark.parametrize("alert_automation", [0.05], indirect=True)
async def test_alert_with_no_final_report_in_time_is_escalated(
    hass: HomeAssistant, simulator: RunningSimulator, alert_automation: str
) -> None:
    """Alice's phone stays off (pending only): when the wait is over, Bob gets the escalation."""
    simulator.state.delivery = DeliverySettings(
        delay=0.05, outcomes={ALICE: DeliveryOutcome.PENDING}
    )
    reports = await _raise_alert(hass, simulator, alert_automation)

    assert [sms.recipient for sms in simulator.outbox] == [ALICE, BOB]
    alice_id = str(simulator.outbox[0].sms_id)
    assert [
        event.data["status"] for event in reports if event.data["sms_id"] == alice_id
    ] == ["pending"]


async def test_alert_that_could_not_be_sent_is_escalated(
    hass: HomeAssistant, simulator: RunningSimulator, alert_automation: str
) -> None:
    """OVHcloud refuses Alice's SMS: no report will come, so Bob is texted at once."""
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, times=1))
    await _raise_alert(hass, simulator, alert_automation)

    assert [sms.recipient for sms in simulator.outbox] == [BOB]
