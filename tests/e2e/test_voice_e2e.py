"""End to end: a sentence to Assist sends an SMS, through a real Home Assistant process.

Over the HTTP conversation API (what voice satellites and apps call) and in Chromium (the Assist
dialog a person types into). Home Assistant runs with Assist (`assist_pipeline`, which brings
`conversation`), as `default_config` would set it up; the contact is exposed to Assist the way
Settings > Voice assistants does it.
Run with `scripts/run python -m pytest tests/e2e/test_voice_e2e.py -p no:cacheprovider`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
import os
from pathlib import Path
import re
import shutil
from typing import Any, override

from playwright.sync_api import expect
import pytest

from hass_testbed import Client, HomeAssistant, Person, Simulator, onboard
from hass_testbed.ovh_http2sms import DOMAIN, add_account, add_contact
from tests.e2e.test_browser import (  # the fixture is shared by import
    ARTIFACTS,
    DOCS_SCREENSHOTS,
    Screenshots,
    browser,
    chromium,  # noqa: F401
    frontend_texts,
    integration_texts,
    log_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ALICE = {"name": "Alice", "phone_number": "06 12 34 56 78", "flash": False}
ALICE_AS_SENT = "0033612345678"
BOB = {"name": "Bob", "phone_number": "+44 7911 123456", "flash": True}


@dataclass
class AssistHomeAssistant(HomeAssistant):
    """The testbed's Home Assistant, with Assist set up as default_config would."""

    @override
    def write_configuration(self) -> None:
        """Add Assist (its pipelines, the conversation agent) to the testbed's configuration."""
        super().write_configuration()
        with (self.config_dir / "configuration.yaml").open(
            "a", encoding="utf-8"
        ) as file:
            file.write("assist_pipeline:\n")


@pytest.fixture
def assist_home_assistant(
    socket_enabled: None, tmp_path: Path, e2e_logs: list[Callable[[], list[Path]]]
) -> Iterator[HomeAssistant]:
    """A real Home Assistant with Assist, not onboarded yet."""
    hass = AssistHomeAssistant(tmp_path / "hass-config")
    e2e_logs.append(lambda: list(hass.logs))
    try:
        yield hass.start()
    finally:
        hass.stop()


def _set_up_contacts(user: Client, simulator: Simulator) -> dict[str, str]:
    """The account on the simulator with Alice and Bob; return their notify entities."""
    entry_id = add_account(user, simulator)
    entities = {}
    for contact in (ALICE, BOB):
        entities[str(contact["name"])] = add_contact(user, entry_id, contact)
    return entities


def _expose(user: Client, entity_id: str) -> None:
    """What the Assist toggle of an entity's voice settings does."""
    user.ws(
        {
            "type": "homeassistant/expose_entity",
            "assistants": ["conversation"],
            "entity_ids": [entity_id],
            "should_expose": True,
        }
    )


def _say(user: Client, text: str, language: str) -> dict[str, Any]:
    """POST /api/conversation/process, as a voice satellite or the companion app does."""
    result: dict[str, Any] = user.post(
        "/api/conversation/process", {"text": text, "language": language}
    )
    return result


def test_a_sentence_over_the_conversation_api_sends_the_sms(
    simulator: Simulator, assist_home_assistant: HomeAssistant, owner: Person
) -> None:
    """A sentence in French or English texts an exposed contact; an unexposed one is refused."""
    user = onboard(assist_home_assistant.base_url, owner)
    user.wait_running()
    contacts = _set_up_contacts(user, simulator)

    # A new contact is not exposed: Assist refuses, and no request reaches the gateway.
    requests_before = len(simulator.requests_log())
    refused = _say(user, "Envoie un SMS à Alice : la porte est ouverte", "fr")
    assert refused["response"]["speech"]["plain"]["speech"].startswith(
        "Le contact Alice n’est pas exposé à Assist"
    )
    assert len(simulator.requests_log()) == requests_before
    assert simulator.outbox() == []

    _expose(user, contacts["Alice"])
    answer = _say(user, "Envoie un SMS à Alice : la porte est ouverte", "fr")
    assert answer["response"]["speech"]["plain"]["speech"] == "SMS envoyé à Alice."
    assert answer["response"]["language"] == "fr"
    (sms,) = simulator.outbox()
    assert sms["recipient"] == ALICE_AS_SENT
    assert sms["message"] == "la porte est ouverte"

    answer = _say(user, "Send an SMS to Alice saying the door is open", "en")
    assert answer["response"]["speech"]["plain"]["speech"] == "Sent to Alice."
    assert simulator.outbox()[-1]["message"] == "the door is open"

    # Bob stays unexposed: refused, and no request reaches the gateway.
    requests_before = len(simulator.requests_log())
    refused = _say(user, "text Bob: hello", "en")
    assert "not exposed" in refused["response"]["speech"]["plain"]["speech"]
    assert len(simulator.requests_log()) == requests_before
    assert len(simulator.outbox()) == 2

    assert assist_home_assistant.stop() == 0
    assert assist_home_assistant.unexpected_problems() == []
    assert assist_home_assistant.records_about(DOMAIN) == []


@pytest.mark.browser
@pytest.mark.usefixtures("chromium")
def test_a_person_texts_alice_from_the_assist_dialog_in_french(
    simulator: Simulator,
    assist_home_assistant: HomeAssistant,
    owner: Person,
    tmp_path: Path,
) -> None:
    """Typed in the Assist dialog of a French household, answered in French, sent once."""
    user = onboard(assist_home_assistant.base_url, owner)
    user.wait_running()
    # A French household: Home Assistant, the person's interface and their assistant.
    user.ws({"type": "config/core/update", "language": "fr"})
    user.ws(
        {
            "type": "frontend/set_user_data",
            "key": "language",
            "value": {"language": "fr"},
        }
    )
    pipeline = user.ws(
        {
            "type": "assist_pipeline/pipeline/create",
            "name": "Maison",
            "language": "fr",
            "conversation_engine": "conversation.home_assistant",
            "conversation_language": "fr",
            "stt_engine": None,
            "stt_language": None,
            "tts_engine": None,
            "tts_language": None,
            "tts_voice": None,
            "wake_word_entity": None,
            "wake_word_id": None,
        }
    )
    user.ws(
        {
            "type": "assist_pipeline/pipeline/set_preferred",
            "pipeline_id": pipeline["id"],
        }
    )
    contacts = _set_up_contacts(user, simulator)
    _expose(user, contacts["Alice"])
    # What a voice satellite does before listening: load the French sentences, which takes a
    # few seconds on a busy machine, before the browser's timeouts start.
    user.ws({"type": "conversation/prepare", "language": "fr"}, timeout=120)
    sent_before = len(simulator.outbox())
    ours = integration_texts("fr")["common"]
    ui = frontend_texts("fr")
    sentence = "Envoie un SMS à Alice : la porte du garage est ouverte"

    with browser(tmp_path / "chromium-profile") as context:
        page = context.new_page()
        shots = Screenshots(page, ARTIFACTS / "voice-fr")
        log_in(page, assist_home_assistant.base_url, owner)
        expect(
            page.get_by_role("link", name=re.compile(re.escape(ui["panel.config"])))
        ).to_be_visible()
        shots.take("logged-in")

        # The Assist button of the overview's toolbar ("Assist (A)": "a" opens it too).
        assist = page.get_by_role(
            "button",
            name=re.compile(rf"^{re.escape(ui['ui.panel.lovelace.menu.assist'])}\b"),
        )
        expect(assist).to_be_visible()
        assist.click()
        dialog = page.locator("ha-voice-command-dialog")
        request = dialog.get_by_role(
            "textbox", name=ui["ui.dialogs.voice_command.input_label"]
        )
        expect(request).to_be_visible()
        shots.take("assist-open")
        request.fill(sentence)
        request.press("Enter")
        answer = dialog.get_by_text(
            ours["assist_sent"].format(name="Alice"), exact=True
        )
        expect(answer).to_be_visible()
        expect(dialog.get_by_text(sentence, exact=True)).to_be_visible()
        shots.take("assist-fr")

    (sms,) = simulator.outbox()[sent_before:]
    assert sms["recipient"] == ALICE_AS_SENT
    assert sms["message"] == "la porte du garage est ouverte"
    if os.environ.get("OVH_HTTP2SMS_REFRESH_DOCS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shots.taken["assist-fr"], DOCS_SCREENSHOTS / "assist-fr.png")

    assert assist_home_assistant.stop() == 0
    assert assist_home_assistant.unexpected_problems() == []
    assert assist_home_assistant.records_about(DOMAIN) == []
