"""The README works where HACS shows it, and every link of the documentation leads somewhere.

HACS shows README.md inside Home Assistant, where a relative link or image (and an anchor of the
page) leads nowhere: the README's links are absolute, all built from the repository's URL that
the manifest's `documentation` gives, and each one names a file that exists in this tree. The
other Markdown files are read on GitHub or in a clone, where relative links work: those must
lead to an existing file and heading.
"""

from __future__ import annotations

import json
from pathlib import Path
import re

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads(
    (REPO_ROOT / "custom_components/ovh_http2sms/manifest.json").read_text(
        encoding="utf-8"
    )
)
BASE = MANIFEST["documentation"]
BRANCH = "main"
SKIPPED_FOLDERS = {".git", "artifacts", ".demo", "config", ".venv"}


def _links(markdown: str) -> list[str]:
    """Every link and image target of a Markdown text, code blocks and code spans aside."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    targets = re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text)
    targets += re.findall(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$", text, re.MULTILINE)
    targets += re.findall(r"<(?:img|a)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", text)
    return targets


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.replace("`", ""))
    text = re.sub(r"<[^>]+>", "", text.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if in_code or not heading:
            continue
        slug = _slug(heading.group(1))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def _leads_somewhere(path: Path, fragment: str) -> bool:
    if not path.exists():
        return False
    if fragment and path.suffix == ".md":
        return fragment in _anchors(path)
    return True


def _markdown_files() -> list[Path]:
    return sorted(
        path
        for path in REPO_ROOT.rglob("*.md")
        if not SKIPPED_FOLDERS & set(path.relative_to(REPO_ROOT).parts)
    )


def _in_repository(url: str) -> tuple[Path, str] | None:
    """The file of this tree an absolute link names, and its anchor; None if it names none."""
    address, _, fragment = url.partition("#")
    if address in (BASE, f"{BASE}/"):
        return REPO_ROOT / "README.md", fragment
    for kind in ("blob", "raw", "tree"):
        prefix = f"{BASE}/{kind}/{BRANCH}/"
        if address.startswith(prefix):
            path = REPO_ROOT / address.removeprefix(prefix).split("?", 1)[0]
            if (kind == "tree") != path.is_dir():
                return None
            return path, fragment
    return None


def test_the_base_is_a_github_repository() -> None:
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", BASE), BASE
    assert MANIFEST["issue_tracker"] == f"{BASE}/issues"


def test_the_readme_has_no_relative_link_or_image() -> None:
    """In HACS's panel a relative link, an image or a #heading of the page leads nowhere."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    relative = [
        target
        for target in _links(readme)
        if not re.match(r"^(https://|mailto:)", target)
    ]
    assert relative == []


def test_the_readme_links_into_the_repository_lead_to_its_files() -> None:
    """One base for every link into the repository, each to a file (and heading) of this tree."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    # The README links to no other GitHub repository: a GitHub link that is not built from the
    # base is one a fork forgot to change.
    into_repository = [
        target
        for target in _links(readme)
        if re.match(
            r"^https://([\w-]+\.)?(github\.com|githubusercontent\.com)/", target
        )
    ]
    assert into_repository, "the README links to nothing of the repository"
    broken = []
    for target in into_repository:
        if target == MANIFEST["issue_tracker"]:
            continue
        named = _in_repository(target)
        if named is None or not _leads_somewhere(*named):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize(
    "markdown",
    [path for path in _markdown_files() if path != REPO_ROOT / "README.md"],
    ids=lambda path: path.relative_to(REPO_ROOT).as_posix(),
)
def test_relative_links_lead_to_a_file_and_heading(markdown: Path) -> None:
    broken = []
    for target in _links(markdown.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        address, _, fragment = target.partition("#")
        path = (markdown.parent / address).resolve() if address else markdown
        if not _leads_somewhere(path, fragment):
            broken.append(target)
    assert broken == []
