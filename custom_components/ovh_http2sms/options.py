"""The account's options, typed, with their defaults: read by the options flow and the send path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from .const import (
    CODING_AUTO,
    CONF_CODING,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_PARTS,
    CONF_MAX_SENDS_PER_SECOND,
    CONF_REPLACE_CHARACTERS,
    REPLACE_OFF,
)
from .http2sms import MAX_PARTS

# OVH accepts "a few dozen" requests per second; an alarm that trips a burst of automations
# must queue, not be refused.
MAX_SENDS_PER_SECOND_LIMIT = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsOptions:
    """How an account sends: encoding, look-alikes, part limit, low-credit warning, pace."""

    coding: str = CODING_AUTO
    replace_characters: str = REPLACE_OFF
    max_parts: int = MAX_PARTS
    low_credit_threshold: Decimal = Decimal(10)
    max_sends_per_second: int = 5

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self:
        """Read saved options; a missing one takes its default, an out-of-range one its bound."""
        defaults = cls()
        return cls(
            coding=str(options.get(CONF_CODING, defaults.coding)),
            replace_characters=str(
                options.get(CONF_REPLACE_CHARACTERS, defaults.replace_characters)
            ),
            max_parts=max(
                1, min(int(options.get(CONF_MAX_PARTS, defaults.max_parts)), MAX_PARTS)
            ),
            low_credit_threshold=Decimal(
                str(
                    options.get(
                        CONF_LOW_CREDIT_THRESHOLD, defaults.low_credit_threshold
                    )
                )
            ),
            max_sends_per_second=max(
                1,
                min(
                    int(
                        options.get(
                            CONF_MAX_SENDS_PER_SECOND, defaults.max_sends_per_second
                        )
                    ),
                    MAX_SENDS_PER_SECOND_LIMIT,
                ),
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
        }
