"""How many http2sms requests one notification to N recipients costs, measured on the simulator.

Run from the repository root: `scripts/run python benchmarks/requests_per_notification.py`.
Both clients send for real to a local simulator and the simulator counts what it received: our
way (all recipients in one request, split only beyond the per-request cap) and the naive way
(one request per recipient, as a notify service called once per target does).
"""

import asyncio
from pathlib import Path
import sys

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
# The client package is standalone: load it without the Home Assistant integration around it.
sys.path[:0] = [str(REPO_ROOT / "custom_components" / "ovh_http2sms"), str(REPO_ROOT)]

from http2sms import Credentials, Http2SmsClient, SmsRequest, batch_recipients  # noqa: E402

from http2sms_simulator import Account, SimulatorState, SmsUser  # noqa: E402
from http2sms_simulator.testing import run_simulator  # noqa: E402

AUDIENCES = (1, 10, 100, 250)
MESSAGE = "Alarme : fuite d'eau détectée dans la cuisine"


def _numbers(count: int) -> list[str]:
    return [f"00336{10_000_000 + index:08d}" for index in range(count)]


async def _requests_for(audience: int, *, naive: bool) -> tuple[int, int]:
    """Send one notification to `audience` numbers; return (requests, SMS) the simulator saw."""
    account = Account(
        name="sms-ab1234-1",
        credit=10_000,
        users={"bench": SmsUser(password="Bench123")},
        senders=["HomeAssist"],
    )
    async with (
        run_simulator(SimulatorState([account])) as simulator,
        aiohttp.ClientSession() as session,
    ):
        client = Http2SmsClient(
            session,
            Credentials("sms-ab1234-1", "bench", "Bench123"),
            endpoint=simulator.endpoint,
        )
        numbers = _numbers(audience)
        batches = (
            [(number,) for number in numbers] if naive else batch_recipients(numbers)
        )
        for batch in batches:
            await client.send(
                SmsRequest(recipients=batch, message=MESSAGE, sender="HomeAssist")
            )
        return len(simulator.requests), len(simulator.outbox)


async def main() -> None:
    """Print one row per audience size."""
    print(
        f"{'recipients':>10} {'requests (ours)':>16} {'requests (naive)':>17} {'SMS':>5}"
    )
    for audience in AUDIENCES:
        ours, sms = await _requests_for(audience, naive=False)
        naive, naive_sms = await _requests_for(audience, naive=True)
        assert sms == naive_sms == audience
        print(f"{audience:>10} {ours:>16} {naive:>17} {sms:>5}")


if __name__ == "__main__":
    asyncio.run(main())
