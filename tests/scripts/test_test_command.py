"""`scripts/test` keeps its coverage gate for the whole suite and lifts it for a subset."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
THIS_TEST = "tests/scripts/test_test_command.py::test_a_subset_is_not_the_whole_suite"


def gate_args(*pytest_args: str) -> list[str]:
    """What scripts/test adds to pytest's command line for these arguments."""
    result = subprocess.run(
        [
            "bash",
            "-c",
            '. scripts/_coverage_gate.sh && coverage_gate_args "$@"',
            "bash",
            *pytest_args,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


@pytest.mark.parametrize(
    "pytest_args",
    [
        (),
        ("-q",),
        ("-x", "-p", "no:randomly"),
        ("-o", "log_cli=true"),
    ],
)
def test_the_whole_suite_keeps_the_gate(pytest_args: tuple[str, ...]) -> None:
    """Options that select no test keep the gate of pyproject.toml."""
    assert gate_args(*pytest_args) == []


@pytest.mark.parametrize(
    "pytest_args",
    [
        ("tests/client", "-q"),
        ("tests/client/test_encoding.py",),
        ("-q", THIS_TEST),
        ("-k", "encoding"),
        ("-kencoding",),
        ("-m", "not browser"),
        ("--deselect", THIS_TEST),
        ("--lf",),
    ],
)
def test_a_subset_lifts_the_gate(pytest_args: tuple[str, ...]) -> None:
    """A folder, a file, one test or a selection covers part of the code by design."""
    assert gate_args(*pytest_args) == ["--cov-fail-under=0"]


def test_scripts_test_passes_the_gate_to_pytest() -> None:
    """The test command itself uses the function, before the caller's arguments."""
    script = (REPO_ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert '$(cd "$REPO_ROOT" && coverage_gate_args "$@") "$@"' in script


def test_a_subset_is_not_the_whole_suite() -> None:
    """The one test the runs below select: it covers almost nothing."""


def test_one_test_passes_with_coverage_only_without_the_gate() -> None:
    """The command scripts/test builds for one test exits 0; with the gate it would fail."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--cov",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    with_gate = subprocess.run(
        [*command, THIS_TEST],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert with_gate.returncode == 1, with_gate.stdout[-2000:]
    assert "fail-under" in with_gate.stdout or "FAIL Required test coverage" in (
        with_gate.stdout
    )
    lifted = subprocess.run(
        [*command, *gate_args(THIS_TEST), THIS_TEST],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lifted.returncode == 0, lifted.stdout[-2000:]
