"""`scripts/demo`: Home Assistant with OVHcloud SMS, against the local simulator. No OVH account.

Starts the http2sms simulator and a real Home Assistant (with its frontend) on 127.0.0.1, keeps
their state in `.demo/` (git-ignored), and configures Home Assistant the way a person would, through
its own HTTP and WebSocket APIs, with the same code as the end-to-end tests (hass_testbed):

- onboarding, with a demo owner whose login is printed;
- the OVHcloud SMS account, pointed at the simulator;
- two contacts: Alice (06 12 34 56 78, a French number) and Bob (+44 7911 123456, flash SMS);
- a "Send a demo SMS" button and an automation that texts both contacts when it is pressed, then
  sends one more SMS with the integration's own action and shows its response;
- a dashboard "OVHcloud SMS demo" in the sidebar, opened after login: the credit, the button,
  the contacts with the delivery status of their last SMS, and their logbook;
- a French Assist pipeline beside the English one, for trying voice in French; the Assist
  dialog opens on a pipeline of Home Assistant's language (one is added for es, it, pl);
- delivery reports and replies: the URL of the account's configure step ("Delivery reports and
  replies") pasted in the simulator as a user pastes it in OVHcloud's Control Panel, and an
  automation made from the reply blueprint (blueprints/automation/ovh_http2sms/) that says so
  when Alice replies OK. The simulator is OVHcloud on this machine: Home Assistant's external URL
  is set to its loopback address when it has none, so that the step has a URL to show.

Those texts follow Home Assistant's language (Settings > System > General), even while the demo
runs: English, French, Spanish, Italian or Polish (demo/texts.py).

Home Assistant sets up only what works offline: not the weather, speech and radio integrations
that onboarding adds (they need the internet), nor FFmpeg (see hass_testbed's `offline`). The
simulator also serves a second account, for trying the "Add integration" dialog by hand.

A second run reuses `.demo/` and only does what is missing: the simulator's outbox and SMS ids
are in its state file, its credit in the demo's, so a delivery report after a restart still finds
its SMS. Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import sys
import time
from typing import Any

import requests

from demo.texts import LANGUAGES, DemoTexts, demo_texts, primary_language
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
    credit_sensor_of,
    delivery_sensor_of,
    delivery_url,
    notify_entity_of,
)
from hass_testbed.processes import LOOPBACK
from http2sms_simulator import (
    DEFAULT_CREDIT,
    SECOND_ACCOUNT,
    SECOND_LOGIN,
    SECOND_PASSWORD,
    SECOND_SENDER,
)

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
# In English; the demo saves every text in Home Assistant's language (demo/texts.py).
BUTTON_NAME = demo_texts("en").button
AUTOMATION_ID = "ovh_http2sms_demo"
REPLY_AUTOMATION_ID = "ovh_http2sms_demo_reply"
REPLY_KEYWORD = "OK"
BLUEPRINTS = REPO_ROOT / "blueprints" / "automation" / DOMAIN
REPLY_BLUEPRINT = f"{DOMAIN}/reply_keyword.yaml"
# Bumped when the automation or the dashboard changes, so that a demo of an older checkout
# saves them again (as does a change of Home Assistant's language).
AUTOMATION_REVISION = 5
DASHBOARD_REVISION = 5
# How often a running demo looks whether Home Assistant's language changed.
LANGUAGE_CHECK_SECONDS = 5.0
DASHBOARD_URL_PATH = "sms-demo"
# What onboarding sets up that needs the internet; the demo now keeps onboarding from adding them.
ONBOARDING_LEFTOVERS = ("google_translate", "met", "radio_browser")
# What Home Assistant logs when zeroconf, which its HTTP session needs, finds no multicast.
MULTICAST_MISSING = ("zeroconf", "OSError: [Errno 19] No such device")
DASHBOARD_TITLE = demo_texts("en").dashboard_title
DASHBOARD_ICON = "mdi:message-text"


def automation_runs(user: Client, automation_id: str) -> bool:
    """Tell whether an automation (by its id in the editor) has a run in flight."""
    for entry in user.entity_registry("automation"):
        if entry["unique_id"] == automation_id:
            state = user.state(entry["entity_id"])
            return bool(state.get("attributes", {}).get("current"))
    return False


def loopback_unreachable(error: str) -> bool:
    """Tell whether an error is errno 101 (ENETUNREACH) on the loopback address.

    127.0.0.1 is unreachable only when the loopback interface is down (a fresh network
    namespace, say): nothing the demo does can work there.
    """
    return LOOPBACK in error and (
        f"[Errno {errno.ENETUNREACH}]" in error
        or os.strerror(errno.ENETUNREACH) in error
    )


def first_line(err: Exception) -> str:
    """Return the gist of an error: its first line, without what it announces below."""
    return (str(err).splitlines() or [type(err).__name__])[0].rstrip(" :{")


def say(message: str = "") -> None:
    """Print at once (the output may be a pipe)."""
    print(message, flush=True)  # noqa: T201


def shown(path: Path) -> str:
    """Show a path from the repository when inside it, as who typed scripts/demo sees it."""
    return (
        str(path.relative_to(REPO_ROOT))
        if path.is_relative_to(REPO_ROOT)
        else str(path)
    )


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

    def __init__(
        self,
        state_dir: Path = STATE_DIR,
        *,
        ha_port: int = HA_PORT,
        simulator_port: int = SIMULATOR_PORT,
    ) -> None:
        """Load what earlier runs remembered; the tests give their own folder and ports (0: any)."""
        state_dir.mkdir(exist_ok=True)
        self.state_file = state_dir / STATE_FILE.name
        self.state: dict[str, Any] = (
            json.loads(self.state_file.read_text(encoding="utf-8"))
            if self.state_file.exists()
            else {}
        )
        self.simulator = Simulator(
            state_dir / "simulator",
            port=choose_port(self.state.get("simulator_port"), simulator_port),
            # Its state file keeps the outbox and the SMS ids, not the credit: start it with
            # the credit the last run ended with.
            initial_credit=self.state.get("simulator_credit", DEFAULT_CREDIT),
            second_account=True,
            # The outbox and the SMS ids: a report after a restart still finds its SMS.
            state_file=state_dir / "simulator" / "outbox.json",
        )
        self.hass = HomeAssistant(
            state_dir / "homeassistant",
            port=choose_port(self.state.get("ha_port"), ha_port),
            offline=True,
            # The dashboard's logbook card reads the logbook (and so the recorder); Assist's
            # pipelines, so that a French one can stand beside the English one.
            integrations=("logbook", "assist_pipeline"),
        )
        self.stopping = False
        self.waiting = False
        self.user: Client | None = None
        self.subentry_ids: dict[str, str] = {}

    def save(self) -> None:
        """Remember what is done, for the next run."""
        self.state_file.write_text(
            json.dumps(self.state, indent=2) + "\n", encoding="utf-8"
        )

    # -- set-up steps, each skipped when already done ---------------------------------------

    def sign_in(self) -> Client:
        """Onboard a new Home Assistant, or log in to the one of an earlier run."""
        if not onboarding_status(self.hass.base_url).get("user", True):
            say(f"Onboarding: creating the owner {OWNER.username!r}")
            return onboard(self.hass.base_url, OWNER)
        return login(self.hass.base_url, OWNER.username, OWNER.password)

    def tidy_up(self, user: Client) -> None:
        """Delete what onboarding added in a demo of an older checkout, as Settings would.

        Those integrations need the internet: in the demo they only ever failed to set up.
        """
        for entry in user.config_entries():
            if (
                entry["domain"] in ONBOARDING_LEFTOVERS
                and entry["source"] == "onboarding"
            ):
                say(f"Deleting {entry['title']!r}, which needs the internet")
                user.request(
                    "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                )

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
        subentries = user.subentries(entry_id)
        self.subentry_ids = {
            subentry["title"]: subentry["subentry_id"] for subentry in subentries
        }
        return {
            subentry["title"]: notify_entity_of(user, subentry["subentry_id"])
            for subentry in subentries
        }

    def button(self, user: Client, texts: DemoTexts) -> str:
        """Add the input button helper that starts the demo automation; return its entity id.

        Named in Home Assistant's language, and renamed when it changes.
        """
        names = {demo_texts(language).button for language in LANGUAGES}
        helpers = user.ws({"type": "input_button/list"})
        helper = next(
            (h for h in helpers if h["id"] == self.state.get("button_helper")),
            next((h for h in helpers if h["name"] in names), None),
        )
        if helper is None:
            say(f"Adding the helper button {texts.button!r}")
            helper = user.ws(
                {
                    "type": "input_button/create",
                    "name": texts.button,
                    "icon": "mdi:message-text",
                }
            )
        elif helper["name"] != texts.button:
            helper = user.ws(
                {
                    "type": "input_button/update",
                    "input_button_id": helper["id"],
                    "name": texts.button,
                    "icon": helper.get("icon") or "mdi:message-text",
                }
            )
        self.state["button_helper"] = helper["id"]
        deadline = time.monotonic() + 30
        while True:
            for entity in user.entity_registry("input_button"):
                if entity["unique_id"] == helper["id"]:
                    return str(entity["entity_id"])
            if time.monotonic() > deadline:
                raise HassTestbedError(f"no entity for the helper {helper}")
            time.sleep(0.2)

    def automation(
        self, user: Client, texts: DemoTexts, button: str, contacts: dict[str, str]
    ) -> bool:
        """Add the example automation: text both contacts, then send one SMS and show the reply.

        Return False when it is running: saving it would stop the run, and a contact's SMS
        would silently not go. The next look at the language saves it.
        """
        done = {"revision": AUTOMATION_REVISION, "language": texts.language}
        if self.state.get("automation") == done:
            return True
        if automation_runs(user, AUTOMATION_ID):
            say("The example automation is running: it is saved once it is done")
            return False
        say(f"Saving the example automation ({texts.language})")
        user.save_automation(
            AUTOMATION_ID,
            {
                "id": AUTOMATION_ID,
                "alias": texts.automation_alias,
                "description": texts.automation_description,
                "mode": "single",
                # A press only: renaming the button (a change of language) changes an
                # attribute, which a state trigger without `to` would take for a press. An
                # input button is "unknown" until its first press, which counts.
                "triggers": [
                    {
                        "trigger": "state",
                        "entity_id": button,
                        "to": None,
                        "not_from": ["unavailable"],
                    }
                ],
                "conditions": [],
                "actions": [
                    {
                        "action": "notify.send_message",
                        "target": {"entity_id": sorted(contacts.values())},
                        "data": {
                            "title": "Home Assistant",
                            "message": texts.contact_notification,
                        },
                    },
                    {
                        "action": f"{DOMAIN}.send_sms",
                        "data": {
                            "recipients": [CONTACTS[0]["phone_number"]],
                            "message": texts.action_message,
                            "tag": "demo",
                            # From the short code, so that Alice can reply.
                            "sender_for_response": True,
                        },
                        "response_variable": "sms",
                    },
                    {
                        "action": "persistent_notification.create",
                        "data": {
                            "title": "OVHcloud SMS",
                            "message": texts.notification,
                        },
                    },
                ],
            },
        )
        self.state["automation"] = done
        return True

    def reply_automation(
        self, user: Client, texts: DemoTexts, contacts: dict[str, str]
    ) -> None:
        """Add an automation from the reply blueprint: a notification when Alice replies OK."""
        done = {"revision": AUTOMATION_REVISION, "language": texts.language}
        if self.state.get("reply_automation") == done:
            return
        say(f"Saving the reply automation, from the blueprint ({texts.language})")
        user.save_automation(
            REPLY_AUTOMATION_ID,
            {
                "id": REPLY_AUTOMATION_ID,
                "alias": texts.reply_alias,
                "use_blueprint": {
                    "path": REPLY_BLUEPRINT,
                    "input": {
                        "contact": contacts[str(CONTACTS[0]["name"])],
                        "keyword": REPLY_KEYWORD,
                        "reply_actions": [
                            {
                                "action": "persistent_notification.create",
                                "data": {
                                    "title": "OVHcloud SMS",
                                    "message": texts.reply_notification,
                                },
                            }
                        ],
                    },
                },
            },
        )
        self.state["reply_automation"] = done

    def install_blueprints(self) -> None:
        """Copy the repository's blueprints where Home Assistant reads them (a newer checkout's too)."""
        shutil.copytree(
            BLUEPRINTS,
            self.hass.config_dir / "blueprints" / "automation" / DOMAIN,
            dirs_exist_ok=True,
        )

    def delivery_reports(self, user: Client, entry_id: str) -> None:
        """Paste the configure step's URL in the simulator, as in OVHcloud's Control Panel.

        The simulator plays OVHcloud on this machine, so Home Assistant's loopback address is
        the one it reaches: it becomes the external URL, unless the person set another one.
        """
        external = user.get("/api/config").get("external_url")
        if not external or (
            external.startswith(f"http://{LOOPBACK}:")
            and external != self.hass.base_url
        ):
            user.ws({"type": "config/core/update", "external_url": self.hass.base_url})
        url = delivery_url(user, entry_id)
        if url is None:
            raise HassTestbedError(
                "the account's configure step shows no URL for delivery reports"
            )
        self.simulator.paste_callback_url(url)

    def dashboard(
        self,
        user: Client,
        texts: DemoTexts,
        entry_id: str,
        button: str,
        contacts: dict[str, str],
    ) -> None:
        """Save the "OVHcloud SMS demo" dashboard: in the sidebar, and what opens after login.

        Created like Settings > Dashboards > Add dashboard does, then made the default dashboard
        like its "Set as default" does: since Home Assistant 2026.10 the start page is the
        generated Overview, and the old default dashboard is in no menu.
        """
        # Saved again when the simulator moved (its outbox link is on it) or the layout changed.
        done = {
            "for": self.simulator.base_url,
            "revision": DASHBOARD_REVISION,
            "language": texts.language,
        }
        if self.state.get("dashboard") == done:
            return
        say(f"Saving the dashboard {texts.dashboard_title!r}")
        existing = next(
            (
                dashboard
                for dashboard in user.ws({"type": "lovelace/dashboards/list"})
                if dashboard["url_path"] == DASHBOARD_URL_PATH
            ),
            None,
        )
        if existing is None:
            user.ws(
                {
                    "type": "lovelace/dashboards/create",
                    "url_path": DASHBOARD_URL_PATH,
                    "title": texts.dashboard_title,
                    "icon": DASHBOARD_ICON,
                    "show_in_sidebar": True,
                    "require_admin": False,
                }
            )
        elif existing["title"] != texts.dashboard_title:
            user.ws(
                {
                    "type": "lovelace/dashboards/update",
                    "dashboard_id": existing["id"],
                    "title": texts.dashboard_title,
                }
            )
        # The account's own sensors; each contact's delivery sensor goes beside the contact.
        sensors = sorted(
            entry["entity_id"]
            for entry in user.entity_registry(DOMAIN)
            if entry["entity_id"].startswith("sensor.")
            and entry.get("config_entry_id") == entry_id
            and not entry.get("config_subentry_id")
        )
        deliveries = {
            name: delivery_sensor_of(user, self.subentry_ids[name])
            for name in sorted(contacts)
        }
        user.save_dashboard(
            {
                "title": texts.dashboard_title,
                "views": [
                    {
                        "title": "SMS",
                        "path": "sms",
                        "icon": DASHBOARD_ICON,
                        "cards": [
                            *(
                                {
                                    "type": "tile",
                                    "entity": sensor,
                                    "name": texts.credit_card
                                    if sensor == credit_sensor_of(user, entry_id)
                                    else texts.spent_card,
                                }
                                for sensor in sorted(sensors)
                            ),
                            {
                                "type": "button",
                                "entity": button,
                                "name": texts.button,
                                "icon": DASHBOARD_ICON,
                                "tap_action": {"action": "toggle"},
                            },
                            {
                                "type": "entities",
                                "title": texts.contacts_card,
                                # Each contact, then the delivery status of its last SMS.
                                "entities": [
                                    row
                                    for name in sorted(contacts)
                                    for row in (contacts[name], deliveries[name])
                                ],
                            },
                            {
                                "type": "logbook",
                                "title": texts.logbook_card,
                                "hours_to_show": 24,
                                "target": {
                                    "entity_id": [
                                        *sensors,
                                        *sorted(contacts.values()),
                                        *deliveries.values(),
                                    ]
                                },
                            },
                            {
                                "type": "markdown",
                                "content": texts.help_card.format(
                                    outbox=f"{self.simulator.base_url}/"
                                ),
                            },
                        ],
                    }
                ],
            },
            url_path=DASHBOARD_URL_PATH,
        )
        core = user.ws({"type": "frontend/get_system_data", "key": "core"})["value"]
        user.ws(
            {
                "type": "frontend/set_system_data",
                "key": "core",
                "value": {**(core or {}), "default_panel": DASHBOARD_URL_PATH},
            }
        )
        self.state["dashboard"] = done

    def assist_pipeline(self, user: Client, texts: DemoTexts) -> str:
        """Return the id of an Assist pipeline in this language, added if there is none.

        Home Assistant's own agent, no speech: the demo runs offline.
        """
        pipelines = user.ws({"type": "assist_pipeline/pipeline/list"})["pipelines"]
        for pipeline in pipelines:
            if pipeline["language"] == texts.language:
                return str(pipeline["id"])
        say(f"Adding the Assist pipeline {texts.assist_pipeline!r}")
        created = user.ws(
            {
                "type": "assist_pipeline/pipeline/create",
                "name": texts.assist_pipeline,
                "language": texts.language,
                "conversation_engine": "conversation.home_assistant",
                "conversation_language": texts.language,
                "stt_engine": None,
                "stt_language": None,
                "tts_engine": None,
                "tts_language": None,
                "tts_voice": None,
                "wake_word_entity": None,
                "wake_word_id": None,
            }
        )
        return str(created["id"])

    def french_assist(self, user: Client) -> None:
        """Offer a French Assist pipeline beside the English one, for trying voice in French."""
        self.assist_pipeline(user, demo_texts("fr"))

    def assist_in_language(self, user: Client, texts: DemoTexts) -> None:
        """Open the Assist dialog on a pipeline of Home Assistant's language.

        Assist answers in the language of the sentence it understood, but a French household
        expects French from the first word. A pipeline the person chose in that language stays.
        """
        listed = user.ws({"type": "assist_pipeline/pipeline/list"})
        preferred = next(
            (
                pipeline
                for pipeline in listed["pipelines"]
                if pipeline["id"] == listed.get("preferred_pipeline")
            ),
            None,
        )
        if preferred is not None and preferred["language"] == texts.language:
            return
        pipeline_id = self.assist_pipeline(user, texts)
        say(f"Opening Assist in {texts.language}")
        user.ws(
            {
                "type": "assist_pipeline/pipeline/set_preferred",
                "pipeline_id": pipeline_id,
            }
        )

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

    def configure(self) -> None:
        """Start both processes and configure Home Assistant; what the tests of the demo run."""
        self.simulator.start()
        began = time.monotonic()
        self.hass.start()
        user = self.sign_in()
        user.wait_running()
        say(f"Home Assistant is up ({time.monotonic() - began:.1f}s)")
        if problem := user.frontend_problem():
            say(f"WARNING: {problem}")
        self.tidy_up(user)
        entry_id = self.account(user)
        self.french_assist(user)
        self.install_blueprints()
        self.delivery_reports(user, entry_id)
        self.state.update(ha_port=self.hass.port, simulator_port=self.simulator.port)
        self.save()
        self.user = user
        self.follow_language()

    def follow_language(self, *, if_changed: bool = False) -> None:
        """Save the button, automation and dashboard in Home Assistant's language, if not yet.

        `if_changed`: only when the language differs from the one they were saved in (the
        check of a running demo asks Home Assistant one question, not six).
        """
        user = self.user
        assert user is not None
        entry_id = str(self.state["entry_id"])
        language = user.get("/api/config").get("language")
        texts = demo_texts(language)
        # Home Assistant's own setting ("de", "en-GB"), not the demo's language for it: from
        # German to English, the texts stay but Assist moves.
        if if_changed and self.state.get("language") == language:
            return
        contacts = self.contacts(user, entry_id)
        button = self.button(user, texts)
        saved = self.automation(user, texts, button, contacts)
        self.reply_automation(user, texts, contacts)
        self.dashboard(user, texts, entry_id, button, contacts)
        # In another language (German...), Assist stays on the pipeline Home Assistant made.
        if demo_texts(language).language == primary_language(language):
            self.assist_in_language(user, texts)
        if saved:
            self.state["language"] = language
        self.save()

    def run(self, *, wait: bool = True) -> int:
        """Start, configure, print, wait (unless told not to: the tests), stop."""
        say("Starting the http2sms simulator and Home Assistant (state in .demo/)...")
        try:
            self.configure()
            self.banner()
            self.waiting = True
            if wait:
                self.wait()
        except (HassTestbedError, requests.RequestException) as err:
            say(self.failure(err))
            return 1
        except KeyboardInterrupt:
            return 130
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)
            self.shutdown()
        return 0

    def failure(self, err: Exception) -> str:
        """Say in one sentence why the demo stopped, and where to read more.

        What a flow answered (a page of JSON) or a log's tail stays in the log, not on screen.
        """
        if loopback_unreachable(str(err)):
            return (
                "The demo cannot run here: this machine's loopback network is down "
                f"({LOOPBACK} cannot be reached; `ip link set lo up` brings it up); "
                f"see {shown(self.simulator.log_path)}."
            )
        if not self.hass.logs:
            # Home Assistant never started: the simulator is what failed.
            return f"The demo failed: {first_line(err)}; see {shown(self.simulator.log_path)}."
        log = shown(self.hass.log_path)
        if all(mark in self.hass.log_text() for mark in MULTICAST_MISSING):
            return (
                "The demo cannot run here: this machine has no network interface that can "
                "join a multicast group, which Home Assistant's HTTP connections need "
                f"(zeroconf, OSError 19); see {log}."
            )
        return f"The demo failed: {first_line(err)}; see {log}."

    def wait(self) -> None:
        """Wait for Ctrl-C or SIGTERM, or for a process to end by itself.

        Meanwhile, follow Home Assistant's language: a person who switches it to French finds
        the demo's dashboard and notification in French.
        """
        checked = time.monotonic()
        while not self.stopping:
            if time.monotonic() - checked > LANGUAGE_CHECK_SECONDS:
                checked = time.monotonic()
                try:
                    self.follow_language(if_changed=True)
                except (HassTestbedError, requests.RequestException) as err:
                    say(
                        f"Could not follow Home Assistant's language: {first_line(err)}"
                    )
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
            f"  Logs:                  {shown(self.hass.log_path)}, "
            f"{shown(self.simulator.log_path)}"
        )
        say(
            f"  A second account:      {SECOND_ACCOUNT}, SMS user {SECOND_LOGIN}, "
            f"password {SECOND_PASSWORD},"
        )
        say(
            f"    to add by hand:      sender {SECOND_SENDER}, the http2sms endpoint above "
            "in Advanced settings"
        )
        say(
            f"  Press '{BUTTON_NAME}' on the {DASHBOARD_TITLE!r} dashboard, then watch the "
            "outbox page."
        )
        say("  Ctrl-C stops everything; the next run starts where this one ends.")
        say("=" * 72)

    def shutdown(self) -> None:
        """Remember the simulator's credit, then stop Home Assistant and the simulator."""
        self.stopping = True
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
