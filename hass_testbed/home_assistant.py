"""A real `python -m homeassistant` process, its configuration folder and its log."""

from __future__ import annotations

from dataclasses import dataclass, field
import json
from pathlib import Path
import re
import subprocess
import sys
import time

from .processes import (
    LOOPBACK,
    REPO_ROOT,
    HassTestbedError,
    free_port,
    spawn,
    tail,
    terminate,
    wait_http,
)

CONFIGURATION_YAML = """\
# Written by hass_testbed. Home Assistant 2026.10 always sets up its default integrations
# (frontend, onboarding, auth, api, websocket_api, config, person, lovelace, automation, script,
# ...), so this file only says what differs from the defaults.
#
# No `http:` here: since 2026.10 Home Assistant moves it to .storage/http once, as a "pending" trial
# that reverts (to every interface, port 8123) and restarts after 5 minutes unless confirmed in the
# UI, then ignores it with a repair issue. The testbed writes .storage/http instead (see
# write_http_store): loopback only, from the first start.
logger:
  default: {log_default}
  logs:
    homeassistant.components.http.server: info
    homeassistant.components.http.config: info
    homeassistant.bootstrap: info
{debug_logs}{offline_logs}{integrations}# The automation editor (POST /api/config/automation/config/<id>) writes automations.yaml.
automation: !include automations.yaml
"""


def write_http_store(config_dir: Path, port: int) -> None:
    """Make Home Assistant listen on 127.0.0.1:`port` only, as its confirmed HTTP configuration.

    Written in the storage format of releases before 2026.10 (version 1: the plain `http`
    settings), which Home Assistant itself migrates on load into its confirmed ("stable") slot,
    filling every other setting with its defaults. Only while Home Assistant is stopped.
    """
    _write_store(
        config_dir, "http", 1, {"server_host": [LOOPBACK], "server_port": port}
    )


def write_onboarding_store(config_dir: Path) -> None:
    """Mark onboarding's core-config step done before the first start, so it adds nothing.

    Finishing that step sets up weather (met), Google Translate speech and the radio browser,
    which need the internet and packages this environment does not have, and a shopping list.
    Location, units and language are still set over WebSocket (`config/core/update`), as the
    onboarding page does. Only while Home Assistant has never started.
    """
    _write_store(config_dir, "onboarding", 4, {"done": ["core_config"]})


def write_network_store(config_dir: Path) -> None:
    """Enable only the loopback adapter, as Settings > System > Network would save it.

    Home Assistant's HTTP session resolves names with a zeroconf instance, which joins mDNS's
    multicast group on the enabled adapters, or on the default route's when none is chosen.
    Where multicast is missing (a container or a network namespace with only loopback) that
    join fails with OSError 19 and no integration can make an HTTP request. Zeroconf never
    uses loopback, so with loopback alone it joins nothing and the session works everywhere;
    a Home Assistant that listens on 127.0.0.1 only has nothing to announce on a network anyway.
    Only while Home Assistant is stopped, and only if no choice was saved before.
    """
    if not (config_dir / ".storage" / "core.network").exists():
        _write_store(config_dir, "core.network", 1, {"configured_adapters": ["lo"]})


def _write_store(config_dir: Path, key: str, version: int, data: object) -> None:
    """Write one of Home Assistant's `.storage` files as Home Assistant itself would."""
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    (storage / key).write_text(
        json.dumps(
            {"version": version, "minor_version": 1, "key": key, "data": data},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


# Home Assistant's text-to-speech, always set up, depends on its FFmpeg integration, which logs
# an error at start when the machine has no `ffmpeg` program. Nothing offline mode runs uses it.
OFFLINE_LOGS = "    haffmpeg: critical\n"

# Log records that come from the environment, not from the integrations under test: base
# platforms that Home Assistant always sets up, whose Python requirement is not installed (it
# cannot be, at run time, without internet: we run with --skip-pip), and the flows onboarding
# starts for met, google_translate, radio_browser (their packages are not installed either).
#
# e.g. "Setup failed for 'camera': Unable to import component: No module named 'turbojpeg'",
# explained by the environment unless the domain is a custom integration (one under test).
SETUP_FAILED = re.compile(
    r"^\S+ \S+ ERROR \(MainThread\) \[homeassistant\.setup\] "
    r"(Setup failed for|Unable to set up dependencies of) '(?P<domain>\w+)'"
)
KNOWN_ENVIRONMENT_ERRORS = (
    # The flows the onboarding core-config step starts for met, google_translate, radio_browser.
    re.compile(
        r"^\S+ \S+ ERROR \(MainThread\) \[homeassistant\.components\.(met|google_translate|radio_browser)\] "
        r"Error occurred loading flow for integration \1: No module named"
    ),
    re.compile(
        r"^\S+ \S+ ERROR \(MainThread\) \[homeassistant\.config_entries\] "
        r"Error setting up entry Google Translate text-to-speech for google_translate"
    ),
    # With the packages of those base platforms installed, what the system still lacks.
    re.compile(
        r"^\S+ \S+ ERROR \(\w+\) \[homeassistant\.components\.camera\.img_util\] "
        r"Error loading libturbojpeg"
    ),
    re.compile(r"^\S+ \S+ ERROR \(MainThread\) \[haffmpeg\.core\] FFmpeg fails"),
    re.compile(
        r"^\S+ \S+ ERROR \(MainThread\) \[homeassistant\] Error doing job: Task exception was never retrieved"
        r"(?s:.*)/homeassistant/components/(met|google_translate|radio_browser)/"
        r"(?s:.*)ModuleNotFoundError(?s:.*)data_entry_flow\.UnknownHandler\s*$"
    ),
)
CUSTOM_INTEGRATION_WARNING = re.compile(
    r"\[homeassistant\.loader\] We found a custom integration \w+ which has not been tested"
)
# The timestamp has a UTC offset since Home Assistant 2026.11 ("2026-11-30 11:11:15.755+00:00"),
# none before ("2026-10-30 11:11:15.755"). A record that does not match is not seen as a record
# at all, and would escape every check below.
_RECORD_START = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+(?:[+-]\d\d:\d\d)? (?P<level>[A-Z]+) "
)
# Home Assistant's package installer logs under homeassistant.util.package / .requirements.
INSTALL_ATTEMPT = re.compile(
    r"\[homeassistant\.(util\.package|requirements)\]|Attempting install|Unable to install"
)


def log_records(text: str) -> list[tuple[str, str]]:
    """Split a Home Assistant log into (level, record) pairs; tracebacks stay with their record."""
    records: list[tuple[str, str]] = []
    for line in text.splitlines():
        if match := _RECORD_START.match(line):
            records.append((match["level"], line))
        elif records:
            level, record = records[-1]
            records[-1] = (level, f"{record}\n{line}")
        else:
            records.append(("OUTPUT", line))
    return records


@dataclass
class HomeAssistant:
    """A real `python -m homeassistant` process with its own configuration folder."""

    config_dir: Path
    port: int = 0
    log_default: str = "warning"
    # Loggers at debug level; the default is every custom integration's, as tests want it.
    debug_loggers: tuple[str, ...] = ("custom_components",)
    # Set up only what works without the internet and without programs the machine lacks (what
    # the demo wants), even without multicast: see write_onboarding_store, write_network_store
    # and OFFLINE_LOGS.
    offline: bool = False
    # More integrations to set up than the defaults (e.g. "logbook", with the recorder it needs).
    integrations: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    starts: int = 0
    start_durations: list[float] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        """The URL of Home Assistant."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def log_path(self) -> Path:
        """Output of the current (or last) run."""
        return self.logs[-1]

    def write_configuration(self) -> None:
        """Write configuration.yaml, the HTTP settings (the port may change), automations.yaml."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION_YAML.format(
                log_default=self.log_default,
                debug_logs="".join(
                    f"    {logger}: debug\n" for logger in self.debug_loggers
                ),
                offline_logs=OFFLINE_LOGS if self.offline else "",
                integrations="".join(f"{domain}:\n" for domain in self.integrations),
            ),
            encoding="utf-8",
        )
        write_http_store(self.config_dir, self.port)
        storage = self.config_dir / ".storage"
        if self.offline and not any(
            (storage / name).exists() for name in ("onboarding", "auth")
        ):
            write_onboarding_store(self.config_dir)
        if self.offline:
            write_network_store(self.config_dir)
        automations = self.config_dir / "automations.yaml"
        if not automations.exists():
            automations.write_text("[]\n", encoding="utf-8")

    def start(self, timeout: float = 180) -> HomeAssistant:
        """Start Home Assistant and wait until its HTTP server and frontend answer.

        `--skip-pip`: nothing is ever installed at run time; every requirement must already be in
        the environment. The user-facing readiness check is `/manifest.json` (the frontend).
        Once logged in, `Client.wait_running()` waits for the core to finish starting.
        """
        if not self.port:
            self.port = free_port()
        self.write_configuration()
        self.starts += 1
        # Numbered on from the runs of earlier processes on this folder (a demo run again).
        self.logs.append(
            self.config_dir
            / f"hass-run{len(list(self.config_dir.glob('hass-run*.log'))) + 1}.log"
        )
        began = time.monotonic()
        self.proc = spawn(
            [
                sys.executable,
                # Every Python warning once per place, deprecations included (Python hides them
                # by default); Home Assistant logs them (py.warnings), so a deprecation the
                # integration triggers fails the checks on records_about(DOMAIN).
                "-W",
                "default",
                "-m",
                "homeassistant",
                "--config",
                str(self.config_dir),
                "--skip-pip",
                "--log-no-color",
                "--log-file",
                str(self.config_dir / "home-assistant.log"),
            ],
            self.log_path,
            # Home Assistant mounts its folder only while it lists custom integrations: the
            # repository's, on the path for good, would then hide those of the folder.
            python_path=[self.config_dir],
        )
        wait_http(f"{self.base_url}/manifest.json", self.proc, self.log_path, timeout)
        self.start_durations.append(time.monotonic() - began)
        return self

    def stop(self, timeout: float = 60) -> int | None:
        """Stop Home Assistant the way a service manager does: SIGTERM, then SIGKILL."""
        code = terminate(self.proc, timeout)
        self.proc = None
        return code

    def restart(self, timeout: float = 180) -> HomeAssistant:
        """Stop and start again on the same configuration folder (and port)."""
        code = self.stop()
        if code != 0:
            raise HassTestbedError(
                f"Home Assistant exited with {code}\n{tail(self.log_path)}"
            )
        return self.start(timeout)

    def log_text(self) -> str:
        """Everything every run of this instance logged."""
        return "\n".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in self.logs
            if path.exists()
        )

    def records(self) -> list[tuple[str, str]]:
        """Return the (level, record) pairs of every run, checked to be records at all.

        Each run logs records at every start (the http server, the custom integration warning);
        a log in which none is recognised means its format changed, and every check built on
        records would pass without looking.
        """
        records = log_records(self.log_text())
        if self.logs and all(level == "OUTPUT" for level, _ in records):
            raise HassTestbedError(
                "no log record recognised; has Home Assistant's log format changed?\n"
                f"{tail(self.log_path)}"
            )
        return records

    def unexpected_problems(self) -> list[str]:
        """ERROR/CRITICAL records not explained by the environment, and any install attempt."""
        problems = []
        for level, record in self.records():
            installs = INSTALL_ATTEMPT.search(record.splitlines()[0])
            unexplained = level in (
                "ERROR",
                "CRITICAL",
            ) and not self._explained_by_environment(record)
            if installs or unexplained:
                problems.append(record)
        return problems

    def _explained_by_environment(self, record: str) -> bool:
        if match := SETUP_FAILED.search(record):
            return match["domain"] not in self.custom_integrations()
        return any(known.search(record) for known in KNOWN_ENVIRONMENT_ERRORS)

    def custom_integrations(self) -> set[str]:
        """Domains of the custom integrations this Home Assistant loads: they are under test."""
        return {
            manifest.parent.name
            for folder in (REPO_ROOT, self.config_dir)
            for manifest in (folder / "custom_components").glob("*/manifest.json")
        }

    def resident_memory(self) -> int:
        """Resident memory of the running process, in bytes (VmRSS)."""
        if self.proc is None:
            raise HassTestbedError("Home Assistant is not running")
        status = Path(f"/proc/{self.proc.pid}/status").read_text(encoding="ascii")
        (line,) = (line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024

    def records_about(
        self,
        needle: str,
        levels: frozenset[str] = frozenset({"WARNING", "ERROR", "CRITICAL"}),
    ) -> list[str]:
        """Return the records at `levels` that mention `needle` (e.g. an integration's domain).

        Leaves out the warning Home Assistant logs for every custom integration at each start.
        """
        return [
            record
            for level, record in self.records()
            if level in levels
            and needle in record
            and not CUSTOM_INTEGRATION_WARNING.search(record)
        ]
