"""Shared test set-up: Home Assistant finds this repository's custom_components.

Also the one set of test credentials, the simulator's defaults, and the fixture that lets a
test retry a refused connection at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import os

from hypothesis import HealthCheck, settings
import pytest

# Without this import Home Assistant's loader looks for custom integrations in the test
# plugin's own testing_config instead of this repository.
import custom_components  # noqa: F401
from custom_components.ovh_http2sms.http2sms import client as http2sms_client
from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
    SimulatorState,
)
from http2sms_simulator.testing import RunningSimulator, run_simulator

ACCOUNT = DEFAULT_ACCOUNT
LOGIN = DEFAULT_LOGIN
PASSWORD = DEFAULT_PASSWORD
SENDER = DEFAULT_SENDER
# What the leak scans look for. Both are distinctive (no logger, module or message of Home
# Assistant or of this repository contains either), so any occurrence, in any case, in a log or
# an error can only be a leak.
SECRETS = (LOGIN, PASSWORD)

# "ci" keeps the default run fast; "thorough" is the 10 000-example run of CONTRIBUTING.md.
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let every test load the integration from custom_components."""


@pytest.fixture
def state() -> SimulatorState:
    """The simulator's state: the default account; a test folder may override it."""
    return SimulatorState()


@pytest.fixture
async def simulator(
    socket_enabled: None, state: SimulatorState
) -> AsyncIterator[RunningSimulator]:
    """Serve the simulator on a free loopback port for one test."""
    async with run_simulator(state) as running:
        yield running


@pytest.fixture
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry a refused connection at once instead of a second later."""
    monkeypatch.setattr(http2sms_client, "CONNECT_RETRY_DELAY", 0)
