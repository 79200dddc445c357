"""`.ci/run` runs the two test commands and vouches only for the clean commit they passed on.

scripts/release tags a commit only when artifacts/ci-passed names it. Each test runs the real
.ci/run in a throwaway repository whose scripts/test is a stand-in that records its arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
import shutil
import subprocess

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "CI Test",
    "GIT_AUTHOR_EMAIL": "ci@example.invalid",
    "GIT_COMMITTER_NAME": "CI Test",
    "GIT_COMMITTER_EMAIL": "ci@example.invalid",
}
pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed in this environment"
)
# The stand-in for scripts/test: logs its arguments, fails when told to, and can change a
# tracked file while it runs.
STAND_IN = """#!/usr/bin/env bash
echo "scripts/test $*" >>"$CI_LOG"
if [ -n "${CI_TOUCH:-}" ]; then echo changed >>"$CI_TOUCH"; fi
if [ "${CI_FAIL-unset}" = "$*" ]; then exit 1; fi
"""


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=root,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".ci").mkdir(parents=True)
    (root / "scripts").mkdir()
    shutil.copy(REPO_ROOT / ".ci" / "run", root / ".ci" / "run")
    stand_in = root / "scripts" / "test"
    stand_in.write_text(STAND_IN, encoding="utf-8")
    stand_in.chmod(0o755)
    (root / ".gitignore").write_text("artifacts/\n", encoding="utf-8")
    (root / "README.md").write_text("Hello.\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "candidate")
    return root


def _ci(repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", ".ci/run"],
        cwd=repo,
        env={**os.environ, "CI_LOG": str(repo.parent / "ci.log"), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _marker(repo: Path) -> Path:
    return repo / "artifacts" / "ci-passed"


def test_a_green_run_on_a_clean_commit_names_it(repo: Path) -> None:
    result = _ci(repo)
    assert result.returncode == 0, result.stderr
    assert (repo.parent / "ci.log").read_text().splitlines() == [
        "scripts/test ",
        "scripts/test --newest",
    ]
    assert _marker(repo).read_text().strip() == _git(repo, "rev-parse", "HEAD")


@pytest.mark.parametrize("failing", ["", "--newest"])
def test_a_red_run_leaves_no_marker(repo: Path, failing: str) -> None:
    """Not even the marker of an earlier green run on this commit."""
    assert _ci(repo).returncode == 0
    assert _marker(repo).exists()
    result = _ci(repo, CI_FAIL=failing)
    assert result.returncode != 0
    assert not _marker(repo).exists()


def test_a_dirty_tree_is_never_vouched_for(repo: Path) -> None:
    (repo / "README.md").write_text("Uncommitted.\n", encoding="utf-8")
    assert _ci(repo).returncode == 0
    assert not _marker(repo).exists()


def test_a_tree_changed_during_the_run_is_not_vouched_for(repo: Path) -> None:
    """What was tested is no longer what is checked out."""
    assert _ci(repo, CI_TOUCH=str(repo / "README.md")).returncode == 0
    assert not _marker(repo).exists()
