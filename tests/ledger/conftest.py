"""The ledger is plain Python: its tests start no Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.ovh_http2sms.ledger import (
    Ledger,
    Recipient,
    Reservation,
    sms_identity,
)

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")
ALICE = "0033612345678"
BOB = "0033698765432"
CAROL = "0033611223344"
ENTRY = "entry_a"
OTHER_ENTRY = "entry_b"
WINDOW = timedelta(minutes=2)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: these tests load no integration."""


def day_of(moment: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds of the local day `moment` falls in, as the account computes them."""
    local = moment.astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone)
    end = start + timedelta(days=1)
    # A wall-clock day: midnight to the next midnight, whatever DST did in between.
    end = datetime(end.year, end.month, end.day, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def recipient(
    number: str,
    text: str = "Take your pills",
    *,
    planned_for: datetime | None = None,
    flash: bool = False,
    contact: str | None = None,
) -> Recipient:
    """A recipient of `text`, with the identity the account would compute."""
    return Recipient(
        number,
        contact,
        sms_identity(number, text, planned_for=planned_for, flash=flash),
    )


def admit(
    ledger: Ledger,
    recipients: Sequence[Recipient],
    *,
    now: datetime = NOW,
    parts: int = 1,
    budget: int = 0,
    zone: ZoneInfo = PARIS,
    window: timedelta = WINDOW,
    allow_repeat: bool = False,
    entry_id: str = ENTRY,
    planned_for: datetime | None = None,
) -> Reservation:
    """Admit with the account's usual arguments; the test names only what it varies."""
    return ledger.admit(
        entry_id=entry_id,
        recipients=recipients,
        parts=parts,
        encoding="gsm7",
        planned_for=planned_for,
        tag=None,
        now=now,
        repeat_window=window,
        allow_repeat=allow_repeat,
        budget=budget,
        day=day_of(now, zone),
    )


def send(
    ledger: Ledger,
    recipients: Sequence[Recipient],
    *,
    now: datetime = NOW,
    **kwargs: Any,
) -> Reservation:
    """Admit and have OVH accept every admitted recipient at once, without ids."""
    reservation = admit(ledger, recipients, now=now, **kwargs)
    reservation.accepted([r.number for r in reservation.admitted], [], now)
    return reservation
