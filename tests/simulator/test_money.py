"""Credit arithmetic: parts x recipients x rate, decimals, and nothing charged on refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_CREDIT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
    Account,
    SimulatorState,
    SmsUser,
)
from http2sms_simulator.testing import RunningSimulator

from .conftest import Client

FR = "0033612345678"
UK = "00447700900123"
IE = "00353851234567"


@pytest.fixture
def state() -> SimulatorState:
    """The default account, with cheaper rates for the UK and Ireland."""
    return SimulatorState(
        [
            Account(
                name=DEFAULT_ACCOUNT,
                credit=DEFAULT_CREDIT,
                users={DEFAULT_LOGIN: SmsUser(password=DEFAULT_PASSWORD)},
                senders=[DEFAULT_SENDER],
                rates={"0044": Decimal("0.5"), "00353": Decimal("0.8")},
            )
        ]
    )


@pytest.mark.parametrize(
    ("to", "message", "extra", "credit_left"),
    [
        (FR, "a" * 149, {}, "99"),
        (FR, "a" * 150, {}, "98"),
        (FR, "a" * 160, {"noStop": "1"}, "99"),
        (FR, "a" * 161, {"noStop": "1"}, "98"),
        (UK, "Hello", {}, "99.50"),
        (IE, "Hello", {}, "99.20"),
        (UK, "a" * 400, {}, "98.50"),
        (f"{FR},{UK},{IE}", "Hello", {}, "97.70"),
        (f"{FR},{UK},{IE}", "a" * 200, {}, "95.40"),
        (f"{UK},{UK}", "Hello", {}, "99"),
        (FR, "ê" * 70, {"noStop": "1"}, "99"),
        (FR, "ê" * 71, {"noStop": "1"}, "98"),
        (FR, "😀" * 34, {"noStop": "1"}, "99"),
        (FR, "a" * 70 + "😀", {"noStop": "1"}, "98"),
    ],
)
async def test_charges(
    client: Client,
    simulator: RunningSimulator,
    *,
    to: str,
    message: str,
    extra: dict[str, str],
    credit_left: str,
) -> None:
    """Every part of every recipient is charged at its rate."""
    _status, body = await client.get(to=to, message=message, **extra)
    assert body.split("\n")[:2] == ["OK", credit_left]
    assert sum(sms.cost for sms in simulator.outbox) == 100 - Decimal(credit_left)
    assert len(body.split("\n")) == 2 + len(to.split(","))


async def test_outbox_records_each_recipient_with_its_cost(
    client: Client, simulator: RunningSimulator
) -> None:
    """The outbox shows each recipient's parts and cost."""
    await client.get(to=f"{FR},{UK}", message="a" * 200)
    assert [(sms.recipient, sms.parts, sms.cost) for sms in simulator.outbox] == [
        (FR, 2, Decimal(2)),
        (UK, 2, Decimal("1.0")),
    ]


async def test_decimal_credit_down_to_zero(
    client: Client, state: SimulatorState
) -> None:
    """Fractional rates spend the credit exactly down to zero, then refuse."""
    state.set_credit(DEFAULT_ACCOUNT, "1.5")
    assert (await client.get(to=UK))[1].split("\n")[:2] == ["OK", "1"]
    assert (await client.get(to=UK))[1].split("\n")[:2] == ["OK", "0.50"]
    assert (await client.get(to=UK))[1].split("\n")[:2] == ["OK", "0"]
    assert await client.get(to=UK) == (200, "KO\nNot enough credits")
    assert state.account(DEFAULT_ACCOUNT).credit == 0


async def test_smscoding_changes_the_cost(
    client: Client, simulator: RunningSimulator
) -> None:
    """A forced encoding changes the parts, and GSM-7 replaces what it cannot carry."""
    assert (await client.get(message="ê" * 100, smsCoding="1", noStop="1"))[1].split(
        "\n"
    )[:2] == ["OK", "99"]
    assert simulator.outbox[-1].text == "?" * 100
    assert (await client.get(message="a" * 100, smsCoding="2", noStop="1"))[1].split(
        "\n"
    )[:2] == ["OK", "97"]
    assert [str(sms.coding) for sms in simulator.outbox] == ["gsm7", "ucs2"]


def test_longest_prefix_wins() -> None:
    """The longest matching prefix sets the rate."""
    account = Account(
        name="sms-ab1234-1",
        rates={"00": Decimal(2), "0033": Decimal(1), "00336": "0.5"},  # type: ignore[dict-item]
    )
    assert account.rate_for("0033612345678") == Decimal("0.5")
    assert account.rate_for("0033112345678") == 1
    assert account.rate_for("0049123456789") == 2
    assert Account(name="sms-ab1234-1").rate_for("0049123456789") == 1
