"""What a translation still needs, and a way to merge the translated texts back in.

    python3 scripts/translations_todo.py
        For every translations/<language>.json: keys missing, keys no longer in en.json, and
        keys whose English text changed since the language file was last committed.
    python3 scripts/translations_todo.py es > es-todo.json
        The texts Spanish needs, as a JSON tree of the English texts: translate the values.
    python3 scripts/translations_todo.py es --merge es-todo.json
        Writes es.json in en.json's order (only when a text changes): the translated texts, the texts strings.json shares by
        reference (taken from es.json's own translation of the source key), nothing en.json
        no longer has. Then run the translation tests.

Any Python 3.10 or later will do, no package needed. Changed English texts are found with git,
which `scripts/run` does not have: there the report says so and lists only missing keys.
Run scripts/translations.py first when strings.json changed: en.json is the reference.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import re
import shutil
import subprocess
import sys
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "ovh_http2sms"
TRANSLATIONS = INTEGRATION / "translations"
REFERENCE = re.compile(r"^\[%key:component::ovh_http2sms::([^%]+)%\]$")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def leaves(tree: dict[str, Any], path: str = "") -> dict[str, str]:
    """Every text of a tree by its dotted path."""
    found: dict[str, str] = {}
    for key, value in tree.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            found |= leaves(value, where)
        else:
            found[where] = str(value)
    return found


def tree(texts: dict[str, str]) -> dict[str, Any]:
    """Build the tree of dotted paths, in their order."""
    root: dict[str, Any] = {}
    for path, text in texts.items():
        node = root
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = text
    return root


def _git(*args: str) -> str | None:
    """Git's output, or None where git is missing (as inside scripts/run) or fails."""
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [git, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else None


def _committed_en(language_file: Path) -> dict[str, str] | None:
    """en.json as it was when the language file was last committed; None without git."""
    relative = language_file.relative_to(ROOT).as_posix()
    commit = _git("log", "-1", "--format=%H", "--", relative)
    if not commit or not commit.strip():
        return None
    en_file = (TRANSLATIONS / "en.json").relative_to(ROOT).as_posix()
    committed = _git("show", f"{commit.strip()}:{en_file}")
    return leaves(json.loads(committed)) if committed is not None else None


def _shared() -> dict[str, str]:
    """Texts strings.json shares by reference: dotted path -> dotted path of the source."""
    return {
        path: match.group(1).replace("::", ".")
        for path, text in leaves(_load(INTEGRATION / "strings.json")).items()
        if (match := REFERENCE.match(text))
    }


def todo(language: str) -> tuple[dict[str, str], list[str]]:
    """Return the English texts `language` needs translated, and its keys en.json lacks."""
    en = leaves(_load(TRANSLATIONS / "en.json"))
    path = TRANSLATIONS / f"{language}.json"
    have = leaves(_load(path)) if path.exists() else {}
    before = _committed_en(path) if path.exists() else {}
    if before is None:
        print(
            f"{language}: no git here, changed English texts not checked",
            file=sys.stderr,
        )
        before = {}
    shared = _shared()
    needed = {
        key: text
        for key, text in en.items()
        if key not in shared
        and (key not in have or (key in before and before[key] != text))
    }
    return needed, [key for key in have if key not in en]


def merge(language: str, translated: dict[str, Any]) -> list[str]:
    """Write `language`.json with the translated texts; return the keys still missing."""
    en = leaves(_load(TRANSLATIONS / "en.json"))
    path = TRANSLATIONS / f"{language}.json"
    before = leaves(_load(path)) if path.exists() else None
    texts = (before or {}) | leaves(translated)
    shared = _shared()
    for key, source in shared.items():
        if source in texts:
            texts[key] = texts[source]
    written = {key: texts[key] for key in en if key in texts}
    # Nothing changes: leave the file, and the translator's own key order, alone.
    if written == before:
        return [key for key in en if key not in written]
    path.write_text(
        json.dumps(tree(written), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [key for key in en if key not in written]


def main() -> int:
    """Report, print one language's to-do, or merge its translated texts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("language", nargs="?", help="e.g. es; all languages if omitted")
    parser.add_argument(
        "--merge", type=Path, help="a translated to-do file to merge in"
    )
    args = parser.parse_args()
    if args.merge:
        if not args.language:
            parser.error("--merge needs a language")
        missing = merge(args.language, _load(args.merge))
        for key in missing:
            print(f"still missing: {key}", file=sys.stderr)
        return 1 if missing else 0
    if args.language:
        needed, _ = todo(args.language)
        print(json.dumps(tree(needed), indent=2, ensure_ascii=False))
        return 0
    for path in sorted(TRANSLATIONS.glob("*.json")):
        if path.stem == "en":
            continue
        needed, extra = todo(path.stem)
        print(f"{path.stem}: {len(needed)} to translate, {len(extra)} to drop")
        for key in needed:
            print(f"  translate {key}")
        for key in extra:
            print(f"  drop      {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
