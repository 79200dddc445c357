"""How many replies a leaked URL can turn into events: a token bucket per account.

Replies are the one thing a stranger with the URL can fire events with (a delivery report
fires one only for a change of status of an SMS this Home Assistant sent, so reports are
bounded by the SMS sent and are never limited). Replies come from people, who type them, and
each costs the account credits: a household never gets thirty in a moment, nor more than one
every ten seconds for long. So replies pass `REPLY_BURST` at once, then one every
`REPLY_INTERVAL` seconds; past that they are dropped and counted. A stranger forging replies
all day fires at most 8,670 events (30, then 8,640 a day).
"""

from __future__ import annotations

from time import monotonic
from typing import Final

REPLY_BURST: Final = 30
REPLY_INTERVAL: Final = 10.0


class TokenBucket:
    """Lets `burst` requests through at once, then one every `interval` seconds."""

    def __init__(self, burst: int, interval: float) -> None:
        """Start full."""
        self._burst = float(burst)
        self._rate = 1.0 / interval
        self._tokens = float(burst)
        self._last = monotonic()

    def take(self) -> bool:
        """Take one token; False when none is left (the request is dropped)."""
        now = monotonic()
        self._tokens = min(
            self._burst, self._tokens + max(0.0, now - self._last) * self._rate
        )
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
