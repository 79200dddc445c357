"""Fixtures for the end-to-end tests: a real simulator and a real Home Assistant, as subprocesses.

The tests stay synchronous: the processes are children of the test run, talked to over HTTP, and
stopped by finalizers (SIGTERM, then SIGKILL of their process group) whatever the test did.
When a test fails, the tail of every log (each Home Assistant run, the simulator) is added to the
failure report.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest

from hass_testbed import HomeAssistant, Person, Simulator, tail

LOGS = pytest.StashKey[list[Callable[[], list[Path]]]]()

# The person who owns the Home Assistant of the tests.
OWNER = Person(name="Camille Martin", username="camille", password="e2e-Passw0rd!")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the logs of the processes a failed test used to its report."""
    report = yield
    if report.failed and (sources := item.stash.get(LOGS, None)):
        for path in dict.fromkeys(path for source in sources for path in source()):
            report.sections.append((f"{path.name} (tail)", tail(path, 300)))
    return report


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Nothing to enable in-process: the integration runs inside the real Home Assistant.

    Overrides the suite-wide autouse fixture of the same name, if any, so that these tests do
    not also start an in-process test instance of Home Assistant.
    """


@pytest.fixture
def e2e_logs(request: pytest.FixtureRequest) -> list[Callable[[], list[Path]]]:
    """Where to find the log files to show if the test fails (read when it fails)."""
    item: pytest.Item = request.node
    return item.stash.setdefault(LOGS, [])


@pytest.fixture
def owner() -> Person:
    """The person who onboards Home Assistant."""
    return OWNER


@pytest.fixture
def simulator(
    socket_enabled: None, tmp_path: Path, e2e_logs: list[Callable[[], list[Path]]]
) -> Iterator[Simulator]:
    """The http2sms simulator with its default account, on a free loopback port."""
    sim = Simulator(tmp_path / "simulator")
    e2e_logs.append(lambda: [sim.log_path])
    try:
        yield sim.start()
    finally:
        sim.stop()


@pytest.fixture
def home_assistant(
    socket_enabled: None, tmp_path: Path, e2e_logs: list[Callable[[], list[Path]]]
) -> Iterator[HomeAssistant]:
    """A real Home Assistant, started on a fresh configuration folder, not onboarded yet."""
    hass = HomeAssistant(tmp_path / "hass-config")
    e2e_logs.append(lambda: list(hass.logs))
    try:
        yield hass.start()
    finally:
        hass.stop()
