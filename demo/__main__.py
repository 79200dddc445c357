"""`scripts/demo`: Home Assistant with OVHcloud SMS, against the local simulator. No OVH account.

Starts the http2sms simulator and a real Home Assistant (with its frontend) on 127.0.0.1, keeps
their state in `.demo/` (git-ignored), and configures Home Assistant the way a person would, through
its own HTTP and WebSocket APIs, with the same code as the end-to-end tests (hass_testbed):

- onboarding, with a demo owner whose login is printed;
- the OVHcloud SMS account, pointed at the simulator;
- two contacts: Alice (06 12 34 56 78, a French number) and Bob (+44 7911 123456, flash SMS);
- a "Send a demo SMS" button and an automation that texts both contacts when it is pressed, then
  sends one more SMS with the integration's own action and shows its response;
- a dashboard with the credit, the button and the contacts.

A second run reuses `.demo/` and only does what is missing. Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import time
from typing import Any

import requests

from hass_testbed import (
    REPO_ROOT,
    Client,
    HassTestbedError,
    HomeAssistant,
    Person,
    Simulator,
    login,
    onboard,
    onboarding_status,
)
from hass_testbed.ovh_http2sms import (
    DOMAIN,
    account_form,
    add_account,
    add_contact,
    notify_entity_of,
)
from hass_testbed.processes import LOOPBACK
from http2sms_simulator import DEFAULT_CREDIT

STATE_DIR = REPO_ROOT / ".demo"
STATE_FILE = STATE_DIR / "demo.json"
PID_FILE = STATE_DIR / "demo.pid"
# The demo owner: a throw-away login for a Home Assistant that only listens on 127.0.0.1.
OWNER = Person(name="Demo", username="demo", password="demo")  # noqa: S106
HA_PORT = 8123
SIMULATOR_PORT = 8765
CONTACTS = (
    {
        "name": "Alice",
        "phone_number": "06 12 34 56 78",
        "flash": False,
        "no_stop": True,
    },
    # 07700 900xxx (Ofcom's numbers for drama) would be refused: phonenumbers calls them invalid.
    {"name": "Bob", "phone_number": "+44 7911 123456", "flash": True, "no_stop": True},
)
BUTTON_NAME = "Send a demo SMS"
AUTOMATION_ID = "ovh_http2sms_demo"


def say(message: str = "") -> None:
    """Print at once (the output may be a pipe)."""
    print(message, flush=True)  # noqa: T201


def port_is_free(port: int) -> bool:
    """Tell whether a loopback port can be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def choose_port(saved: int | None, preferred: int) -> int:
    """Pick the port of the last run if free, else the usual one if free, else any free one."""
    for port in (saved, preferred):
        if port and port_is_free(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class Demo:
    """One run of the demo."""

    def __init__(self) -> None:
        """Load what earlier runs remembered."""
        STATE_DIR.mkdir(exist_ok=True)
        self.state: dict[str, Any] = (
            json.loads(STATE_FILE.read_text(encoding="utf-8"))
            if STATE_FILE.exists()
            else {}
        )
        self.simulator = Simulator(
            STATE_DIR / "simulator",
            port=choose_port(self.state.get("simulator_port"), SIMULATOR_PORT),
            # The simulator keeps nothing on disk: start it with the credit the last run ended with.
            initial_credit=self.state.get("simulator_credit", DEFAULT_CREDIT),
        )
        self.hass = HomeAssistant(
            STATE_DIR / "homeassistant",
            port=choose_port(self.state.get("ha_port"), HA_PORT),
        )
        self.stopping = False
        self.waiting = False

    def save(self) -> None:
        """Remember what is done, for the next run."""
        STATE_FILE.write_text(json.dumps(self.state, indent=2) + "\n", encoding="utf-8")

    # -- set-up steps, each skipped when already done ---------------------------------------

    def sign_in(self) -> Client:
        """Onboard a new Home Assistant, or log in to the one of an earlier run."""
        if not onboarding_status(self.hass.base_url).get("user", True):
            say(f"Onboarding: creating the owner {OWNER.username!r}")
            return onboard(self.hass.base_url, OWNER)
        return login(self.hass.base_url, OWNER.username, OWNER.password)

    def account(self, user: Client) -> str:
        """Add the OVHcloud SMS account, or point it at this run's simulator; return its id."""
        entries = user.config_entries(DOMAIN)
        if not entries:
            say("Adding OVHcloud SMS (http2sms) with the simulator's account")
            entry_id = add_account(user, self.simulator)
        else:
            entry_id = str(entries[0]["entry_id"])
            if self.state.get("simulator_port") not in (None, self.simulator.port):
                # Last run's simulator port is taken: point the account at the new one, as a
                # user would, with the integration's reconfigure flow.
                say(
                    f"Pointing the account at the simulator's new port {self.simulator.port}"
                )
                user.reconfigure_flow(
                    DOMAIN,
                    entry_id,
                    {
                        k: v
                        for k, v in account_form(self.simulator).items()
                        if k != "account"
                    },
                )
        self.state["entry_id"] = entry_id
        return entry_id

    def contacts(self, user: Client, entry_id: str) -> dict[str, str]:
        """Alice and Bob as contacts; returns {name: notify entity id}."""
        titles = {s["title"] for s in user.subentries(entry_id)}
        for contact in CONTACTS:
            if contact["name"] not in titles:
                say(f"Adding the contact {contact['name']} ({contact['phone_number']})")
                add_contact(user, entry_id, contact)
        return {
            subentry["title"]: notify_entity_of(user, subentry["subentry_id"])
            for subentry in user.subentries(entry_id)
        }

    def button(self, user: Client) -> str:
        """Add the input button helper that starts the demo automation; return its entity id."""
        helper = next(
            (
                h
                for h in user.ws({"type": "input_button/list"})
                if h["name"] == BUTTON_NAME
            ),
            None,
        )
        if helper is None:
            say(f"Adding the helper button {BUTTON_NAME!r}")
            helper = user.ws(
                {
                    "type": "input_button/create",
                    "name": BUTTON_NAME,
                    "icon": "mdi:message-text",
                }
            )
        deadline = time.monotonic() + 30
        while True:
            for entity in user.entity_registry("input_button"):
                if entity["unique_id"] == helper["id"]:
                    return str(entity["entity_id"])
            if time.monotonic() > deadline:
                raise HassTestbedError(f"no entity for the helper {helper}")
            time.sleep(0.2)

    def automation(self, user: Client, button: str, contacts: dict[str, str]) -> None:
        """Add the example automation: text both contacts, then send one SMS and show the reply."""
        if self.state.get("automation_done"):
            return
        say("Adding the example automation")
        user.save_automation(
            AUTOMATION_ID,
            {
                "id": AUTOMATION_ID,
                "alias": "Demo: text Alice and Bob",
                "description": (
                    "When the demo button is pressed, notify both contacts (Bob's SMS is a "
                    "flash SMS), then send one SMS with the OVHcloud SMS action and show what "
                    "it answered."
                ),
                "mode": "single",
                "triggers": [{"trigger": "state", "entity_id": button}],
                "conditions": [],
                "actions": [
                    {
                        "action": "notify.send_message",
                        "target": {"entity_id": sorted(contacts.values())},
                        "data": {
                            "title": "Home Assistant",
                            "message": "The demo button was pressed at {{ now().strftime('%H:%M') }}.",
                        },
                    },
                    {
                        "action": f"{DOMAIN}.send_sms",
                        "data": {
                            "recipients": [CONTACTS[0]["phone_number"]],
                            "message": "One more, sent with ovh_http2sms.send_sms.",
                            "tag": "demo",
                        },
                        "response_variable": "sms",
                    },
                    {
                        "action": "persistent_notification.create",
                        "data": {
                            "title": "OVHcloud SMS",
                            "message": (
                                "Sent {{ sms.sms_ids | count }} SMS ({{ sms.parts }} part(s), "
                                "{{ sms.encoding }}); {{ sms.credits_left }} credits left."
                            ),
                        },
                    },
                ],
            },
        )
        self.state["automation_done"] = True

    def dashboard(
        self, user: Client, entry_id: str, button: str, contacts: dict[str, str]
    ) -> None:
        """Save the default dashboard: credit, button, contacts."""
        # Saved again only when the simulator moved (its outbox link is on the dashboard).
        if self.state.get("dashboard_for") == self.simulator.base_url:
            return
        say("Saving the dashboard")
        sensors = user.entity_ids(DOMAIN, "sensor", config_entry_id=entry_id)
        user.save_dashboard(
            {
                "title": "OVHcloud SMS demo",
                "views": [
                    {
                        "title": "SMS",
                        "path": "sms",
                        "icon": "mdi:message-text",
                        "cards": [
                            *(
                                {
                                    "type": "tile",
                                    "entity": sensor,
                                    "name": "SMS credit left",
                                }
                                for sensor in sensors
                            ),
                            {
                                "type": "button",
                                "entity": button,
                                "name": BUTTON_NAME,
                                "icon": "mdi:message-text",
                                "tap_action": {"action": "toggle"},
                            },
                            {
                                "type": "entities",
                                "title": "Contacts (last SMS)",
                                "entities": sorted(contacts.values()),
                            },
                            {
                                "type": "markdown",
                                "content": (
                                    "Press the button, then look at the simulator's "
                                    f"[outbox]({self.simulator.base_url}/). "
                                    "Contacts are under Settings > Devices & services > "
                                    "OVHcloud SMS."
                                ),
                            },
                        ],
                    }
                ],
            }
        )
        self.state["dashboard_for"] = self.simulator.base_url

    # -- the run ------------------------------------------------------------------------------

    def on_signal(self, signum: int, _frame: object) -> None:
        """Ctrl-C or SIGTERM: leave the wait loop, or interrupt the set-up."""
        if self.stopping:
            return
        self.stopping = True
        say(
            f"\n{signal.Signals(signum).name}: stopping Home Assistant and the simulator..."
        )
        if not self.waiting:
            raise KeyboardInterrupt

    def run(self) -> int:
        """Start, configure, print, wait, stop."""
        say("Starting the http2sms simulator and Home Assistant (state in .demo/)...")
        try:
            self.simulator.start()
            began = time.monotonic()
            self.hass.start()
            user = self.sign_in()
            user.wait_running()
            say(f"Home Assistant is up ({time.monotonic() - began:.1f}s)")
            if problem := user.frontend_problem():
                say(f"WARNING: {problem}")
            entry_id = self.account(user)
            self.state.update(
                ha_port=self.hass.port, simulator_port=self.simulator.port
            )
            self.save()
            contacts = self.contacts(user, entry_id)
            button = self.button(user)
            self.automation(user, button, contacts)
            self.dashboard(user, entry_id, button, contacts)
            self.save()
            self.banner()
            self.waiting = True
            self.wait()
        except (HassTestbedError, requests.RequestException) as err:
            say(f"The demo failed: {err}")
            return 1
        except KeyboardInterrupt:
            return 130
        finally:
            self.shutdown()
        return 0

    def wait(self) -> None:
        """Wait for Ctrl-C or SIGTERM, or for a process to end by itself."""
        while not self.stopping:
            for name, process in (
                ("Home Assistant", self.hass.proc),
                ("simulator", self.simulator.proc),
            ):
                if process is not None and process.poll() is not None:
                    say(
                        f"The {name} stopped by itself (exit code {process.returncode})."
                    )
                    self.stopping = True
            time.sleep(0.5)

    def banner(self) -> None:
        """Print what to open and how to log in."""
        say()
        say("=" * 72)
        say(f"  Home Assistant:        {self.hass.base_url}/")
        say(f"    login:               {OWNER.username}")
        say(f"    password:            {OWNER.password}")
        say(f"  Simulator outbox page: {self.simulator.base_url}/")
        say(f"  http2sms endpoint:     {self.simulator.endpoint}")
        say(
            f"  Integration page:      {self.hass.base_url}/config/integrations/integration/{DOMAIN}"
        )
        say(
            f"  Logs:                  {self.hass.log_path.relative_to(REPO_ROOT)}, "
            f"{self.simulator.log_path.relative_to(REPO_ROOT)}"
        )
        say("  Press 'Send a demo SMS' on the dashboard, then watch the outbox page.")
        say("  Ctrl-C stops everything; the next run starts where this one ends.")
        say("=" * 72)

    def shutdown(self) -> None:
        """Remember the simulator's credit, then stop Home Assistant and the simulator."""
        self.stopping = True
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if self.simulator.proc is not None and self.simulator.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.state["simulator_credit"] = self.simulator.credit()
                self.save()
        code = self.hass.stop()
        self.simulator.stop()
        PID_FILE.unlink(missing_ok=True)
        if code is not None:
            say(f"Stopped (Home Assistant exit code {code}).")


def main() -> int:
    """Entry point of `python -m demo` (use scripts/demo)."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--reset", action="store_true", help="forget .demo/ and start from scratch"
    )
    args = parser.parse_args()
    if PID_FILE.exists():
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(PID_FILE.read_text(encoding="utf-8")), 0)
            say(
                f"A demo is already running (pid {PID_FILE.read_text(encoding='utf-8').strip()})."
            )
            return 1
    if args.reset and STATE_DIR.exists():
        import shutil  # noqa: PLC0415

        shutil.rmtree(STATE_DIR)
    demo = Demo()
    PID_FILE.write_text(f"{os.getpid()}\n", encoding="utf-8")
    signal.signal(signal.SIGINT, demo.on_signal)
    signal.signal(signal.SIGTERM, demo.on_signal)
    signal.signal(signal.SIGHUP, demo.on_signal)
    return demo.run()


if __name__ == "__main__":
    sys.exit(main())
