"""What the simulated operators report about each SMS, and when.

After accepting an SMS the simulator reports `pending`, then the number's outcome: delivered by
default, or as set per number (DeliverySettings.outcomes, numbers in any of +33…/0033… forms):
- failed: pending, then failed (description 2, ptt 5);
- expired: pending, then, after `expiry` seconds, failed (description 2, ptt 8 "expired");
- pending: pending, and nothing more.
`delay` seconds pass before each report. On demand each report is sent twice (`duplicates`)
or the final one comes before pending (`out_of_order`), as real networks sometimes do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
import math
import re

DEFAULT_DELAY = 1.0
DEFAULT_EXPIRY = 10.0
_NUMBER = re.compile(r"(?:\+|00)([1-9]\d{6,14})")
_SETTINGS = ("outcomes", "delay", "expiry", "duplicates", "out_of_order")


class DeliveryOutcome(StrEnum):
    """How the delivery of an SMS to a number ends."""

    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class Report:
    """One status change: `description` [DOC] with its ptt [DOC examples] and text [GUESS]."""

    description: int
    ptt: int
    text: str
    status: str


PENDING = Report(description=0, ptt=1, text="Pending", status="pending")
DELIVERED = Report(description=1, ptt=4, text="Delivered", status="delivered")
FAILED = Report(description=2, ptt=5, text="Failed", status="failed")
EXPIRED = Report(description=2, ptt=8, text="Expired", status="failed")
_FINALS = {
    DeliveryOutcome.DELIVERED: DELIVERED,
    DeliveryOutcome.FAILED: FAILED,
    DeliveryOutcome.EXPIRED: EXPIRED,
}


def stored_number(text: str) -> str:
    """Give a number in the outbox's 00 form, or raise ValueError."""
    match = _NUMBER.fullmatch(text.replace(" ", ""))
    if match is None:
        raise ValueError(f"not an international number: {text!r}")
    return "00" + match.group(1)


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{name} must be a number of seconds")
    try:
        seconds = float(value)
    except ValueError as err:
        raise ValueError(f"{name} must be a number of seconds") from err
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{name} must be a positive number of seconds")
    return seconds


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be true or false")
    return value


@dataclass(slots=True)
class DeliverySettings:
    """How reports go: per-number outcomes, pauses, duplicates and order."""

    outcomes: dict[str, DeliveryOutcome] = field(default_factory=dict)
    delay: float = DEFAULT_DELAY
    expiry: float = DEFAULT_EXPIRY
    duplicates: bool = False
    out_of_order: bool = False

    def outcome_for(self, number: str) -> DeliveryOutcome:
        """Return how an SMS to number ends."""
        return self.outcomes.get(number, DeliveryOutcome.DELIVERED)

    def plan(self, number: str) -> list[tuple[float, Report]]:
        """List the reports of one SMS to number, each with the seconds to wait before it."""
        outcome = self.outcome_for(number)
        final = _FINALS.get(outcome)
        reports = [(self.delay, PENDING)]
        if final is not None:
            pause = self.expiry if outcome is DeliveryOutcome.EXPIRED else self.delay
            reports.append((pause, final))
        if self.out_of_order:
            reports.reverse()
        if self.duplicates:
            reports = [
                step
                for pause, report in reports
                for step in ((pause, report), (0.0, report))
            ]
        return reports

    def updated(self, data: Mapping[str, object]) -> DeliverySettings:
        """Return a copy with the given fields changed; raise ValueError or TypeError if bad."""
        unknown = set(data) - set(_SETTINGS)
        if unknown:
            raise ValueError(f"unknown delivery settings: {', '.join(sorted(unknown))}")
        outcomes = dict(self.outcomes)
        if "outcomes" in data:
            raw = data["outcomes"]
            if not isinstance(raw, Mapping):
                raise TypeError("outcomes must map numbers to outcomes")
            for number, outcome in raw.items():
                outcomes[stored_number(str(number))] = DeliveryOutcome(str(outcome))
        return DeliverySettings(
            outcomes=outcomes,
            delay=_seconds(data.get("delay", self.delay), "delay"),
            expiry=_seconds(data.get("expiry", self.expiry), "expiry"),
            duplicates=_flag(data.get("duplicates", self.duplicates), "duplicates"),
            out_of_order=_flag(
                data.get("out_of_order", self.out_of_order), "out_of_order"
            ),
        )

    def to_json(self) -> dict[str, object]:
        """Describe the settings as the admin endpoint and the config file take them."""
        return {
            "outcomes": {
                number: str(outcome) for number, outcome in self.outcomes.items()
            },
            "delay": self.delay,
            "expiry": self.expiry,
            "duplicates": self.duplicates,
            "out_of_order": self.out_of_order,
        }
