"""End to end: OVHcloud (the simulator) calls a real Home Assistant's webhook over loopback.

The owner reads the URL in the account's configure menu and pastes it in the simulator as in
OVHcloud's Control Panel; the simulator then reports each SMS's status and passes on replies.
Run with `scripts/run --newest python -m pytest tests/e2e/test_delivery_e2e.py -m e2e`.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from hass_testbed import Client, HomeAssistant, Person, Simulator, onboard
from hass_testbed.ovh_http2sms import (
    DOMAIN,
    add_account,
    add_contact,
    delivery_sensor_of,
    delivery_url,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ALICE = {"name": "Alice", "phone_number": "06 12 34 56 78"}
# A number whose SMS OVHcloud reports as failed (the simulator's per-number outcome).
BOB = {"name": "Bob", "phone_number": "+44 7911 123456"}
BOB_AS_SENT = "00447911123456"


def _subentry_id(user: Client, entry_id: str, name: str) -> str:
    (subentry_id,) = [
        subentry["subentry_id"]
        for subentry in user.subentries(entry_id)
        if subentry["title"] == name
    ]
    return str(subentry_id)


def _notification(user: Client, notification_id: str) -> dict[str, Any] | None:
    return next(
        (
            item
            for item in user.ws({"type": "persistent_notification/get"})
            if item["notification_id"] == notification_id
        ),
        None,
    )


def _wait_notification(user: Client, notification_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while (found := _notification(user, notification_id)) is None:
        assert time.monotonic() < deadline, f"no notification {notification_id}"
        time.sleep(0.2)
    return found


def _watch(user: Client, automation_id: str, trigger: dict[str, Any]) -> str:
    """An automation that writes what it got in a notification named after it."""
    user.save_automation(
        automation_id,
        {
            "alias": automation_id,
            "triggers": [trigger],
            "actions": [
                {
                    "action": "persistent_notification.create",
                    "data": {
                        "notification_id": automation_id,
                        "title": automation_id,
                        "message": "{{ trigger.event.data | tojson }}",
                    },
                }
            ],
        },
    )
    entity_id = f"automation.{automation_id}"
    deadline = time.monotonic() + 30
    while entity_id not in {state["entity_id"] for state in user.states()}:
        assert time.monotonic() < deadline, f"{entity_id} never loaded"
        time.sleep(0.2)
    return entity_id


def test_reports_and_replies_reach_home_assistant_through_its_webhook(
    simulator: Simulator, home_assistant: HomeAssistant, owner: Person
) -> None:
    """Delivered, failed and a reply, each seen where a user looks: sensor, event, automation."""
    user = onboard(home_assistant.base_url, owner)
    user.wait_running()
    entry_id = add_account(user, simulator)
    alice = add_contact(user, entry_id, {**ALICE, "flash": False, "no_stop": True})
    bob = add_contact(user, entry_id, {**BOB, "flash": False, "no_stop": True})

    # No public URL yet: the step says so rather than show a local address.
    assert delivery_url(user, entry_id) is None
    # The simulator plays OVHcloud on this machine: its loopback address is the "public" one.
    user.ws({"type": "config/core/update", "external_url": home_assistant.base_url})
    url = delivery_url(user, entry_id)
    assert url is not None
    assert url.startswith(f"{home_assistant.base_url}/api/webhook/")
    webhook_id = url.rsplit("/", 1)[1]
    simulator.paste_callback_url(url)
    simulator.set_delivery({"delay": 0.2, "outcomes": {BOB_AS_SENT: "failed"}})

    failed = _watch(
        user,
        "sms_failed",
        {
            "trigger": "event",
            "event_type": f"{DOMAIN}_sms_delivery",
            "event_data": {"status": "failed"},
        },
    )
    replied = _watch(
        user,
        "alice_replied",
        {
            "trigger": "event",
            "event_type": f"{DOMAIN}_sms_received",
            "event_data": {"contact": alice},
        },
    )

    # Alice's SMS, from the short code that takes replies: her sensor turns "delivered".
    sent = user.call(
        DOMAIN,
        "send_sms",
        {"contacts": [alice], "message": "Water leak", "sender_for_response": True},
        return_response=True,
    )
    (alice_sms,) = sent["sms_ids"]
    alice_sensor = delivery_sensor_of(user, _subentry_id(user, entry_id, "Alice"))
    delivered = user.wait_for_state(alice_sensor, lambda s: s["state"] == "delivered")
    assert "Water leak" not in str(delivered)

    # Bob's number fails: his sensor says so, and the delivery event fires, with no number.
    user.call("notify", "send_message", {"entity_id": bob, "message": "Water leak"})
    bob_sensor = delivery_sensor_of(user, _subentry_id(user, entry_id, "Bob"))
    user.wait_for_state(bob_sensor, lambda s: s["state"] == "failed")
    report = _wait_notification(user, "sms_failed")["message"]
    assert bob in report
    assert '"status": "failed"' in report or '"status":"failed"' in report
    assert "7911" not in report
    assert user.state(alice_sensor)["state"] == "delivered"
    assert user.state(failed)["attributes"]["last_triggered"] is not None

    # Alice replies OK from her phone: the automation with the event trigger fires.
    assert user.state(replied)["attributes"]["last_triggered"] is None
    simulator.reply(int(alice_sms), "OK")
    reply = _wait_notification(user, "alice_replied")["message"]
    assert '"message": "OK"' in reply or '"message":"OK"' in reply
    assert user.state(replied)["attributes"]["last_triggered"] is not None

    assert home_assistant.stop() == 0
    assert home_assistant.unexpected_problems() == []
    assert home_assistant.records_about(DOMAIN) == []
    assert webhook_id not in home_assistant.log_text()
