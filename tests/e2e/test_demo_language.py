"""The demo follows Home Assistant's language: its dashboard, button and notification."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import time
from typing import Any

import pytest

from demo.__main__ import AUTOMATION_ID, DASHBOARD_URL_PATH, Demo
from demo.texts import demo_texts

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


@pytest.fixture
def demo(socket_enabled: None, tmp_path: Path, e2e_logs: list[Any]) -> Iterator[Demo]:
    """`scripts/demo`'s configuration, on free ports and a fresh folder, stopped afterwards."""
    running = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    e2e_logs.append(lambda: [*running.hass.logs, running.simulator.log_path])
    try:
        running.configure()
        yield running
    finally:
        running.shutdown()


def demo_button(user: Any) -> str:
    """The entity of the demo's button helper."""
    (entity_id,) = [
        entry["entity_id"]
        for entry in user.entity_registry("input_button")
        if entry["entity_id"].startswith("input_button.")
    ]
    return str(entity_id)


def _texts_on_screen(demo: Demo) -> list[str]:
    """Titles and names of the dashboard, its sidebar entry and the button helper."""
    user = demo.user
    assert user is not None
    (sidebar,) = [
        d["title"]
        for d in user.ws({"type": "lovelace/dashboards/list"})
        if d["url_path"] == DASHBOARD_URL_PATH
    ]
    config = user.dashboard(DASHBOARD_URL_PATH)
    cards = config["views"][0]["cards"]
    helpers = [h["name"] for h in user.ws({"type": "input_button/list"})]
    return [
        sidebar,
        config["title"],
        *(
            card.get("name") or card.get("title") or card.get("content")
            for card in cards
        ),
        *helpers,
    ]


def test_the_demo_switches_to_french_with_home_assistant(demo: Demo) -> None:
    """Home Assistant set to French: every text the demo saved is saved again in French."""
    user = demo.user
    assert user is not None
    english = demo_texts("en")
    assert english.dashboard_title in _texts_on_screen(demo)

    user.ws({"type": "config/core/update", "language": "fr"})
    # What the running demo does every few seconds.
    demo.follow_language(if_changed=True)
    # Renaming the button is no press: nobody gets an SMS for a change of language.
    time.sleep(3)
    assert demo.simulator.outbox() == []

    french = demo_texts("fr")
    shown = _texts_on_screen(demo)
    assert shown[:2] == [french.dashboard_title, french.dashboard_title]
    for text in (
        french.credit_card,
        french.spent_card,
        french.button,
        french.contacts_card,
        french.logbook_card,
    ):
        assert text in shown
    # One helper, renamed (its entity, on the dashboard and in the automation, is the same).
    assert [name for name in shown if name in {english.button, french.button}] == [
        french.button,
        french.button,
    ]
    everything = json.dumps(shown, ensure_ascii=False)
    for text in (english.credit_card, english.contacts_card, english.logbook_card):
        assert text not in everything
    automation = user.get(f"/api/config/automation/config/{AUTOMATION_ID}")
    assert automation["alias"] == french.automation_alias
    notification = automation["actions"][-1]["data"]["message"]
    assert notification == french.notification
    assert "gsm7" not in notification.replace("'gsm7':", "")

    # A press (the first: the button was never pressed) texts both contacts, in French.
    user.call("input_button", "press", {"entity_id": demo_button(user)})
    deadline = time.monotonic() + 60
    while len(outbox := demo.simulator.outbox()) < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(outbox) == 3, outbox
    texts = [sms["text"] for sms in outbox]
    assert sum("Le bouton de démo a été pressé à" in text for text in texts) == 2, texts
    assert sum(french.action_message in text for text in texts) == 1, texts
    # What the demo reads to leave a running automation alone: Home Assistant's run count.
    (automation,) = [
        entry["entity_id"]
        for entry in user.entity_registry("automation")
        if entry["unique_id"] == AUTOMATION_ID
    ]
    assert user.state(automation)["attributes"]["current"] == 0


def _preferred_pipeline(demo: Demo) -> dict[str, Any]:
    """The pipeline the Assist dialog opens on."""
    user = demo.user
    assert user is not None
    listed = user.ws({"type": "assist_pipeline/pipeline/list"})
    (preferred,) = [
        pipeline
        for pipeline in listed["pipelines"]
        if pipeline["id"] == listed["preferred_pipeline"]
    ]
    return dict(preferred)


def test_the_assist_dialog_opens_in_home_assistant_s_language(demo: Demo) -> None:
    """A French (or Spanish...) Home Assistant opens Assist on a pipeline of its language."""
    user = demo.user
    assert user is not None
    assert _preferred_pipeline(demo)["language"] == "en"

    for language in ("es", "fr"):
        user.ws({"type": "config/core/update", "language": language})
        demo.follow_language(if_changed=True)
        preferred = _preferred_pipeline(demo)
        assert preferred["language"] == language
        assert preferred["conversation_language"] == language

    # German is none of the demo's languages: Assist stays where it was.
    user.ws({"type": "config/core/update", "language": "de"})
    demo.follow_language()
    assert _preferred_pipeline(demo)["language"] == "fr"

    user.ws({"type": "config/core/update", "language": "en"})
    demo.follow_language(if_changed=True)
    assert _preferred_pipeline(demo)["language"] == "en"

    # One pipeline per language: following the language twice adds none.
    languages = [
        pipeline["language"]
        for pipeline in user.ws({"type": "assist_pipeline/pipeline/list"})["pipelines"]
    ]
    assert sorted(languages) == ["en", "es", "fr"]
