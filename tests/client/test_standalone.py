"""The http2sms client imports without Home Assistant, so it can be published on its own."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

INTEGRATION_DIR = (
    Path(__file__).resolve().parents[2] / "custom_components" / "ovh_http2sms"
)

# Runs in a fresh interpreter where only the integration's folder is importable from the
# repository: `http2sms` is then a top-level package and nothing can reach it through
# custom_components/ovh_http2sms/__init__.py (which imports Home Assistant).
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import http2sms
from http2sms import Credentials, Http2SmsClient, SmsRequest, parse_reply
reply = parse_reply('{"status":100,"creditLeft":"1007","SmsIds":["10867690"]}')
request = SmsRequest(recipients=("0033612345678",), message="Hi", sender="HomeAssist")
print(json.dumps({
    "file": http2sms.__file__,
    "ha": sorted(name for name in sys.modules if name.split(".")[0] == "homeassistant"),
    "custom_components": sorted(
        name for name in sys.modules if name.split(".")[0] == "custom_components"
    ),
    "ids": list(reply.sms_ids),
    "exports": sorted(http2sms.__all__),
}))
"""


def test_client_imports_without_home_assistant() -> None:
    """The client loads as a package of its own, with no Home Assistant module."""
    completed = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(INTEGRATION_DIR)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=INTEGRATION_DIR,
    )

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert (
        Path(result["file"]).resolve() == INTEGRATION_DIR / "http2sms" / "__init__.py"
    )
    assert result["ha"] == []
    assert result["custom_components"] == []
    assert result["ids"] == ["10867690"]
    assert "Http2SmsClient" in result["exports"]
