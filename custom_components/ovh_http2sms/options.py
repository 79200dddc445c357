"""The account's options, typed, with their defaults: read by the options flow and the send path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from .const import (
    CODING_AUTO,
    CONF_CODING,
    CONF_DAILY_BUDGET,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_PARTS,
    CONF_MAX_SENDS_PER_SECOND,
    CONF_REPEAT_WINDOW,
    CONF_REPLACE_CHARACTERS,
    REPLACE_OFF,
)
from .http2sms import MAX_PARTS

# OVH accepts "a few dozen" requests per second; an alarm that trips a burst of automations
# must queue, not be refused.
MAX_SENDS_PER_SECOND_LIMIT = 30
# A day; a longer repeat window would outlive the memory of what was sent anyway.
REPEAT_WINDOW_LIMIT = 1440
DAILY_BUDGET_LIMIT = 100_000
LOW_CREDIT_THRESHOLD_LIMIT = 100_000


def _bounded(value: Any, low: int, high: int) -> int:
    return max(low, min(int(value), high))


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsOptions:
    """How an account sends: encoding, look-alikes, limits, warnings, pace, runaway guards.

    `repeat_window` (minutes, 0: off) keeps an identical SMS to the same number from going out
    twice in that time; `daily_budget` (SMS parts per local day, 0: off) refuses what would
    spend more.
    """

    coding: str = CODING_AUTO
    replace_characters: str = REPLACE_OFF
    max_parts: int = MAX_PARTS
    low_credit_threshold: Decimal = Decimal(10)
    max_sends_per_second: int = 5
    repeat_window: int = 2
    daily_budget: int = 0

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self:
        """Read saved options; a missing one takes its default, an out-of-range one its bound."""
        defaults = cls()
        return cls(
            coding=str(options.get(CONF_CODING, defaults.coding)),
            replace_characters=str(
                options.get(CONF_REPLACE_CHARACTERS, defaults.replace_characters)
            ),
            max_parts=_bounded(
                options.get(CONF_MAX_PARTS, defaults.max_parts), 1, MAX_PARTS
            ),
            low_credit_threshold=Decimal(
                str(
                    options.get(
                        CONF_LOW_CREDIT_THRESHOLD, defaults.low_credit_threshold
                    )
                )
            ),
            max_sends_per_second=_bounded(
                options.get(CONF_MAX_SENDS_PER_SECOND, defaults.max_sends_per_second),
                1,
                MAX_SENDS_PER_SECOND_LIMIT,
            ),
            repeat_window=_bounded(
                options.get(CONF_REPEAT_WINDOW, defaults.repeat_window),
                0,
                REPEAT_WINDOW_LIMIT,
            ),
            daily_budget=_bounded(
                options.get(CONF_DAILY_BUDGET, defaults.daily_budget),
                0,
                DAILY_BUDGET_LIMIT,
            ),
        )

    def as_options(self) -> dict[str, Any]:
        """Return the options as the options flow saves them (JSON types)."""
        return {
            CONF_CODING: self.coding,
            CONF_REPLACE_CHARACTERS: self.replace_characters,
            CONF_MAX_PARTS: self.max_parts,
            CONF_LOW_CREDIT_THRESHOLD: float(self.low_credit_threshold),
            CONF_MAX_SENDS_PER_SECOND: self.max_sends_per_second,
            CONF_REPEAT_WINDOW: self.repeat_window,
            CONF_DAILY_BUDGET: self.daily_budget,
        }
