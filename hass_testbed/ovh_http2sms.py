"""What the testbed's callers share about this repository's integration, and only about it."""

from __future__ import annotations

from collections.abc import Mapping
import time
from typing import Any

from .client import Client, FlowError
from .processes import HassTestbedError
from .simulator import Simulator

DOMAIN = "ovh_http2sms"
SUBENTRY_TYPE_CONTACT = "recipient"
# Once the account is checked, the config flow offers a test SMS (1 credit) in a menu whose step
# says how far the check went. The demo, the benchmarks and the tests never take it.
SKIP_TEST_SMS: dict[str, dict[str, Any]] = {
    step: {"next_step_id": "finish"} for step in ("verified", "unverified")
}


def account_form(simulator: Simulator) -> dict[str, str]:
    """Fill the integration's account form as a user would for this simulator."""
    return {
        "account": simulator.account,
        "login": simulator.login,
        "password": simulator.password,
        "sender": simulator.sender,
        "endpoint": simulator.endpoint,
    }


def add_account(user: Client, simulator: Simulator) -> str:
    """Add the simulator's account through the config flow, without a test SMS; return its id."""
    result = user.config_flow(DOMAIN, account_form(simulator), steps=SKIP_TEST_SMS)
    if result.get("type") != "create_entry":
        raise FlowError("the account was not added", result)
    return str(result["result"]["entry_id"])


def add_contact(user: Client, entry_id: str, contact: Mapping[str, Any]) -> str:
    """Add a contact like the account's "Add contact" button; return its notify entity."""
    result = user.subentry_flow(entry_id, SUBENTRY_TYPE_CONTACT, contact)
    if result.get("type") != "create_entry":
        raise FlowError(f"the contact {contact.get('name')} was not added", result)
    (subentry,) = [
        subentry
        for subentry in user.subentries(entry_id)
        if subentry["title"] == result["title"]
    ]
    return notify_entity_of(user, subentry["subentry_id"])


def notify_entity_of(user: Client, subentry_id: str) -> str:
    """Return the notify entity of a contact, once Home Assistant has added it."""
    (entity_id,) = user.wait_for_entity_ids(
        DOMAIN, "notify", config_subentry_id=subentry_id
    )
    return entity_id


def credit_sensor_of(user: Client, entry_id: str) -> str:
    """Return the account's credit sensor (not today's spend), whatever the language named it."""
    (entity_id,) = [
        entry["entity_id"]
        for entry in user.entity_registry(DOMAIN)
        if entry.get("config_entry_id") == entry_id
        and entry.get("translation_key") == "credits"
    ]
    return str(entity_id)


def set_sending_policy(
    user: Client, entry_id: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Change the account's sending policy (its ⚙ > Sending policy); return the flow's end."""
    return user.options_flow(
        entry_id, values, steps={"init": {"next_step_id": "policy"}, "policy": values}
    )


def delivery_url(user: Client, entry_id: str) -> str | None:
    """Read the URL to paste in OVHcloud, as a person does in the account's configure menu.

    Return None when the step says Home Assistant has no public URL.
    """
    path = "/api/config/config_entries/options/flow"
    menu = user.post(path, {"handler": entry_id})
    step = user.post(f"{path}/{menu['flow_id']}", {"next_step_id": "delivery_reports"})
    if step.get("type") == "abort":
        return None
    if step.get("step_id") != "delivery_reports":
        raise FlowError("the configure menu has no delivery reports step", step)
    user.post(f"{path}/{step['flow_id']}", {"next_step_id": "done"})
    return str(step["description_placeholders"]["url"])


def delivery_sensor_of(user: Client, subentry_id: str, timeout: float = 30) -> str:
    """Return a contact's delivery sensor (the status of its last SMS), by its translation key.

    Waits for it a while: entities come after their entry.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = [
            entry["entity_id"]
            for entry in user.entity_registry(DOMAIN)
            if entry.get("config_subentry_id") == subentry_id
            and entry.get("translation_key") == "delivery"
        ]
        if len(found) == 1:
            return str(found[0])
        if time.monotonic() > deadline:
            raise HassTestbedError(
                f"contact {subentry_id} has {len(found)} delivery sensors, not one"
            )
        time.sleep(0.2)
