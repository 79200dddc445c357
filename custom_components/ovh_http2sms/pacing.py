"""The pace of one account's requests: first come, first served, at a rate and a concurrency.

No Home Assistant here: a FIFO of tickets, each owned by a config entry, granted by loop
callbacks (no task of its own). An owner's tickets can be held (while its entry reloads) or
refused (when it is removed), and every ticket ends granted or refused, never forgotten.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(slots=True)
class _Ticket:
    owner: str
    future: asyncio.Future[None]


class Pacer:
    """Let at most `rate` requests start per second and `concurrency` run at once."""

    def __init__(self, rate: float, concurrency: int) -> None:
        """Set the pace."""
        self._interval = 1.0 / rate
        self._concurrency = concurrency
        self._waiting: list[_Ticket] = []
        self._held: set[str] = set()
        self._running = 0
        self._next_start = 0.0
        self._timer: asyncio.TimerHandle | None = None

    @property
    def running(self) -> int:
        """Requests granted and not yet finished."""
        return self._running

    def waiting(self, owner: str | None = None) -> int:
        """Tickets waiting for their turn (of one owner, if given)."""
        return sum(
            1
            for ticket in self._waiting
            if not ticket.future.done() and owner in (None, ticket.owner)
        )

    def set_rate(self, rate: float) -> None:
        """Change the pace from the next grant on."""
        self._interval = 1.0 / rate
        self._pump()

    def hold(self, owner: str) -> None:
        """Keep this owner's tickets waiting, in their place, until released."""
        self._held.add(owner)

    def is_held(self, owner: str) -> bool:
        """Tell whether this owner's tickets are held."""
        return owner in self._held

    def release(self, owner: str) -> None:
        """Let this owner's tickets be granted again."""
        self._held.discard(owner)
        self._pump()

    def refuse(
        self, error: Callable[[], BaseException], owner: str | None = None
    ) -> int:
        """Refuse the waiting tickets (of one owner, if given) with `error()`; return how many."""
        refused = [t for t in self._waiting if owner in (None, t.owner)]
        self._waiting = [t for t in self._waiting if owner not in (None, t.owner)]
        count = 0
        for ticket in refused:
            if not ticket.future.done():
                ticket.future.set_exception(error())
                count += 1
        self._pump()
        return count

    @asynccontextmanager
    async def turn(self, owner: str) -> AsyncIterator[None]:
        """Wait for this owner's turn; raise what `refuse` gave if refused meanwhile."""
        now = asyncio.get_running_loop().time()
        if (
            not self._waiting
            and self._running < self._concurrency
            and owner not in self._held
            and now >= self._next_start
        ):
            # Nobody ahead and the pace allows it: no ticket to queue and grant.
            self._start(now)
        else:
            await self._async_wait_turn(owner)
        try:
            yield
        finally:
            self._finish()

    async def _async_wait_turn(self, owner: str) -> None:
        ticket = _Ticket(owner, asyncio.get_running_loop().create_future())
        self._waiting.append(ticket)
        self._pump()
        try:
            await ticket.future
        except BaseException:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            elif (
                ticket.future.done()
                and not ticket.future.cancelled()
                and ticket.future.exception() is None
            ):
                # Granted in the same loop turn the caller was cancelled: give the slot back.
                self._finish()
            raise

    def _start(self, now: float) -> None:
        self._running += 1
        self._next_start = max(now, self._next_start) + self._interval

    def _finish(self) -> None:
        self._running -= 1
        self._pump()

    def _pump(self) -> None:
        """Grant every ticket whose turn has come; call again when the next one's comes."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop = asyncio.get_running_loop()
        while self._running < self._concurrency:
            ticket = next((t for t in self._waiting if t.owner not in self._held), None)
            if ticket is None:
                return
            if ticket.future.done():
                self._waiting.remove(ticket)
                continue
            now = loop.time()
            if now < self._next_start:
                self._timer = loop.call_at(self._next_start, self._pump)
                return
            self._waiting.remove(ticket)
            self._start(now)
            ticket.future.set_result(None)

    def cancel_timer(self) -> None:
        """Drop the pending wake-up (nothing left to grant)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
