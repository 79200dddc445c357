"""`scripts/demo`'s own words: why it stopped, in one sentence."""

from __future__ import annotations

from pathlib import Path

from demo.__main__ import Demo
from hass_testbed.client import FlowError

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
