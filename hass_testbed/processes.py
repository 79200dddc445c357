"""Child processes of the testbed: started in their own group, never left behind."""

from __future__ import annotations

import atexit
from collections.abc import Sequence
import contextlib
import ipaddress
import os
from pathlib import Path
import signal
import socket
import subprocess
import time

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"

# Every process started here, so that an interpreter exit never leaves one behind.
_LIVE: set[subprocess.Popen[bytes]] = set()


class HassTestbedError(RuntimeError):
    """Something the testbed drives did not behave as expected."""


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def child_env(python_path: Sequence[Path] = ()) -> dict[str, str]:
    """Environment of a child: ours, with `python_path` and the repository root first on PYTHONPATH.

    With the root on the path, the repository's `custom_components` and top-level packages are
    imported from the working tree, without copying or linking anything.
    """
    env = dict(os.environ)
    paths = [
        *map(str, python_path),
        str(REPO_ROOT),
        *filter(None, env.get("PYTHONPATH", "").split(os.pathsep)),
    ]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def spawn(
    args: list[str], log_path: Path, python_path: Sequence[Path] = ()
) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, its output going to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - arguments built by the testbed
            args,
            cwd=REPO_ROOT,
            env=child_env(python_path),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _LIVE.add(proc)
    return proc


def terminate(proc: subprocess.Popen[bytes] | None, timeout: float) -> int | None:
    """SIGTERM the child, wait, then SIGKILL its whole process group. Return its exit code.

    None, for a child never started or already stopped, is left alone.
    """
    if proc is None:
        return None
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
        terminate(proc, 5)


def wait_http(
    url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    """Poll `url` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HassTestbedError(
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
    raise HassTestbedError(
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
