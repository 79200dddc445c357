"""The manifest's version is the changelog's newest section, so HACS and users see one release."""

from __future__ import annotations

import json
from pathlib import Path
import re

REPO_ROOT = Path(__file__).resolve().parents[2]


def _sections() -> list[str]:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)


def test_changelog_head_is_the_manifest_version() -> None:
    manifest = json.loads(
        (REPO_ROOT / "custom_components/ovh_http2sms/manifest.json").read_text(
            encoding="utf-8"
        )
    )
    assert _sections()[0] == manifest["version"]


def test_versions_only_grow() -> None:
    """Newest first, each a MAJOR.MINOR.PATCH version, none twice."""
    versions = [tuple(int(part) for part in v.split(".")) for v in _sections()]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in _sections())
    assert versions == sorted(set(versions), reverse=True)
