"""Command line: serve a simulator until SIGINT or SIGTERM.

python -m http2sms_simulator --host 127.0.0.1 --port 8765 [--account ... --login ... --password ...
--sender ... --credit ... --allowed-ip ... --callback-url ... --status-callback-url ...
--reply-url ...] [--config accounts.json] [--second-account] [--state-file simulator.json]
[--fail-number ... --expire-number ... --pending-number ... --report-delay ... --expiry ...
--duplicate-reports --out-of-order-reports]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
import signal
import sys
from typing import TextIO

from .config import load_config
from .delivery import DeliveryOutcome
from .state import (
    DEFAULT_ACCOUNT,
    DEFAULT_CREDIT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
    SECOND_ACCOUNT,
    SECOND_LOGIN,
    SECOND_PASSWORD,
    SECOND_SENDER,
    Account,
    HtmlLayout,
    SimulatorState,
    SmsUser,
    check_url,
    second_account,
    to_decimal,
)
from .testing import RunningSimulator, is_loopback, run_simulator

ACCOUNT_FLAGS = (
    "account",
    "login",
    "password",
    "sender",
    "credit",
    "allowed_ip",
    "rate",
    "callback_url",
    "status_callback_url",
    "reply_url",
)
OUTCOME_HELP = {
    DeliveryOutcome.FAILED: "pending, then failed",
    DeliveryOutcome.EXPIRED: "pending, then expired after --expiry seconds",
    DeliveryOutcome.PENDING: "pending, and never more",
}
OUTCOME_FLAGS = {
    "fail_number": DeliveryOutcome.FAILED,
    "expire_number": DeliveryOutcome.EXPIRED,
    "pending_number": DeliveryOutcome.PENDING,
}


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line options."""
    parser = argparse.ArgumentParser(
        prog="python -m http2sms_simulator",
        description="A local stand-in for OVH's http2sms gateway, for tests and demos.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (loopback)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port, 0 for any free one"
    )
    parser.add_argument(
        "--allow-non-loopback",
        action="store_true",
        help="really listen on a non-loopback address (the simulator has no security)",
    )
    parser.add_argument(
        "--config", type=Path, help="JSON file with accounts and options"
    )
    parser.add_argument("--account", help=f"SMS account (default {DEFAULT_ACCOUNT})")
    parser.add_argument("--login", help=f"SMS user (default {DEFAULT_LOGIN})")
    parser.add_argument("--password", help="SMS user's password")
    parser.add_argument(
        "--sender",
        action="append",
        help=f"declared sender, repeatable (default {DEFAULT_SENDER})",
    )
    parser.add_argument("--credit", help=f"credit (default {DEFAULT_CREDIT})")
    parser.add_argument(
        "--allowed-ip", action="append", help="IP allowed for the SMS user, repeatable"
    )
    parser.add_argument(
        "--rate",
        action="append",
        help="PREFIX=CREDIT per part, e.g. 0044=0.5, repeatable",
    )
    parser.add_argument(
        "--callback-url",
        help="the SMS user's Callback URL: delivery reports (GET id, ptt, date, description)",
    )
    parser.add_argument(
        "--status-callback-url",
        help="the account's status callback URL (GET id, dlr)",
    )
    parser.add_argument(
        "--reply-url",
        help='the account\'s "Call a CGI" URL: replies to the short code (form POST)',
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        help="JSON file that keeps the outbox and the SMS ids across restarts",
    )
    for flag, outcome in OUTCOME_FLAGS.items():
        parser.add_argument(
            "--" + flag.replace("_", "-"),
            action="append",
            metavar="NUMBER",
            help=f"SMS to this number: {OUTCOME_HELP[outcome]} (repeatable)",
        )
    parser.add_argument(
        "--report-delay",
        help="seconds before each delivery report (default 1)",
    )
    parser.add_argument(
        "--expiry",
        help="seconds before an SMS to an --expire-number expires (default 10)",
    )
    parser.add_argument(
        "--duplicate-reports", action="store_true", help="send every report twice"
    )
    parser.add_argument(
        "--out-of-order-reports",
        action="store_true",
        help="send the final report before pending",
    )
    parser.add_argument(
        "--second-account",
        action="store_true",
        help=(
            f"also serve {SECOND_ACCOUNT} (SMS user {SECOND_LOGIN}, password "
            f"{SECOND_PASSWORD}, sender {SECOND_SENDER}, {DEFAULT_CREDIT} credits)"
        ),
    )
    parser.add_argument(
        "--missing-after-auth",
        action="store_true",
        help="check login/password before reporting a missing from/to/message",
    )
    parser.add_argument(
        "--json-ids-key", choices=["SmsIds", "smsIds"], help="id key of JSON replies"
    )
    parser.add_argument(
        "--html-layout",
        choices=[layout.value for layout in HtmlLayout],
        help="layout of text/html replies",
    )
    return parser


def _rates(items: Sequence[str]) -> dict[str, Decimal]:
    rates = {}
    for item in items:
        prefix, separator, rate = item.partition("=")
        if not separator or not prefix:
            raise ValueError(f"--rate wants PREFIX=CREDIT, not {item!r}")
        rates[prefix] = to_decimal(rate)
    return rates


def state_from_args(args: argparse.Namespace) -> SimulatorState:
    """Build the state from --config, or from the single-account flags."""
    if args.config is not None:
        if any(getattr(args, flag) is not None for flag in ACCOUNT_FLAGS):
            raise ValueError("use either --config or the account flags, not both")
        state = load_config(args.config)
    else:
        account = Account(
            name=args.account or DEFAULT_ACCOUNT,
            credit=to_decimal(
                args.credit if args.credit is not None else DEFAULT_CREDIT
            ),
            users={
                args.login or DEFAULT_LOGIN: SmsUser(
                    password=args.password
                    if args.password is not None
                    else DEFAULT_PASSWORD,
                    allowed_ips=list(args.allowed_ip or []),
                    callback_url=check_url(args.callback_url, "--callback-url"),
                )
            },
            senders=list(args.sender or [DEFAULT_SENDER]),
            rates=_rates(args.rate or []),
            status_callback_url=check_url(
                args.status_callback_url, "--status-callback-url"
            ),
            reply_url=check_url(args.reply_url, "--reply-url"),
        )
        state = SimulatorState([account])
    if args.second_account:
        state.add_account(second_account())
    if args.missing_after_auth:
        state.missing_before_auth = False
    if args.json_ids_key is not None:
        state.json_ids_key = args.json_ids_key
    if args.html_layout is not None:
        state.html_layout = HtmlLayout(args.html_layout)
    state.delivery = state.delivery.updated(_delivery_changes(args))
    if args.state_file is not None:
        state.use_state_file(args.state_file)
    return state


def _delivery_changes(args: argparse.Namespace) -> dict[str, object]:
    changes: dict[str, object] = {
        "outcomes": {
            number: outcome
            for flag, outcome in OUTCOME_FLAGS.items()
            for number in getattr(args, flag) or []
        }
    }
    if args.report_delay is not None:
        changes["delay"] = args.report_delay
    if args.expiry is not None:
        changes["expiry"] = args.expiry
    if args.duplicate_reports:
        changes["duplicates"] = True
    if args.out_of_order_reports:
        changes["out_of_order"] = True
    return changes


async def serve(
    args: argparse.Namespace,
    state: SimulatorState,
    *,
    stop: asyncio.Event | None = None,
    out: TextIO = sys.stdout,
    on_ready: Callable[[RunningSimulator], None] | None = None,
) -> None:
    """Serve until stop is set; without one, until SIGINT or SIGTERM."""
    loop = asyncio.get_running_loop()
    handle_signals = stop is None
    stop = stop or asyncio.Event()
    async with run_simulator(
        state,
        host=args.host,
        port=args.port,
        allow_non_loopback=args.allow_non_loopback,
    ) as simulator:
        if handle_signals:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
        out.write(f"http2sms endpoint: {simulator.endpoint}\n")
        out.write(f"outbox page: {simulator.outbox_url}\n")
        out.flush()
        if on_ready is not None:
            on_ready(simulator)
        try:
            await stop.wait()
        finally:
            if handle_signals:
                for signum in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse argv and serve; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.allow_non_loopback and not is_loopback(args.host):
        parser.error(
            f"{args.host} is not a loopback address; add --allow-non-loopback to insist"
        )
    try:
        state = state_from_args(args)
    except (ValueError, TypeError, OSError) as err:
        parser.error(str(err))
    try:
        asyncio.run(serve(args, state))
    except OSError as err:
        sys.stderr.write(f"cannot listen on {args.host}:{args.port}: {err}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
