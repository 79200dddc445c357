"""Run a real Home Assistant process and the http2sms simulator, and drive them over HTTP.

This module is shared by the end-to-end tests (`tests/e2e`) and by `scripts/demo`: the demo
configures Home Assistant through exactly the same calls as the tests, which are the calls the
frontend makes (onboarding, login, config flows, subentry flows, the automation editor, the
dashboard editor).

It is synchronous on purpose: everything runs in subprocesses, the test process only talks HTTP
(`requests`) and, for the few WebSocket-only commands, opens a short-lived aiohttp connection on a
private event loop that is closed before returning. Nothing lingers in the test process.

Nothing here imports `homeassistant`: the harness only sees Home Assistant from the outside.
"""

from __future__ import annotations

import asyncio
import atexit
from collections.abc import Mapping
import contextlib
from dataclasses import dataclass, field
import ipaddress
import json
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import aiohttp
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "ovh_http2sms"
LOOPBACK = "127.0.0.1"

# What the simulator accepts when started without options (see http2sms_simulator).
SIMULATOR_ACCOUNT = "sms-ab1234-1"
SIMULATOR_LOGIN = "homeassistant"
SIMULATOR_PASSWORD = "Secr3t42"
SIMULATOR_SENDER = "HomeAssist"
SIMULATOR_CREDIT = 100
SIMULATOR_PATH = "/cgi-bin/sms/http2sms.cgi"

# Every process started here, so that an interpreter exit never leaves one behind.
_LIVE: set[subprocess.Popen[bytes]] = set()


class HarnessError(RuntimeError):
    """Something the harness drives did not behave as expected."""


class FlowError(HarnessError):
    """A config flow did not end the way the caller asked."""

    def __init__(self, message: str, result: Mapping[str, Any]) -> None:
        """Keep the last flow result for the assertion message."""
        super().__init__(f"{message}: {json.dumps(result, indent=1, default=str)}")
        self.result = result


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _child_env() -> dict[str, str]:
    """Environment of a child: ours, plus the repository root first on PYTHONPATH.

    With the root on the path, `custom_components.ovh_http2sms` and `http2sms_simulator` are
    imported from the working tree, without copying or linking anything.
    """
    env = dict(os.environ)
    paths = [str(REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _spawn(args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, its output going to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            env=_child_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _LIVE.add(proc)
    return proc


def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """SIGTERM the child, wait, then SIGKILL its whole process group. Return its exit code."""
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        # Whatever the child left in its group goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    finally:
        _LIVE.discard(proc)
    return proc.returncode


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_LIVE):
        _terminate(proc, 5)


def _wait_http(
    url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    """Poll `url` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HarnessError(
                f"{proc.args!r} exited with {proc.returncode} before {url} answered\n"
                f"{tail(log_path)}"
            )
        try:
            response = requests.get(url, timeout=2)
        except requests.RequestException as err:
            last_error = err
        else:
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}"
        time.sleep(0.2)
    raise HarnessError(
        f"{url} did not answer within {timeout:.0f}s ({last_error})\n{tail(log_path)}"
    )


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port` (from /proc/net/tcp and tcp6)."""
    addresses = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, hex_port = local.partition(":")
                if (
                    state == "0A"
                    and int(hex_port, 16) == port
                    and len(address) == width
                ):
                    raw = bytes.fromhex(address)
                    # The kernel prints each 32-bit word in host (little-endian) order.
                    words = b"".join(
                        raw[i : i + 4][::-1] for i in range(0, len(raw), 4)
                    )
                    addresses.add(str(ipaddress.ip_address(words)))
    return addresses


def tail(path: Path, lines: int = 200) -> str:
    """Return the last lines of a log file, for failure messages."""
    if not path.exists():
        return f"(no {path})"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return f"--- last {min(lines, len(text))} lines of {path} ---\n" + "\n".join(
        text[-lines:]
    )


# --------------------------------------------------------------------------------------------
# The simulator
# --------------------------------------------------------------------------------------------


@dataclass
class Simulator:
    """The local http2sms simulator (`python -m http2sms_simulator`) as a subprocess."""

    workdir: Path
    port: int = 0
    initial_credit: int = SIMULATOR_CREDIT
    account: str = SIMULATOR_ACCOUNT
    login: str = SIMULATOR_LOGIN
    password: str = SIMULATOR_PASSWORD
    sender: str = SIMULATOR_SENDER
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        """Root of the simulator, where its outbox page is."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The http2sms URL to configure in Home Assistant."""
        return f"{self.base_url}{SIMULATOR_PATH}"

    def account_form(self) -> dict[str, str]:
        """The integration's account form filled as a user would for this simulator."""
        return {
            "account": self.account,
            "login": self.login,
            "password": self.password,
            "sender": self.sender,
            "endpoint": self.endpoint,
        }

    @property
    def log_path(self) -> Path:
        """Where the simulator's output goes."""
        return self.workdir / "simulator.log"

    def start(self, timeout: float = 30) -> Simulator:
        """Start the simulator and wait until its outbox answers."""
        if not self.port:
            self.port = free_port()
        self.proc = _spawn(
            [
                sys.executable,
                "-m",
                "http2sms_simulator",
                "--host",
                LOOPBACK,
                "--port",
                str(self.port),
                "--account",
                self.account,
                "--login",
                self.login,
                "--password",
                self.password,
                "--sender",
                self.sender,
                "--credit",
                str(self.initial_credit),
            ],
            self.log_path,
        )
        _wait_http(
            f"{self.base_url}/_simulator/outbox", self.proc, self.log_path, timeout
        )
        return self

    def stop(self, timeout: float = 10) -> int | None:
        """Stop the simulator (SIGTERM, then SIGKILL)."""
        if self.proc is None:
            return None
        code = _terminate(self.proc, timeout)
        self.proc = None
        return code

    def outbox(self) -> list[dict[str, Any]]:
        """Every SMS the simulator accepted, oldest first."""
        response = requests.get(f"{self.base_url}/_simulator/outbox", timeout=10)
        response.raise_for_status()
        data = response.json()
        return list(data["messages"] if isinstance(data, dict) else data)

    def credit(self) -> float:
        """The credit left on the simulator's account, as a number."""
        response = requests.get(f"{self.base_url}/_simulator/accounts", timeout=10)
        response.raise_for_status()
        for account in response.json():
            if account["name"] == self.account:
                return float(account["credit"])
        raise HarnessError(
            f"the simulator has no account {self.account}: {response.text}"
        )

    def set_credit(self, credit: float | str) -> None:
        """Change the credit left on the simulator's account."""
        response = requests.post(
            f"{self.base_url}/_simulator/credit",
            json={"account": self.account, "credit": str(credit)},
            timeout=10,
        )
        response.raise_for_status()

    def requests_log(self) -> list[dict[str, Any]]:
        """Every request the simulator received."""
        response = requests.get(f"{self.base_url}/_simulator/requests", timeout=10)
        response.raise_for_status()
        data = response.json()
        return list(data["requests"] if isinstance(data, dict) else data)


# --------------------------------------------------------------------------------------------
# Home Assistant
# --------------------------------------------------------------------------------------------

CONFIGURATION_YAML = """\
# Written by tests/e2e/harness.py. Home Assistant 2026.10 always sets up its default integrations
# (frontend, onboarding, auth, api, websocket_api, config, person, lovelace, automation, script,
# ...), so this file only says what differs from the defaults.
#
# No `http:` here: since 2026.10 Home Assistant moves it to .storage/http once, as a "pending" trial
# that reverts (to every interface, port 8123) and restarts after 5 minutes unless confirmed in the
# UI, then ignores it with a repair issue. The harness writes .storage/http instead (see
# write_http_store): loopback only, from the first start.
logger:
  default: {log_default}
  logs:
    homeassistant.components.http.server: info
    homeassistant.components.http.config: info
    homeassistant.bootstrap: info
    custom_components.{domain}: debug
    http2sms_simulator: debug
# The automation editor (POST /api/config/automation/config/<id>) writes automations.yaml.
automation: !include automations.yaml
"""


def write_http_store(config_dir: Path, port: int) -> None:
    """Make Home Assistant listen on 127.0.0.1:`port` only, as its confirmed HTTP configuration.

    Written in the storage format of releases before 2026.10 (version 1: the plain `http`
    settings), which Home Assistant itself migrates on load into its confirmed ("stable") slot,
    filling every other setting with its defaults. Only while Home Assistant is stopped.
    """
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    (storage / "http").write_text(
        json.dumps(
            {
                "version": 1,
                "minor_version": 1,
                "key": "http",
                "data": {"server_host": [LOOPBACK], "server_port": port},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


# Log records that come from the environment, not from this project: base platforms that
# Home Assistant always sets up, whose Python requirement is not installed (it cannot be, at run
# time, without internet: we run with --skip-pip), and the flows onboarding starts for met,
# google_translate, radio_browser (their packages are not installed either).
KNOWN_ENVIRONMENT_ERRORS = (
    # e.g. "Setup failed for 'camera': Unable to import component: No module named 'turbojpeg'"
    re.compile(
        r"^\S+ \S+ ERROR \(MainThread\) \[homeassistant\.setup\] "
        r"(Setup failed for|Unable to set up dependencies of) '(?!ovh_http2sms')"
    ),
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
            CONFIGURATION_YAML.format(domain=DOMAIN, log_default=self.log_default),
            encoding="utf-8",
        )
        write_http_store(self.config_dir, self.port)
        automations = self.config_dir / "automations.yaml"
        if not automations.exists():
            automations.write_text("[]\n", encoding="utf-8")

    def start(self, timeout: float = 180) -> HomeAssistant:
        """Start Home Assistant and wait until its HTTP server and frontend answer.

        `--skip-pip`: nothing is ever installed at run time; every requirement must already be in
        the environment. The user-facing readiness check is `/manifest.json` (the frontend).
        Once logged in, `Client.wait_running()` waits for the core to finish starting.

        `-W default` shows every Python warning once per place, deprecations included, which
        Python hides by default; Home Assistant logs them (`py.warnings`), so a deprecation the
        integration triggers fails the tests that check `records_about(DOMAIN)`.
        """
        if not self.port:
            self.port = free_port()
        self.write_configuration()
        self.starts += 1
        self.logs.append(self.config_dir / f"hass-run{self.starts}.log")
        began = time.monotonic()
        self.proc = _spawn(
            [
                sys.executable,
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
        )
        _wait_http(f"{self.base_url}/manifest.json", self.proc, self.log_path, timeout)
        self.start_durations.append(time.monotonic() - began)
        return self

    def stop(self, timeout: float = 60) -> int | None:
        """Stop Home Assistant the way a service manager does: SIGTERM, then SIGKILL."""
        if self.proc is None:
            return None
        code = _terminate(self.proc, timeout)
        self.proc = None
        return code

    def restart(self, timeout: float = 180) -> HomeAssistant:
        """Stop and start again on the same configuration folder (and port)."""
        code = self.stop()
        if code != 0:
            raise HarnessError(
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
        """The (level, record) pairs of every run, checked to be records at all.

        Each run logs records at every start (the http server, the custom integration warning);
        a log in which none is recognised means its format changed, and every check built on
        records would pass without looking.
        """
        records = log_records(self.log_text())
        if self.logs and all(level == "OUTPUT" for level, _ in records):
            raise HarnessError(
                "no log record recognised; has Home Assistant's log format changed?\n"
                f"{tail(self.log_path)}"
            )
        return records

    def unexpected_problems(self) -> list[str]:
        """ERROR/CRITICAL records not explained by the environment, and any install attempt."""
        problems = []
        for level, record in self.records():
            installs = INSTALL_ATTEMPT.search(record.splitlines()[0])
            unexplained = level in {"ERROR", "CRITICAL"} and not any(
                known.search(record) for known in KNOWN_ENVIRONMENT_ERRORS
            )
            if installs or unexplained:
                problems.append(record)
        return problems

    def records_about(
        self,
        needle: str,
        levels: frozenset[str] = frozenset({"WARNING", "ERROR", "CRITICAL"}),
    ) -> list[str]:
        """Records at `levels` that mention `needle` (e.g. the integration's domain).

        Leaves out the warning Home Assistant logs for every custom integration at each start.
        """
        return [
            record
            for level, record in self.records()
            if level in levels
            and needle in record
            and not CUSTOM_INTEGRATION_WARNING.search(record)
        ]


# --------------------------------------------------------------------------------------------
# Talking to Home Assistant
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The owner created at onboarding."""

    name: str
    username: str
    password: str
    language: str = "en"


# What the onboarding core-config page sends: Paris, metric, euro.
DEFAULT_CORE_CONFIG: dict[str, Any] = {
    "location_name": "Home",
    "latitude": 48.8566,
    "longitude": 2.3522,
    "elevation": 35,
    "unit_system": "metric",
    "time_zone": "Europe/Paris",
    "currency": "EUR",
    "country": "FR",
    "language": "en",
}


def client_id(base_url: str) -> str:
    """The OAuth client id the frontend uses: the URL it is served from."""
    return f"{base_url}/"


def redirect_uri(base_url: str) -> str:
    """The redirect URI the frontend uses."""
    return f"{base_url}/?auth_callback=1"


def onboarding_status(base_url: str) -> dict[str, bool]:
    """{step: done} from the public onboarding endpoint; {} once onboarded (it is gone then)."""
    response = requests.get(f"{base_url}/api/onboarding", timeout=10)
    if response.status_code == 404:
        return {}
    response.raise_for_status()
    return {step["step"]: step["done"] for step in response.json()}


def _exchange_code(base_url: str, code: str) -> dict[str, Any]:
    response = requests.post(
        f"{base_url}/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id(base_url),
        },
        timeout=10,
    )
    _raise_for(response)
    return dict(response.json())


def onboard(
    base_url: str, owner: Person, core_config: Mapping[str, Any] = DEFAULT_CORE_CONFIG
) -> Client:
    """Do every onboarding step the way the onboarding pages do, and return the owner's client.

    1. `POST /api/onboarding/users` creates the owner (and its person) and returns an auth code;
    2. `POST /auth/token` turns it into tokens;
    3. `config/core/update` (WebSocket) stores location, units, time zone, currency, country,
       then `POST /api/onboarding/core_config`;
    4. `POST /api/onboarding/analytics` (nothing is shared: analytics stay off);
    5. `POST /api/onboarding/integration` ends onboarding.
    """
    response = requests.post(
        f"{base_url}/api/onboarding/users",
        json={
            "client_id": client_id(base_url),
            "name": owner.name,
            "username": owner.username,
            "password": owner.password,
            "language": owner.language,
        },
        timeout=30,
    )
    _raise_for(response)
    tokens = _exchange_code(base_url, response.json()["auth_code"])
    client = Client(base_url, tokens["access_token"], tokens.get("refresh_token"))
    client.ws({"type": "config/core/update", **core_config})
    client.post("/api/onboarding/core_config", {})
    client.post("/api/onboarding/analytics", {})
    client.post(
        "/api/onboarding/integration",
        {"client_id": client_id(base_url), "redirect_uri": redirect_uri(base_url)},
    )
    status = onboarding_status(base_url)
    if status and not all(status.values()):
        raise HarnessError(f"onboarding not finished: {status}")
    return client


def login(base_url: str, username: str, password: str) -> Client:
    """Log in through the login flow of the login page, and return a client."""
    response = requests.post(
        f"{base_url}/auth/login_flow",
        json={
            "client_id": client_id(base_url),
            "handler": ["homeassistant", None],
            "redirect_uri": redirect_uri(base_url),
        },
        timeout=10,
    )
    _raise_for(response)
    flow_id = response.json()["flow_id"]
    response = requests.post(
        f"{base_url}/auth/login_flow/{flow_id}",
        json={
            "client_id": client_id(base_url),
            "username": username,
            "password": password,
        },
        timeout=30,
    )
    _raise_for(response)
    result = response.json()
    if result.get("type") != "create_entry":
        raise HarnessError(f"login refused: {result}")
    tokens = _exchange_code(base_url, result["result"])
    return Client(base_url, tokens["access_token"], tokens.get("refresh_token"))


def _raise_for(response: requests.Response) -> None:
    if response.status_code >= 400:
        raise HarnessError(
            f"{response.request.method} {response.url} -> {response.status_code}: {response.text}"
        )


def fill_form(
    schema: list[dict[str, Any]], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Put `values` where the form wants them, sections (`expandable`) included.

    A value the form has no field for is an error: the contract changed and the caller should know.
    """
    remaining = dict(values)

    def fill(fields: list[dict[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in fields:
            name = item["name"]
            if item.get("type") == "expandable":
                # The frontend always sends a section, empty when nothing in it was filled.
                data[name] = fill(item.get("schema", []))
            elif name in remaining:
                data[name] = remaining.pop(name)
        return data

    data = fill(schema)
    if remaining:
        names = [item["name"] for item in schema]
        raise HarnessError(
            f"the form has no field for {sorted(remaining)} (fields: {names})"
        )
    return data


# The frontend's first WebSocket commands include `get_services`, which imports every base entity
# platform (homeassistant/helpers/service.py, _base_components): ai_task, assist_satellite, camera...
# Without the packages below (requirements of those platforms, not of `homeassistant` itself) the
# command fails and the UI stays on "Loading...". pymicro-vad and pyspeex-noise build from source
# on Python 3.14 (they need g++); PyTurboJPEG wants the system's libturbojpeg. Their versions are
# those the Home Assistant release pins: requirements.txt, requirements_newest.txt.
UI_PACKAGES = (
    "hassil",
    "home-assistant-intents",
    "gazetteer-matcher",
    "PyTurboJPEG",
    "mutagen",
    "ha-ffmpeg",
    "pymicro-vad",
    "pyspeex-noise",
)


class Client:
    """An authenticated user of one Home Assistant, over REST and WebSocket."""

    def __init__(
        self, base_url: str, access_token: str, refresh_token: str | None = None
    ) -> None:
        """Keep the tokens; a 401 refreshes the access token once."""
        self.base_url = base_url
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.session = requests.Session()

    # -- REST -------------------------------------------------------------------------------

    def _refresh(self) -> bool:
        if not self.refresh_token:
            return False
        response = requests.post(
            f"{self.base_url}/auth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.refresh_token,
                "client_id": client_id(self.base_url),
            },
            timeout=10,
        )
        if response.status_code != 200:
            return False
        self.access_token = response.json()["access_token"]
        return True

    def request(
        self, method: str, path: str, payload: Any = None, *, timeout: float = 60
    ) -> Any:
        """Call the REST API, return the decoded JSON (or text), raise on HTTP errors."""
        for attempt in (1, 2):
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                json=payload,
                headers={"Authorization": f"Bearer {self.access_token}"},
                timeout=timeout,
            )
            if response.status_code == 401 and attempt == 1 and self._refresh():
                continue
            break
        _raise_for(response)
        if "json" in response.headers.get("Content-Type", ""):
            return response.json()
        return response.text

    def get(self, path: str) -> Any:
        """GET a REST path."""
        return self.request("GET", path)

    def post(self, path: str, payload: Any = None) -> Any:
        """POST a REST path."""
        return self.request("POST", path, payload)

    def wait_running(self, timeout: float = 180) -> None:
        """Wait until the core has finished starting (`/api/config` state RUNNING)."""
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            try:
                state = self.get("/api/config").get("state")
            except (HarnessError, requests.RequestException) as err:
                state = str(err)
            if state == "RUNNING":
                return
            time.sleep(0.25)
        raise HarnessError(
            f"Home Assistant did not reach RUNNING in {timeout:.0f}s (last: {state})"
        )

    # -- WebSocket --------------------------------------------------------------------------

    def ws(self, *messages: Mapping[str, Any], timeout: float = 60) -> Any:
        """Send WebSocket commands on a fresh connection; return the result (a list if many).

        A private event loop is created and closed here, so no task or thread outlives the call.
        """
        loop = asyncio.new_event_loop()
        try:
            results = loop.run_until_complete(
                asyncio.wait_for(self._ws(list(messages)), timeout)
            )
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
        return results[0] if len(results) == 1 else results

    async def _ws(self, messages: list[Mapping[str, Any]]) -> list[Any]:
        url = f"{self.base_url.replace('http', 'ws', 1)}/api/websocket"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as conn:
            hello = await conn.receive_json()
            if hello.get("type") != "auth_required":
                raise HarnessError(f"unexpected WebSocket greeting {hello}")
            await conn.send_json({"type": "auth", "access_token": self.access_token})
            auth = await conn.receive_json()
            if auth.get("type") != "auth_ok":
                raise HarnessError(f"WebSocket authentication failed: {auth}")
            results = []
            for number, message in enumerate(messages, start=1):
                await conn.send_json({**message, "id": number})
                while True:
                    reply = await conn.receive_json()
                    if reply.get("id") == number and reply.get("type") == "result":
                        break
                if not reply.get("success"):
                    raise HarnessError(
                        f"WebSocket {message.get('type')} failed: {reply.get('error')}"
                    )
                results.append(reply.get("result"))
            return results

    def frontend_problem(self) -> str | None:
        """Say why the UI cannot load (see UI_PACKAGES), or None when it can."""
        try:
            self.ws({"type": "get_services"})
        except HarnessError as err:
            return (
                f"{err}: the Home Assistant UI will stay on 'Loading...'. The environment "
                f"lacks packages of Home Assistant's base platforms: {', '.join(UI_PACKAGES)} "
                "(at the versions of requirements.txt or requirements_newest.txt)."
            )
        return None

    # -- Flows ------------------------------------------------------------------------------

    def _run_flow(
        self,
        init_path: str,
        step_path: str,
        init_payload: Mapping[str, Any],
        steps: Mapping[str, Mapping[str, Any]],
        default_step_values: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.post(init_path, dict(init_payload))
        seen: list[str] = []
        while result.get("type") in ("form", "menu"):
            step_id = result["step_id"]
            if result.get("errors"):
                raise FlowError(f"step {step_id!r} answered with errors", result)
            if result["type"] == "menu":
                # A menu takes the option given for it, else "finish" (the optional test SMS).
                choice = steps.get(step_id, {}).get("next_step_id", "finish")
                if choice not in result["menu_options"]:
                    raise FlowError(
                        f"menu {step_id!r} has no option {choice!r}", result
                    )
                seen.append(step_id)
                result = self.post(
                    f"{step_path}/{result['flow_id']}", {"next_step_id": choice}
                )
                continue
            if step_id in steps:
                values = steps[step_id]
            elif default_step_values is not None and not seen:
                values = default_step_values
            else:
                raise FlowError(f"no values for step {step_id!r}", result)
            if seen.count(step_id) > 2:
                raise FlowError(f"step {step_id!r} keeps coming back", result)
            seen.append(step_id)
            result = self.post(
                f"{step_path}/{result['flow_id']}",
                fill_form(result.get("data_schema") or [], values),
            )
        return result

    def config_flow(
        self,
        domain: str,
        values: Mapping[str, Any],
        *,
        steps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Add an integration like the "Add integration" dialog: returns the final flow result.

        `values` fill the first form; `steps` gives values for later steps by step id, and a
        menu's choice as `{"next_step_id": ...}`; a menu with no choice given takes "finish"
        (the optional test SMS is skipped).
        """
        return self._run_flow(
            "/api/config/config_entries/flow",
            "/api/config/config_entries/flow",
            {"handler": domain},
            steps or {},
            values,
        )

    def reconfigure_flow(
        self, domain: str, entry_id: str, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Reconfigure an entry like its "Reconfigure" menu item does."""
        return self._run_flow(
            "/api/config/config_entries/flow",
            "/api/config/config_entries/flow",
            {"handler": domain, "entry_id": entry_id},
            {},
            values,
        )

    def options_flow(self, entry_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Change an entry's options like its ⚙ ("Configure") button does.

        `values` fill the options form; what they leave out keeps the form's default.
        """
        return self._run_flow(
            "/api/config/config_entries/options/flow",
            "/api/config/config_entries/options/flow",
            {"handler": entry_id},
            {},
            values,
        )

    def subentry_flow(
        self,
        entry_id: str,
        subentry_type: str,
        values: Mapping[str, Any],
        *,
        steps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Add a subentry (e.g. a contact) like the "Add ..." button of the integration page."""
        return self._run_flow(
            "/api/config/config_entries/subentries/flow",
            "/api/config/config_entries/subentries/flow",
            {"handler": [entry_id, subentry_type]},
            steps or {},
            values,
        )

    def config_entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Config entries (of one domain)."""
        path = "/api/config/config_entries/entry"
        if domain:
            path += f"?domain={domain}"
        return list(self.get(path))

    def subentries(self, entry_id: str) -> list[dict[str, Any]]:
        """Subentries of a config entry."""
        return list(
            self.ws({"type": "config_entries/subentries/list", "entry_id": entry_id})
        )

    # -- Entities, states, actions ----------------------------------------------------------

    def entity_registry(self, platform: str | None = None) -> list[dict[str, Any]]:
        """Entity registry entries (of one integration)."""
        entries = self.ws({"type": "config/entity_registry/list"})
        return [e for e in entries if platform is None or e["platform"] == platform]

    def entity_ids(
        self,
        platform: str,
        domain: str,
        *,
        config_entry_id: str | None = None,
        config_subentry_id: str | None = None,
    ) -> list[str]:
        """Entity ids an integration registered in one entity domain (sensor, notify...)."""
        return sorted(
            entry["entity_id"]
            for entry in self.entity_registry(platform)
            if entry["entity_id"].startswith(f"{domain}.")
            and (
                config_entry_id is None
                or entry.get("config_entry_id") == config_entry_id
            )
            and (
                config_subentry_id is None
                or entry.get("config_subentry_id") == config_subentry_id
            )
        )

    def state(self, entity_id: str) -> dict[str, Any]:
        """The current state object of an entity."""
        return dict(self.get(f"/api/states/{entity_id}"))

    def states(self) -> list[dict[str, Any]]:
        """Every state."""
        return list(self.get("/api/states"))

    def call(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> Any:
        """Perform an action; with `return_response`, return its response."""
        path = f"/api/services/{domain}/{service}"
        if return_response:
            path += "?return_response"
        result = self.post(path, dict(data or {}))
        return result["service_response"] if return_response else result

    def wait_for_state(
        self, entity_id: str, predicate: Any, timeout: float = 30
    ) -> dict[str, Any]:
        """Poll until `predicate(state_object)` is true; return that state object."""
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | str = "never read"
        while time.monotonic() < deadline:
            try:
                last = self.state(entity_id)
            except HarnessError as err:
                last = str(err)
            else:
                if predicate(last):
                    return last
            time.sleep(0.2)
        raise HarnessError(f"{entity_id} never matched; last: {last}")

    # -- Automations and dashboards -------------------------------------------------------

    def save_automation(self, automation_id: str, config: Mapping[str, Any]) -> Any:
        """Create or replace an automation like the automation editor does."""
        return self.post(f"/api/config/automation/config/{automation_id}", dict(config))

    def save_dashboard(
        self, config: Mapping[str, Any], url_path: str | None = None
    ) -> Any:
        """Save a dashboard's configuration like the dashboard editor does."""
        message: dict[str, Any] = {
            "type": "lovelace/config/save",
            "config": dict(config),
        }
        if url_path:
            message["url_path"] = url_path
        return self.ws(message)

    def dashboard(self, url_path: str | None = None) -> Any:
        """Read a dashboard's configuration."""
        message: dict[str, Any] = {"type": "lovelace/config", "force": True}
        if url_path:
            message["url_path"] = url_path
        return self.ws(message)
