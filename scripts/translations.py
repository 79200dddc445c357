"""Write translations/en.json from strings.json, resolving the [%key:...%] references.

Home Assistant core resolves them at build time; a custom integration ships resolved files.
Run: scripts/run python scripts/translations.py (the tests fail when en.json is stale).
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

INTEGRATION = (
    Path(__file__).resolve().parent.parent / "custom_components" / "ovh_http2sms"
)
REFERENCE = re.compile(r"\[%key:component::ovh_http2sms::([^%]+)%\]")


def resolve(strings: dict[str, Any]) -> dict[str, Any]:
    """Return `strings` with every reference to another key of this integration replaced."""

    def lookup(path: str) -> str:
        node: Any = strings
        for part in path.split("::"):
            node = node[part]
        return resolve_value(node)

    def resolve_value(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: resolve_value(item) for key, item in value.items()}
        if isinstance(value, str):
            return REFERENCE.sub(lambda match: lookup(match.group(1)), value)
        return value

    resolved: dict[str, Any] = resolve_value(strings)
    return resolved


def main() -> None:
    """Write en.json."""
    strings = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
    target = INTEGRATION / "translations" / "en.json"
    target.write_text(
        json.dumps(resolve(strings), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
