"""GitHub runs hassfest, HACS's validation and the project's checks on pull requests and main."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def _workflows() -> dict[str, dict[Any, Any]]:
    return {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(WORKFLOWS.glob("*.y*ml"))
    }


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def test_every_workflow_runs_once_per_change() -> None:
    """Every pull request and every push to main is checked, each once.

    A push to a pull request's branch is checked by the pull_request event alone: with a bare
    `push` too, the hour-long tests would run twice.
    """
    workflows = _workflows()
    assert workflows
    for name, workflow in workflows.items():
        triggers = _triggers(workflow)
        assert "pull_request" in triggers, name
        assert triggers["push"] == {"branches": ["main"]}, name


@pytest.mark.parametrize(
    "action", ["home-assistant/actions/hassfest@master", "hacs/action@main"]
)
def test_validators_also_run_daily(action: str) -> None:
    """The validators change under unchanged code: a daily run says when the code falls behind."""
    for workflow in _workflows().values():
        if action in [step.get("uses") for step in _steps(workflow)]:
            schedule = _triggers(workflow).get("schedule")
            assert isinstance(schedule, list), action
            assert len(schedule) == 1, action
            minute, hour, *every_day = schedule[0]["cron"].split()
            assert minute.isdigit(), action
            assert hour.isdigit(), action
            assert every_day == ["*", "*", "*"], action


def test_checkout_is_the_current_major() -> None:
    uses = [
        step["uses"]
        for workflow in _workflows().values()
        for step in _steps(workflow)
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert len(uses) == len(_workflows())
    assert set(uses) == {"actions/checkout@v5"}


@pytest.mark.parametrize(
    ("action", "inputs"),
    [
        ("home-assistant/actions/hassfest@master", {}),
        ("hacs/action@main", {"category": "integration"}),
    ],
)
def test_validators_run_with_nothing_ignored(
    action: str, inputs: dict[str, str]
) -> None:
    """HACS's default list asks for both validators passing, no check ignored."""
    steps = [
        step
        for workflow in _workflows().values()
        for step in _steps(workflow)
        if step.get("uses") == action
    ]
    assert len(steps) == 1, action
    assert steps[0].get("with", {}) == inputs


def test_hassfest_sees_the_repository() -> None:
    """hassfest's action validates the checked-out files: checkout comes first."""
    for workflow in _workflows().values():
        uses = [step.get("uses", "") for step in _steps(workflow)]
        if "home-assistant/actions/hassfest@master" in uses:
            assert uses[0].startswith("actions/checkout@")


def test_the_project_checks_are_ci_run() -> None:
    """The tests workflow runs exactly what a contributor runs: .ci/run."""
    runs = [
        step["run"]
        for workflow in _workflows().values()
        for step in _steps(workflow)
        if ".ci/run" in step.get("run", "")
    ]
    assert runs == ["sudo bash .ci/run"]
