"""`scripts/translations_todo.py LANGUAGE --merge FILE` changes a language file only to add texts."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EN = {"config": {"step": {"user": {"title": "Account", "description": "Your account"}}}}
# A translator's file, its keys in another order than en.json's.
ES_FILE = (
    '{\n  "config": {\n    "step": {\n      "user": {\n'
    '        "description": "Tu cuenta",\n        "title": "Cuenta"\n'
    "      }\n    }\n  }\n}\n"
)


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(
        REPO_ROOT / "scripts" / "translations_todo.py",
        tmp_path / "scripts" / "translations_todo.py",
    )
    folder = tmp_path / "custom_components" / "ovh_http2sms" / "translations"
    folder.mkdir(parents=True)
    (folder.parent / "strings.json").write_text(json.dumps(EN), encoding="utf-8")
    (folder / "en.json").write_text(json.dumps(EN, indent=2) + "\n", encoding="utf-8")
    (folder / "es.json").write_text(ES_FILE, encoding="utf-8")
    return folder


def _merge(root: Path, todo: object) -> subprocess.CompletedProcess[str]:
    (root / "todo.json").write_text(json.dumps(todo), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "scripts/translations_todo.py", "es", "--merge", "todo.json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_empty_todo_leaves_the_file_as_it_is(translations: Path) -> None:
    """Nothing to merge: no rewrite, no reordered keys in the translator's diff."""
    result = _merge(translations.parents[2], {})
    assert result.returncode == 0, result.stderr
    assert (translations / "es.json").read_text(encoding="utf-8") == ES_FILE


def test_a_translated_text_is_merged(translations: Path) -> None:
    result = _merge(
        translations.parents[2],
        {"config": {"step": {"user": {"title": "Cuenta SMS"}}}},
    )
    assert result.returncode == 0, result.stderr
    merged = json.loads((translations / "es.json").read_text(encoding="utf-8"))
    assert merged["config"]["step"]["user"] == {
        "title": "Cuenta SMS",
        "description": "Tu cuenta",
    }
