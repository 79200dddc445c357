"""The ledger imports without Home Assistant and without the rest of the integration."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

INTEGRATION_DIR = (
    Path(__file__).resolve().parents[2] / "custom_components" / "ovh_http2sms"
)

# A fresh interpreter where only the integration's folder is importable: `ledger` is a
# top-level module there, and any import of a sibling module or of Home Assistant shows.
PROBE = """
import json, sys
from datetime import UTC, datetime, timedelta
sys.path.insert(0, sys.argv[1])
before = set(sys.modules)
import ledger
now = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
book = ledger.Ledger()
who = ledger.Recipient("0033612345678", None, ledger.sms_identity(
    "0033612345678", "Hi", planned_for=None, flash=False))
book.admit(entry_id="e", recipients=[who], parts=1, encoding="gsm7", planned_for=None,
    tag=None, now=now, repeat_window=timedelta(minutes=2), allow_repeat=False, budget=0,
    day=(now - timedelta(hours=10), now + timedelta(hours=14))).accepted([who.number], [], now)
print(json.dumps({
    "file": ledger.__file__,
    "new": sorted(name.split(".")[0] for name in set(sys.modules) - before),
    "spent": book.spent_in(now - timedelta(hours=1), now + timedelta(hours=1)),
}))
"""


def test_the_ledger_imports_only_the_standard_library() -> None:
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
    assert Path(result["file"]).resolve() == INTEGRATION_DIR / "ledger.py"
    assert result["spent"] == 1
    siblings = {path.stem for path in INTEGRATION_DIR.iterdir()}
    assert not (set(result["new"]) & (siblings - {"ledger"}))
    assert not {"homeassistant", "custom_components"} & set(result["new"])
    assert set(result["new"]) <= set(sys.stdlib_module_names) | {"ledger"}
