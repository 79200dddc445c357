"""The demo where multicast is missing: a network namespace with only loopback.

Home Assistant's HTTP session resolves names with zeroconf, which must join a multicast group;
with only loopback that fails (OSError 19). The demo then stops with one sentence that names
the cause and Home Assistant's log, not a dump of the account flow's last answer.
"""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

REPO_ROOT = Path(__file__).resolve().parents[2]

# Run in a child process: it moves into a new network namespace (root only), brings loopback
# up, as `unshare --net` then `ip link set lo up` would, then runs the demo's set-up there.
CHILD = r"""
import fcntl, os, socket, struct, sys
from pathlib import Path

os.unshare(os.CLONE_NEWNET)
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
    request = struct.pack("16sH14s", b"lo", 0, b"")
    flags = struct.unpack("16sH14s", fcntl.ioctl(sock, 0x8913, request))[1]
    fcntl.ioctl(sock, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b""))

from demo.__main__ import Demo

demo = Demo(Path(sys.argv[1]), ha_port=0, simulator_port=0)
sys.exit(demo.run(wait=False))
"""


@pytest.mark.skipif(
    os.geteuid() != 0, reason="a network namespace needs root (unshare --net)"
)
def test_the_demo_without_multicast_works_or_says_why_in_one_sentence(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Only loopback: the demo sets itself up, or stops with one sentence naming the log."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "demo")],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    output = done.stdout.strip().splitlines()
    if done.returncode == 0:
        assert any("Home Assistant:" in line for line in output), done.stdout
        return
    last = output[-2] if output[-1].startswith("Stopped") else output[-1]
    assert done.returncode == 1, done.stdout + done.stderr
    assert last.startswith("The demo cannot run here: "), done.stdout
    assert "multicast" in last
    # Home Assistant's output, which the banner of a demo that works names too.
    assert f"see {tmp_path / 'demo' / 'homeassistant' / 'hass-run1.log'}." in last
    # One sentence: no dump of the flow's answer before it.
    assert not any(line.lstrip().startswith(("{", '"')) for line in output), done.stdout
