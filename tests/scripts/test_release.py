"""`scripts/release VERSION` tags only a release whose changelog, manifest, hassfest and CI agree.

Each test runs the real script in a throwaway repository laid out like this one; hassfest is a
stand-in command (the script takes it from $HASSFEST), since what is tested is the script's
refusals, not hassfest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
import subprocess

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NEEDS_GIT = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed in this environment"
)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Release Test",
    "GIT_AUTHOR_EMAIL": "release@example.invalid",
    "GIT_COMMITTER_NAME": "Release Test",
    "GIT_COMMITTER_EMAIL": "release@example.invalid",
}
RELEASED = "## [0.2.0] - 2026-12-07\n\n### Added\n\n- One record of what was sent.\n"


def _changelog(head: str) -> str:
    return (
        "# Changelog\n\nIntro.\n\n"
        f"{head}\n"
        "## [0.1.0] - 2026-11-25\n\n### Added\n\n- The first release.\n"
    )


class Project:
    """A copy of the release script in a repository of its own, and the hassfest stand-in."""

    def __init__(self, root: Path, hassfest: Path) -> None:
        self.root = root
        self.hassfest = hassfest
        self.hassfest_ran = root.parent / "hassfest-ran"

    def write(self, *, manifest: str = "0.2.0", head: str = RELEASED) -> None:
        integration = self.root / "custom_components" / "ovh_http2sms"
        integration.mkdir(parents=True, exist_ok=True)
        (integration / "manifest.json").write_text(
            json.dumps({"domain": "ovh_http2sms", "version": manifest}, indent=2)
            + "\n",
            encoding="utf-8",
        )
        (integration / "strings.json").write_text("{}\n", encoding="utf-8")
        (self.root / "CHANGELOG.md").write_text(_changelog(head), encoding="utf-8")

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**os.environ, **GIT_IDENTITY},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def commit(self) -> None:
        self.git("init", "-q")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "release candidate")

    def ci_passed(self) -> None:
        """What .ci/run leaves when it passed on a clean checkout of this commit."""
        marker = self.root / "artifacts" / "ci-passed"
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(self.git("rev-parse", "HEAD"), encoding="utf-8")

    def release(
        self, version: str = "0.2.0", *, hassfest: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **GIT_IDENTITY, "HASSFEST": hassfest or str(self.hassfest)}
        return subprocess.run(
            ["bash", "scripts/release", version],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def tags(self) -> list[str]:
        return self.git("tag", "--list").split()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "scripts" / "release", root / "scripts" / "release")
    (root / ".gitignore").write_text("artifacts/\n", encoding="utf-8")
    hassfest = tmp_path / "hassfest"
    # Like the real one, it validates custom_components/ of the folder it is run from.
    hassfest.write_text(
        f'#!/bin/sh\ntouch "{tmp_path / "hassfest-ran"}"\n'
        "for needed in manifest.json strings.json; do\n"
        '  [ -f "custom_components/ovh_http2sms/$needed" ] || '
        '{ echo "$needed is missing"; echo "VERDICT: 1 errors"; exit 1; }\n'
        "done\n"
        'echo "VERDICT: clean"\n',
        encoding="utf-8",
    )
    hassfest.chmod(0o755)
    return Project(root, hassfest)


@pytest.mark.parametrize(
    ("manifest", "head", "version", "said"),
    [
        ("0.2.0", RELEASED.replace("0.2.0", "0.1.1"), "0.2.0", "0.1.1"),
        ("0.1.0", RELEASED, "0.2.0", "0.1.0"),
        ("0.2.0", RELEASED, "0.3.0", "0.3.0"),
        ("0.2.0", RELEASED.replace("2026-12-07", "Unreleased"), "0.2.0", "date"),
        (
            "0.2.0",
            RELEASED + "<!-- more entries -->\n",
            "0.2.0",
            "<!-- more entries -->",
        ),
    ],
    ids=[
        "changelog-behind",
        "manifest-behind",
        "argument-differs",
        "undated",
        "placeholder",
    ],
)
def test_refuses_when_changelog_manifest_and_version_disagree(
    project: Project, manifest: str, head: str, version: str, said: str
) -> None:
    """The changelog's head, the manifest and VERSION must be one release, dated and complete."""
    project.write(manifest=manifest, head=head)
    result = project.release(version)
    assert result.returncode != 0
    assert "release refused" in result.stderr
    assert said in result.stderr
    assert not project.hassfest_ran.exists()


def test_refuses_a_version_that_is_not_semantic(project: Project) -> None:
    project.write()
    result = project.release("v0.2")
    assert result.returncode != 0
    assert "MAJOR.MINOR.PATCH" in result.stderr


@NEEDS_GIT
@pytest.mark.parametrize(
    "change", ["modified", "untracked", "staged", "untracked-hidden-by-config"]
)
def test_refuses_a_dirty_tree(project: Project, change: str) -> None:
    """A tag names a commit: what is not committed would not be in the release.

    Whatever the user's git configuration hides from `git status`.
    """
    project.write()
    project.commit()
    project.ci_passed()
    if change == "untracked-hidden-by-config":
        project.git("config", "status.showUntrackedFiles", "no")
        (project.root / "custom_components" / "ovh_http2sms" / "new.py").write_text(
            "DRAFT = 1\n", encoding="utf-8"
        )
    elif change == "modified":
        (project.root / "CHANGELOG.md").write_text(
            _changelog(RELEASED + "- More.\n"), encoding="utf-8"
        )
    elif change == "untracked":
        (project.root / "notes.txt").write_text("draft\n", encoding="utf-8")
    else:
        (project.root / "notes.txt").write_text("draft\n", encoding="utf-8")
        project.git("add", "notes.txt")
    result = project.release()
    assert result.returncode != 0
    assert "not committed" in result.stderr
    assert project.tags() == []
    assert not project.hassfest_ran.exists()


@NEEDS_GIT
def test_refuses_without_green_ci_on_this_commit(project: Project) -> None:
    """No marker, or the marker of an older commit: CI has not passed on what would be tagged."""
    project.write()
    project.commit()
    assert "bash .ci/run" in project.release().stderr
    project.ci_passed()
    (project.root / "README.md").write_text("More.\n", encoding="utf-8")
    project.git("add", "README.md")
    project.git("commit", "-q", "-m", "after CI")
    result = project.release()
    assert result.returncode != 0
    assert "bash .ci/run" in result.stderr
    assert project.tags() == []


@NEEDS_GIT
def test_refuses_when_hassfest_is_missing_or_not_clean(project: Project) -> None:
    project.write()
    project.commit()
    project.ci_passed()
    missing = project.release(hassfest=str(project.root.parent / "no-such-hassfest"))
    assert missing.returncode != 0
    assert "hassfest must be run" in missing.stderr
    project.hassfest.write_text("#!/bin/sh\necho 'VERDICT: 2 errors'\nexit 1\n")
    failing = project.release()
    assert failing.returncode != 0
    assert "hassfest" in failing.stderr
    assert project.tags() == []


@NEEDS_GIT
def test_tags_a_release_that_passes_every_check(project: Project) -> None:
    project.write()
    project.commit()
    project.ci_passed()
    result = project.release()
    assert result.returncode == 0, result.stderr
    assert project.hassfest_ran.exists()
    assert project.tags() == ["v0.2.0"]
    assert project.git("rev-parse", "v0.2.0^{commit}") == project.git(
        "rev-parse", "HEAD"
    )
    # Tagging the same version twice is refused.
    again = project.release()
    assert again.returncode != 0
    assert "v0.2.0" in again.stderr


@pytest.mark.parametrize(
    ("manifest_text", "said"),
    [
        (
            '{"domain": "ovh_http2sms", "version": "0.2.0", "version": "0.1.0"}\n',
            'duplicate key "version"',
        ),
        ('{"domain": "ovh_http2sms", "version": "0.2.0",}\n', "not valid JSON"),
    ],
    ids=["duplicate-key", "invalid-json"],
)
def test_refuses_a_manifest_home_assistant_would_read_otherwise(
    project: Project, manifest_text: str, said: str
) -> None:
    """With a key twice, Home Assistant reads the last one: the release cannot trust either."""
    project.write()
    manifest = project.root / "custom_components" / "ovh_http2sms" / "manifest.json"
    manifest.write_text(manifest_text, encoding="utf-8")
    result = project.release()
    assert result.returncode != 0
    assert said in result.stderr
    assert not project.hassfest_ran.exists()


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "2026-00-10"])
def test_refuses_a_date_that_does_not_exist(project: Project, day: str) -> None:
    project.write(head=RELEASED.replace("2026-12-07", day))
    result = project.release()
    assert result.returncode != 0
    assert f"{day} is not a date" in result.stderr
    assert "Unreleased" not in result.stderr


def test_names_what_is_wrong_with_a_dated_heading(project: Project) -> None:
    """A heading with a date and more after it is not mistaken for an undated one."""
    project.write(head=RELEASED.replace("2026-12-07", "2026-12-07 (draft)"))
    result = project.release()
    assert result.returncode != 0
    assert "## [VERSION] - YYYY-MM-DD" in result.stderr
    assert "Unreleased" not in result.stderr


@NEEDS_GIT
def test_a_trailing_space_on_the_heading_does_not_matter(project: Project) -> None:
    """Markdown ignores it; the release does too."""
    project.write(head=RELEASED.replace("2026-12-07\n", "2026-12-07 \n", 1))
    project.commit()
    project.ci_passed()
    result = project.release()
    assert result.returncode == 0, result.stderr
    assert project.tags() == ["v0.2.0"]


@NEEDS_GIT
@pytest.mark.parametrize("tagged", ["0.2.0", "0.3.0", "0.10.0"])
def test_refuses_a_version_not_above_every_tag(project: Project, tagged: str) -> None:
    """Versions only grow: HACS and Home Assistant would take a lower one for an older release."""
    project.write()
    project.commit()
    project.git("tag", "-a", f"v{tagged}", "-m", "an earlier release")
    project.ci_passed()
    result = project.release()
    assert result.returncode != 0
    assert f"v{tagged}" in result.stderr
    assert project.tags() == [f"v{tagged}"]
    assert not project.hassfest_ran.exists()


@NEEDS_GIT
def test_hassfest_checks_what_is_committed(project: Project) -> None:
    """A file hassfest needs, present but git-ignored, is not in the release: refused."""
    project.write()
    (project.root / ".gitignore").write_text(
        "artifacts/\nstrings.json\n", encoding="utf-8"
    )
    project.commit()
    project.ci_passed()
    result = project.release()
    assert result.returncode != 0
    assert "strings.json is missing" in result.stdout + result.stderr
    assert "hassfest is not clean" in result.stderr
    assert project.tags() == []


@NEEDS_GIT
@pytest.mark.parametrize(
    "output",
    ["VERDICT: 2 errors", "", "VERDICT: clean\nVERDICT: 1 errors"],
    ids=["errors", "no-verdict", "clean-then-errors"],
)
def test_hassfest_must_say_clean_even_when_it_exits_0(
    project: Project, output: str
) -> None:
    project.write()
    project.commit()
    project.ci_passed()
    project.hassfest.write_text(
        f"#!/bin/sh\nprintf '%s\\n' '{output}'\nexit 0\n", encoding="utf-8"
    )
    result = project.release()
    assert result.returncode != 0
    assert "VERDICT: clean" in result.stderr
    assert project.tags() == []
