"""`scripts/demo`'s own words: why it stopped, in one sentence; its texts, in each language."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
import pytest
import requests

from demo.__main__ import AUTOMATION_ID, Demo
from demo.texts import LANGUAGES, DemoTexts, demo_texts
from hass_testbed import HassTestbedError
from hass_testbed.client import FlowError
from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
)

# What Home Assistant logged in a network namespace with only loopback (shortened).
ZEROCONF_FAILURE = """\
2026-12-07 02:25:15.516+00:00 ERROR (MainThread) [custom_components.ovh_http2sms.config_flow] \
Unexpected error while checking the SMS account
Traceback (most recent call last):
  File "/opt/venv/lib/python3.14/site-packages/homeassistant/components/zeroconf/__init__.py", \
line 98, in _async_get_instance
    zeroconf = HaZeroconf(**_async_get_zc_args(hass))
OSError: [Errno 19] No such device
"""


def _demo_with_log(tmp_path: Path, text: str) -> Demo:
    demo = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    log = tmp_path / "demo" / "homeassistant" / "hass-run1.log"
    log.parent.mkdir(parents=True)
    log.write_text(text, encoding="utf-8")
    demo.hass.logs.append(log)
    return demo


def test_without_multicast_the_demo_names_the_cause_and_the_log(
    socket_enabled: None, tmp_path: Path
) -> None:
    """The account step's page of JSON is not shown: one sentence, the cause, the log."""
    demo = _demo_with_log(tmp_path, ZEROCONF_FAILURE)
    said = demo.failure(
        FlowError("step 'user' answered with errors", {"errors": {"base": "unknown"}})
    )
    assert said.startswith("The demo cannot run here: ")
    assert "multicast" in said
    assert said.endswith(f"see {demo.hass.log_path}.")
    assert "\n" not in said
    assert "{" not in said


def test_any_other_failure_is_one_line_with_the_log(
    socket_enabled: None, tmp_path: Path
) -> None:
    """A flow that went wrong otherwise: its first line, not its answer, and the log."""
    demo = _demo_with_log(tmp_path, "nothing about the network\n")
    said = demo.failure(
        FlowError("step 'user' answered with errors", {"errors": {"base": "unknown"}})
    )
    assert said == (
        f"The demo failed: step 'user' answered with errors; see {demo.hass.log_path}."
    )


# --------------------------------------------------------------------------------------------
# The demo's texts follow Home Assistant's language
# --------------------------------------------------------------------------------------------

OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]


def test_the_demo_speaks_every_language_of_the_integration() -> None:
    """The languages of the countries where OVHcloud sells SMS; any other gets English."""
    assert set(LANGUAGES) == {"en", "fr", "es", "it", "pl"}
    assert demo_texts("fr").language == "fr"
    assert demo_texts("en-GB").language == "en"
    assert demo_texts("pl_PL").language == "pl"
    assert demo_texts("de").language == "en"
    assert demo_texts(None).language == "en"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_english_text_is_left_in_another_language(language: str) -> None:
    """Every title, name and sentence differs from the English one."""
    english, texts = demo_texts("en"), demo_texts(language)
    same = [
        field.name
        for field in fields(DemoTexts)
        if isinstance(getattr(texts, field.name), str)
        and field.name != "language"
        and getattr(texts, field.name) == getattr(english, field.name)
    ]
    assert not same, same


@pytest.mark.parametrize(
    ("language", "two_parts", "one_part"),
    [
        (
            "en",
            "Sent 2 SMS (2 parts, 7-bit); 97.5 credits left.",
            "Sent 1 SMS (1 part, Unicode); 98 credits left.",
        ),
        (
            "fr",
            "Envoyé\u00a0: 2 SMS (2 parties, 7 bits)\u00a0; il reste 97,5 crédits.",
            "Envoyé\u00a0: 1 SMS (1 partie, Unicode)\u00a0; il reste 98 crédits.",
        ),
        (
            "es",
            "Enviados 2 SMS (2 partes, 7 bits); quedan 97,5 créditos.",
            "Enviado 1 SMS (1 parte, Unicode); quedan 98 créditos.",
        ),
        (
            "it",
            "Inviati 2 SMS (2 parti, 7 bit); restano 97,5 crediti.",
            "Inviato 1 SMS (1 parte, Unicode); restano 98 crediti.",
        ),
        (
            "pl",
            "Wysłano 2 SMS (2 części, 7 bitów); pozostały kredyt: 97,5.",
            "Wysłano 1 SMS (1 część, Unicode); pozostały kredyt: 98.",
        ),
    ],
)
async def test_the_notification_words_the_response_without_raw_tokens(
    hass: HomeAssistant, language: str, two_parts: str, one_part: str
) -> None:
    """Rendered by Home Assistant: "7 bits", not "gsm7"; 97,5 in languages with a comma."""
    template = Template(demo_texts(language).notification, hass)
    assert (
        template.async_render(
            {
                "sms": {
                    "sms_ids": ["1", "2"],
                    "parts": 2,
                    "encoding": "gsm7",
                    "credits_left": 97.5,
                }
            },
            parse_result=False,
        )
        == two_parts
    )
    assert (
        template.async_render(
            {
                "sms": {
                    "sms_ids": ["3"],
                    "parts": 1,
                    "encoding": "unicode",
                    "credits_left": 98.0,
                }
            },
            parse_result=False,
        )
        == one_part
    )


async def test_the_contacts_message_is_a_template_of_the_time(
    hass: HomeAssistant,
) -> None:
    """The SMS the contacts receive says the time, whatever the language."""
    for language in LANGUAGES:
        rendered = Template(demo_texts(language).contact_notification, hass)
        text = rendered.async_render(parse_result=False)
        assert "{" not in text
        assert re.search(r"\b\d\d:\d\d\b", text), text


# --------------------------------------------------------------------------------------------
# The example automation: a press texts the contacts, nothing else does
# --------------------------------------------------------------------------------------------

BUTTON = "input_button.send_a_demo_sms"
CONTACT_ENTITIES = {"Alice": "notify.alice", "Bob": "notify.bob"}


class _AutomationEditor:
    """Home Assistant as the demo's automation step sees it: the editor and the running count."""

    def __init__(self, running: int = 0) -> None:
        self.running = running
        self.saved: list[dict[str, Any]] = []

    def entity_registry(self, platform: str | None = None) -> list[dict[str, Any]]:
        assert platform == "automation"
        return [{"entity_id": "automation.demo", "unique_id": AUTOMATION_ID}]

    def state(self, entity_id: str) -> dict[str, Any]:
        assert entity_id == "automation.demo"
        return {"state": "on", "attributes": {"current": self.running}}

    def save_automation(self, automation_id: str, config: dict[str, Any]) -> None:
        assert automation_id == AUTOMATION_ID
        self.saved.append(config)


def test_only_a_press_of_the_button_starts_the_automation(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Renaming the button (a change of language) changes an attribute: no SMS for that."""
    demo = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    editor = _AutomationEditor()
    assert demo.automation(editor, demo_texts("fr"), BUTTON, CONTACT_ENTITIES)  # type: ignore[arg-type]
    [config] = editor.saved
    assert config["triggers"] == [
        {
            "trigger": "state",
            "entity_id": BUTTON,
            # Only a change of state (a press), never an attribute's.
            "to": None,
            # An input button is "unknown" until its first press: that press counts.
            "not_from": ["unavailable"],
        }
    ]


def test_the_automation_is_not_saved_again_while_it_runs(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Saving an automation stops its run: a contact's SMS would silently not go."""
    demo = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    editor = _AutomationEditor(running=1)
    assert not demo.automation(editor, demo_texts("es"), BUTTON, CONTACT_ENTITIES)  # type: ignore[arg-type]
    assert editor.saved == []
    assert "automation" not in demo.state

    editor.running = 0
    assert demo.automation(editor, demo_texts("es"), BUTTON, CONTACT_ENTITIES)  # type: ignore[arg-type]
    assert [config["alias"] for config in editor.saved] == [
        demo_texts("es").automation_alias
    ]


# What the demo met in a network namespace whose loopback interface is down.
LOOPBACK_DOWN = (
    "http://127.0.0.1:8765/_simulator/outbox did not answer within 30s "
    "(HTTPConnectionPool(host='127.0.0.1', port=8765): Max retries exceeded with url: "
    "/_simulator/outbox (Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', "
    "port=8765): Failed to establish a new connection: [Errno 101] Network is "
    'unreachable")))\n--- last 2 lines of .demo/simulator/simulator.log ---\n'
    "Serving on http://127.0.0.1:8765\n"
)


def test_with_loopback_down_the_demo_names_the_cause_and_the_log(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Errno 101 on 127.0.0.1 means this machine's loopback is down: say so, and where to look."""
    demo = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    said = demo.failure(HassTestbedError(LOOPBACK_DOWN))
    assert said == (
        "The demo cannot run here: this machine's loopback network is down (127.0.0.1 "
        "cannot be reached; `ip link set lo up` brings it up); see "
        f"{demo.simulator.log_path}."
    )


def test_a_simulator_that_does_not_start_names_its_log(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Before Home Assistant starts, the log to read is the simulator's."""
    demo = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    said = demo.failure(
        HassTestbedError("http://127.0.0.1:8765/_simulator/outbox did not answer\n...")
    )
    assert said == (
        "The demo failed: http://127.0.0.1:8765/_simulator/outbox did not answer; "
        f"see {demo.simulator.log_path}."
    )


def _text_alice(demo: Demo, message: str) -> None:
    """Send an SMS through the simulator's http2sms endpoint, as the integration does."""
    requests.get(
        demo.simulator.endpoint,
        params={
            "account": DEFAULT_ACCOUNT,
            "login": DEFAULT_LOGIN,
            "password": DEFAULT_PASSWORD,
            "from": DEFAULT_SENDER,
            "to": "0033612345678",
            "message": message,
            "contentType": "text/json",
        },
        timeout=10,
    ).raise_for_status()


def test_the_next_run_starts_where_this_one_ended(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Restarted, the demo's simulator shows the same outbox and credit, and new SMS ids.

    A delivery report is matched by its SMS id: an id given twice would mark the wrong SMS.
    """
    first = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    first.simulator.start()
    try:
        _text_alice(first, "Before the restart")
        before = first.simulator.outbox()
        credit = first.simulator.credit()
    finally:
        first.shutdown()

    second = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    second.simulator.start()
    try:
        assert second.simulator.outbox() == before
        assert second.simulator.credit() == credit
        _text_alice(second, "After the restart")
        after = second.simulator.outbox()
    finally:
        second.shutdown()
    assert [sms["text"] for sms in after] == ["Before the restart", "After the restart"]
    assert after[1]["id"] > after[0]["id"]


@pytest.mark.parametrize(
    ("credit", "shown"), [(1_000_000.0, "1000000"), (97.25, "97.25"), (0.5, "0.5")]
)
async def test_the_credit_is_a_plain_figure(
    hass: HomeAssistant, credit: float, shown: str
) -> None:
    """A whole credit without decimals, never in exponent form ("1e+06")."""
    template = Template(demo_texts("en").notification, hass)
    rendered = template.async_render(
        {
            "sms": {
                "sms_ids": ["1"],
                "parts": 1,
                "encoding": "gsm7",
                "credits_left": credit,
            }
        },
        parse_result=False,
    )
    assert rendered == f"Sent 1 SMS (1 part, 7-bit); {shown} credits left."
