"""End to end: a real Home Assistant process sends SMS through the http2sms simulator.

No mocks: `python -m homeassistant` runs with the integration from this repository, configured
through the same HTTP APIs the frontend uses, and the simulator records what it would have sent.
Run with `scripts/run pytest tests/e2e -m e2e`.
"""

from __future__ import annotations

import time

import pytest
import requests

from hass_testbed import (
    HomeAssistant,
    Person,
    Simulator,
    listening_addresses,
    onboard,
    onboarding_status,
)
from hass_testbed.ovh_http2sms import (
    DOMAIN,
    SKIP_TEST_SMS,
    account_form,
    add_account,
    add_contact,
    credit_sensor_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ALICE = {
    "name": "Alice",
    "phone_number": "06 12 34 56 78",
    "flash": False,
    "no_stop": True,
}
ALICE_AS_SENT = "0033612345678"  # what OVH expects: 00 + country code + number
# Not 07700 900xxx (Ofcom's drama range): phonenumbers calls those invalid and so does the integration.
BOB_AS_TYPED, BOB_AS_SENT = "+44 7911 123456", "00447911123456"
CLAUDE_AS_TYPED, CLAUDE_AS_SENT = "+33 6 98 76 54 32", "0033698765432"


def test_home_assistant_starts_offline_on_loopback_and_is_onboarded_through_its_api(
    home_assistant: HomeAssistant, owner: Person
) -> None:
    """The testbed alone: start without installing anything, onboard, stop cleanly."""
    steps = ("user", "core_config", "analytics", "integration")
    assert onboarding_status(home_assistant.base_url) == dict.fromkeys(steps, False)

    user = onboard(home_assistant.base_url, owner)
    user.wait_running()

    assert all(onboarding_status(home_assistant.base_url).values())
    assert user.get("/api/")["message"] == "API running."
    assert user.get("/api/config")["time_zone"] == "Europe/Paris"
    people = user.ws({"type": "person/list"})["storage"]
    assert owner.name in [person["name"] for person in people]
    # Loopback only, as a confirmed setting: nothing will revert it, nothing to repair.
    assert listening_addresses(home_assistant.port) == {"127.0.0.1"}
    http = user.ws({"type": "http/config"})
    assert http["active_config_type"] == "stable"
    assert http["pending"] is None
    assert http["stable"]["server_host"] == ["127.0.0.1"]
    issues = user.ws({"type": "repairs/list_issues"})["issues"]
    # The only repair: "Core" installations (a venv) are deprecated. Nothing about `http`.
    assert {issue["issue_id"] for issue in issues} <= {"deprecated_method"}

    assert home_assistant.stop() == 0
    assert home_assistant.unexpected_problems() == []


def test_the_ui_of_home_assistant_can_load(
    home_assistant: HomeAssistant, owner: Person
) -> None:
    """The frontend is served, and the first data it needs can be computed."""
    page = requests.get(f"{home_assistant.base_url}/", timeout=10)
    assert page.status_code == 200
    assert "<title>Home Assistant</title>" in page.text

    user = onboard(home_assistant.base_url, owner)
    user.wait_running()
    # Before it shows anything, the frontend asks for every action's description
    # (`get_services`); Home Assistant then imports all its base entity platforms.
    assert user.frontend_problem() is None


def test_an_owner_sets_up_ovh_sms_and_texts_people(
    simulator: Simulator, home_assistant: HomeAssistant, owner: Person
) -> None:
    """The user story, from a fresh Home Assistant to SMS on (simulated) phones."""
    started = time.monotonic()

    # A new Home Assistant: its owner creates their account.
    user = onboard(home_assistant.base_url, owner)
    user.wait_running()

    # They add "OVHcloud SMS (http2sms)" with their SMS account, pointed at the simulator.
    entry = user.config_flow(DOMAIN, account_form(simulator), steps=SKIP_TEST_SMS)
    assert entry["type"] == "create_entry", entry
    entry_id = entry["result"]["entry_id"]
    assert [e["entry_id"] for e in user.config_entries(DOMAIN)] == [entry_id]
    # Checking the account sent no SMS.
    assert simulator.outbox() == []

    # They add Alice as a contact: she becomes a notify entity.
    alice_notify = add_contact(user, entry_id, ALICE)

    # An automation (here: the owner, through the API) notifies Alice.
    user.call(
        "notify",
        "send_message",
        {"entity_id": alice_notify, "message": "The washing machine is done."},
    )
    (sms,) = simulator.outbox()
    assert sms["recipient"] == ALICE_AS_SENT
    assert sms["message"] == "The washing machine is done."
    assert sms["sender"] == simulator.sender
    assert sms["flash"] is False

    # They send one SMS to two numbers with the integration's own action, and read its response.
    response = user.call(
        DOMAIN,
        "send_sms",
        {"recipients": [CLAUDE_AS_TYPED, BOB_AS_TYPED], "message": "Dinner at 8?"},
        return_response=True,
    )
    outbox = simulator.outbox()
    assert len(outbox) == 3
    assert sorted(sms["recipient"] for sms in outbox[1:]) == sorted(
        [CLAUDE_AS_SENT, BOB_AS_SENT]
    )
    assert {sms["message"] for sms in outbox[1:]} == {"Dinner at 8?"}
    assert sorted(response["sms_ids"]) == sorted(str(sms["id"]) for sms in outbox[1:])
    assert response["credits_left"] == simulator.credit()
    assert response["parts"] == 1
    assert response["encoding"]
    assert sorted(response["recipients"]) == sorted([CLAUDE_AS_SENT, BOB_AS_SENT])

    # The account's credit sensor shows what OVH said was left.
    credit_sensor = credit_sensor_of(user, entry_id)
    credit_before_restart = simulator.credit()
    assert float(user.state(credit_sensor)["state"]) == credit_before_restart

    # Home Assistant restarts (same configuration folder): the credit is restored from the
    # last figure before any new SMS, i.e. without asking OVH anything.
    requests_before_restart = len(simulator.requests_log())
    home_assistant.restart()
    user.wait_running()
    restored = user.wait_for_state(
        credit_sensor, lambda s: s["state"] not in ("unknown", "unavailable")
    )
    assert float(restored["state"]) == credit_before_restart
    assert len(simulator.requests_log()) == requests_before_restart

    # After the restart, sending works and the sensor follows the new credit.
    user.call(
        "notify", "send_message", {"entity_id": alice_notify, "message": "Back online."}
    )
    assert simulator.outbox()[-1]["recipient"] == ALICE_AS_SENT
    assert simulator.outbox()[-1]["message"] == "Back online."
    credit_now = simulator.credit()
    assert credit_now < credit_before_restart
    moved = user.wait_for_state(
        credit_sensor, lambda s: s["state"] != restored["state"]
    )
    assert float(moved["state"]) == credit_now

    # Nothing went wrong behind the scenes: no error, no package installed at run time, and no
    # warning about the integration in either run of Home Assistant.
    assert home_assistant.stop() == 0
    assert home_assistant.unexpected_problems() == []
    assert home_assistant.records_about(DOMAIN) == []
    print(  # noqa: T201 - timings, shown with -s
        f"user story: {time.monotonic() - started:.1f}s, "
        f"Home Assistant starts: {[round(s, 1) for s in home_assistant.start_durations]}"
    )


def test_a_shutdown_automation_texts_and_a_country_change_never_redirects(
    simulator: Simulator, home_assistant: HomeAssistant, owner: Person
) -> None:
    """SIGTERM runs the "Home Assistant is stopping" automation, whose SMS goes out; a contact
    saved in France keeps its number after the country becomes Switzerland and a restart."""
    user = onboard(home_assistant.base_url, owner)
    user.wait_running()
    entry_id = add_account(user, simulator)
    alice_notify = add_contact(user, entry_id, ALICE)
    user.save_automation(
        "ups_shutdown",
        {
            "alias": "UPS on battery: tell Alice",
            "triggers": [{"trigger": "homeassistant", "event": "shutdown"}],
            "actions": [
                {
                    "action": "notify.send_message",
                    "target": {"entity_id": alice_notify},
                    "data": {"message": "Home Assistant is shutting down."},
                }
            ],
        },
    )
    deadline = time.monotonic() + 30
    while "automation.ups_on_battery_tell_alice" not in {
        state["entity_id"] for state in user.states()
    }:
        assert time.monotonic() < deadline, "the automation never loaded"
        time.sleep(0.2)
    user.ws({"type": "config/core/update", "country": "CH"})

    home_assistant.restart()
    user.wait_running()

    [sms] = simulator.outbox()
    assert sms["message"] == "Home Assistant is shutting down."
    assert sms["recipient"] == ALICE_AS_SENT
    user.call(
        "notify", "send_message", {"entity_id": alice_notify, "message": "Still you?"}
    )
    assert simulator.outbox()[-1]["recipient"] == ALICE_AS_SENT
    assert home_assistant.stop() == 0
    assert home_assistant.unexpected_problems() == []
    assert home_assistant.records_about(DOMAIN) == []
