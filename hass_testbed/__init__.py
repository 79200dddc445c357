"""A real Home Assistant, the http2sms simulator and a client that onboards and drives them.

Development tooling, never shipped: the end-to-end and browser tests, `scripts/demo` and
`benchmarks/perf.py` all configure Home Assistant through this package, with the calls the
frontend makes (onboarding, login, config and subentry flows, the automation and dashboard
editors). It only sees Home Assistant from the outside, over HTTP and WebSocket: nothing here
imports `homeassistant`.

It is synchronous on purpose: Home Assistant and the simulator run as subprocesses, and the few
WebSocket-only commands open a short-lived connection on a private event loop that is closed
before returning, so nothing lingers in the caller's process.

`hass_testbed.ovh_http2sms` holds what is specific to this repository's integration; the rest
works for any custom integration.
"""

from .client import Client, FlowError, Person, login, onboard, onboarding_status
from .home_assistant import HomeAssistant
from .processes import REPO_ROOT, HassTestbedError, listening_addresses, tail
from .simulator import Simulator

__all__ = [
    "REPO_ROOT",
    "Client",
    "FlowError",
    "HassTestbedError",
    "HomeAssistant",
    "Person",
    "Simulator",
    "listening_addresses",
    "login",
    "onboard",
    "onboarding_status",
    "tail",
]
