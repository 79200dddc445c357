"""What the simulator remembers: accounts, the outbox, the request log and the injected faults.

With a state file (SimulatorState(state_file=...), --state-file), the outbox and the SMS id counter
survive a restart, so that an id is never handed out twice: delivery reports are matched by id.
A damaged file is set aside (`<name>.damaged`) with a warning, and ids then start above a floor
that grows with time, past any id an earlier run can have given.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
import json
import logging
import os
from pathlib import Path
import time
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from .delivery import DeliverySettings
from .parts import Coding

_LOGGER = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "sms-ab1234-1"
# Distinctive on purpose: the leak tests search every log for it, so it must not be a word that
# logger names, modules or messages contain by themselves (as "homeassistant" would be).
DEFAULT_LOGIN = "homealerts7"
DEFAULT_PASSWORD = "Secr3t42"  # noqa: S105 - the simulator's published test password
DEFAULT_SENDER = "HomeAssist"
DEFAULT_CREDIT = Decimal(100)
# A second account (--second-account), so that someone can add an account by hand next to the
# demo's: its own name, SMS user, password and sender.
SECOND_ACCOUNT = "sms-cd5678-1"
SECOND_LOGIN = "newcomer"
# 8 letters or digits, like every password OVHcloud's Control Panel gives an SMS user.
SECOND_PASSWORD = "N3wc0mer"  # noqa: S105 - published, like the default password
SECOND_SENDER = "MyHome"
# The id in OVH's documented example, so that a fresh simulator reproduces the example bodies.
DEFAULT_FIRST_SMS_ID = 10867690
# GUESS: the 5-digit short code used with senderForResponse=1; OVH picks one per account.
DEFAULT_SHORT_CODE = "36111"
MASKED = "***"
STATE_FILE_VERSION = 1
# Ids after a damaged state file: milliseconds since this moment, above the first id. An earlier
# run would have had to send more than 1000 SMS a second to have reached them.
ID_FLOOR_EPOCH = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
CALLBACK_LOG_SIZE = 1000
type ResetPoint = Literal["headers", "body"]


def to_decimal(value: Decimal | float | str) -> Decimal:
    """Turn an amount into a Decimal; floats go through str so that 0.1 stays 0.1."""
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as err:
        raise ValueError(f"not an amount: {value!r}") from err
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount


def check_url(url: object, name: str) -> str | None:
    """Return url if the simulator can call it (http or https), None for None; else raise."""
    if url is None:
        return None
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a URL or null")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError(f"{name} must be an http or https URL")
    return url


def format_credit(credit: Decimal) -> str:
    """Print credit as OVH does: "1007" when whole, "230.50" otherwise."""
    if credit == credit.to_integral_value():
        return str(int(credit))
    return str(credit.quantize(Decimal("0.01")))


class HtmlLayout(StrEnum):
    """The two layouts the real text/html reply has been seen in."""

    XHTML = "xhtml"
    HTML5 = "html5"


class FaultKind(StrEnum):
    """The ways the simulator can misbehave on purpose."""

    DELAY = "delay"
    HTTP_ERROR = "http_error"
    RESET = "reset"
    MALFORMED = "malformed"
    EMPTY = "empty"
    UNKNOWN_STATUS = "unknown_status"
    RATE_LIMIT = "rate_limit"


@dataclass(slots=True)
class SmsUser:
    """An OVH "SMS user": the login that http2sms authenticates, with its IP restriction."""

    password: str
    # Empty means no restriction; OVH allows up to 5 addresses.
    allowed_ips: list[str] = field(default_factory=list)
    # The SMS user's Callback URL: delivery reports of the SMS it sent.
    callback_url: str | None = None


@dataclass(slots=True)
class Account:
    """An OVH SMS account (sms-ab1234-1) with its credit, users, senders and tariffs."""

    name: str
    credit: Decimal = DEFAULT_CREDIT
    users: dict[str, SmsUser] = field(default_factory=dict)
    senders: list[str] = field(default_factory=list)
    # Credit per part for numbers starting with a prefix in 00 form ("0044": 0.5); longest wins.
    rates: dict[str, Decimal] = field(default_factory=dict)
    default_rate: Decimal = Decimal(1)
    # Options > General options > status callback: id and dlr of every SMS of the account.
    status_callback_url: str | None = None
    # Options > Reply options > "Call a CGI": replies to the short code.
    reply_url: str | None = None

    def __post_init__(self) -> None:
        """Accept ints, strings and floats for amounts, as a JSON config gives them."""
        self.credit = to_decimal(self.credit)
        self.rates = {prefix: to_decimal(rate) for prefix, rate in self.rates.items()}
        self.default_rate = to_decimal(self.default_rate)

    def rate_for(self, number: str) -> Decimal:
        """Return the credit one part costs to number (in 00 international form)."""
        matching = [prefix for prefix in self.rates if number.startswith(prefix)]
        if not matching:
            return self.default_rate
        return self.rates[max(matching, key=len)]

    def to_json(self) -> dict[str, object]:
        """Describe the account without any password."""
        return {
            "name": self.name,
            "credit": format_credit(self.credit),
            "logins": sorted(self.users),
            "senders": list(self.senders),
            "rates": {prefix: str(rate) for prefix, rate in self.rates.items()},
            "default_rate": str(self.default_rate),
        }


@dataclass(slots=True, kw_only=True)
class SentSms:
    """One SMS the simulator accepted, to one recipient, as an operator would hand it over."""

    sms_id: int
    account: str
    login: str
    sender: str
    short_code: bool
    recipient: str
    message: str
    text: str
    sms_class: int
    no_stop: bool
    deferred: datetime | None
    tag: str | None
    coding: Coding
    parts: int
    cost: Decimal
    sent_at: datetime
    method: str
    # The last status reported (delivery.Report.status).
    status: str = "pending"

    @property
    def flash(self) -> bool:
        """Class 0 is shown at once and not stored: a "flash" SMS."""
        return self.sms_class == 0

    def to_json(self) -> dict[str, object]:
        """Describe the SMS for the outbox view (no password is ever kept)."""
        return {
            "id": self.sms_id,
            "account": self.account,
            "login": self.login,
            "sender": self.sender,
            "short_code": self.short_code,
            "recipient": self.recipient,
            "message": self.message,
            "text": self.text,
            "class": self.sms_class,
            "flash": self.flash,
            "no_stop": self.no_stop,
            "deferred": self.deferred.isoformat() if self.deferred else None,
            "tag": self.tag,
            "coding": str(self.coding),
            "parts": self.parts,
            "cost": str(self.cost),
            "sent_at": self.sent_at.isoformat(),
            "method": self.method,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SentSms:
        """Read back what to_json wrote; raise KeyError, TypeError or ValueError if damaged."""
        deferred = data["deferred"]
        return cls(
            sms_id=_int(data["id"]),
            account=_str(data["account"]),
            login=_str(data["login"]),
            sender=_str(data["sender"]),
            short_code=bool(data["short_code"]),
            recipient=_str(data["recipient"]),
            message=_str(data["message"]),
            text=_str(data["text"]),
            sms_class=_int(data["class"]),
            no_stop=bool(data["no_stop"]),
            deferred=None
            if deferred is None
            else datetime.fromisoformat(_str(deferred)),
            tag=None if data["tag"] is None else _str(data["tag"]),
            coding=Coding(data["coding"]),
            parts=_int(data["parts"]),
            cost=to_decimal(_str(data["cost"])),
            sent_at=datetime.fromisoformat(_str(data["sent_at"])),
            method=_str(data["method"]),
            status=_str(data.get("status", "pending")),
        )


def _read_state(raw: bytes) -> tuple[list[SentSms], int]:
    """Read a state file's outbox and next id; raise ValueError, TypeError or KeyError."""
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("outbox"), list):
        raise TypeError("not a simulator state")
    return [SentSms.from_json(item) for item in data["outbox"]], _int(
        data["next_sms_id"]
    )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not an integer: {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    return value


@dataclass(slots=True, kw_only=True)
class RequestRecord:
    """One request to the http2sms path, kept to prove what a client sent and how often."""

    number: int
    received_at: datetime
    method: str
    remote: str | None
    params: dict[str, str]
    status: int | None = None
    reason: str | None = None
    sms_ids: list[int] = field(default_factory=list)
    fault: FaultKind | None = None
    outcome: str = "pending"

    def to_json(self) -> dict[str, object]:
        """Describe the request; its password was masked when it was recorded."""
        return {
            "number": self.number,
            "received_at": self.received_at.isoformat(),
            "method": self.method,
            "remote": self.remote,
            "params": dict(self.params),
            "status": self.status,
            "reason": self.reason,
            "sms_ids": list(self.sms_ids),
            "fault": str(self.fault) if self.fault else None,
            "outcome": self.outcome,
        }


@dataclass(slots=True, kw_only=True)
class Fault:
    """A misbehaviour applied to the next requests.

    times is how many requests it breaks (None: until cleared). With after_send the SMS is accepted,
    recorded and charged first, and only the reply is broken: that proves a client never resends.
    """

    kind: FaultKind
    times: int | None = 1
    after_send: bool = False
    # DELAY: seconds to wait before replying.
    seconds: float = 0.0
    # HTTP_ERROR (default 503) and RATE_LIMIT (default 429; 200 means a well-formed error body).
    http_status: int | None = None
    # UNKNOWN_STATUS (default 999) and RATE_LIMIT in a body (default 429, a GUESS).
    status: int | None = None
    # MALFORMED: the body to send instead of the first half of the real one.
    body: str | None = None
    # RESET: whether the connection closes inside the headers or inside the body.
    reset_in: ResetPoint = "body"
    # RATE_LIMIT: more than limit requests within window seconds are refused.
    limit: int = 1
    window: float = 1.0

    def __post_init__(self) -> None:
        """Reject a fault that could not behave as asked."""
        self.kind = FaultKind(self.kind)
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1, or None for until cleared")
        if self.kind is FaultKind.RATE_LIMIT and self.after_send:
            raise ValueError(
                "a rate limit refuses requests, it cannot come after sending"
            )
        if self.seconds < 0 or self.limit < 0 or self.window <= 0:
            raise ValueError("seconds, limit and window must be positive")
        if self.reset_in not in ("headers", "body"):
            raise ValueError("reset_in must be 'headers' or 'body'")
        if self.http_status is not None and not 200 <= self.http_status <= 599:
            raise ValueError("http_status must be an HTTP status")

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Fault:
        """Build a fault from the admin endpoint's JSON body."""
        known = {
            "kind",
            "times",
            "after_send",
            "seconds",
            "http_status",
            "status",
            "body",
            "reset_in",
            "limit",
            "window",
        }
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        try:
            return cls(
                kind=FaultKind(str(data["kind"])),
                times=_optional_int(data.get("times", 1)),
                after_send=bool(data.get("after_send", False)),
                seconds=float(str(data.get("seconds", 0))),
                http_status=_optional_int(data.get("http_status")),
                status=_optional_int(data.get("status")),
                body=None if data.get("body") is None else str(data["body"]),
                reset_in=cast("ResetPoint", str(data.get("reset_in", "body"))),
                limit=int(str(data.get("limit", 1))),
                window=float(str(data.get("window", 1.0))),
            )
        except KeyError as err:
            raise ValueError("a fault needs a kind") from err

    def to_json(self) -> dict[str, object]:
        """Describe the fault as the admin endpoint accepts it."""
        return {
            "kind": str(self.kind),
            "times": self.times,
            "after_send": self.after_send,
            "seconds": self.seconds,
            "http_status": self.http_status,
            "status": self.status,
            "body": self.body,
            "reset_in": self.reset_in,
            "limit": self.limit,
            "window": self.window,
        }


def _optional_int(value: object) -> int | None:
    if value is None:
        return None
    return int(str(value))


def default_account() -> Account:
    """Build the account every test starts with unless it brings its own."""
    return Account(
        name=DEFAULT_ACCOUNT,
        credit=DEFAULT_CREDIT,
        users={DEFAULT_LOGIN: SmsUser(password=DEFAULT_PASSWORD)},
        senders=[DEFAULT_SENDER],
    )


def second_account(credit: Decimal | float | str = DEFAULT_CREDIT) -> Account:
    """Build the second published account, served with --second-account."""
    return Account(
        name=SECOND_ACCOUNT,
        credit=to_decimal(credit),
        users={SECOND_LOGIN: SmsUser(password=SECOND_PASSWORD)},
        senders=[SECOND_SENDER],
    )


class SimulatorState:
    """Everything one simulator instance knows; the aiohttp app only reads and changes this."""

    def __init__(
        self,
        accounts: Iterable[Account] | None = None,
        *,
        missing_before_auth: bool = True,
        json_ids_key: Literal["SmsIds", "smsIds"] = "SmsIds",
        html_layout: HtmlLayout = HtmlLayout.XHTML,
        first_sms_id: int = DEFAULT_FIRST_SMS_ID,
        short_code: str = DEFAULT_SHORT_CODE,
        clock: Callable[[], float] = time.monotonic,
        delivery: DeliverySettings | None = None,
        state_file: Path | None = None,
    ) -> None:
        """Start with the given accounts, or the default one; options pin down unknown behaviour.

        missing_before_auth: whether a missing from/to/message (201) is reported before a wrong
        login or password (401). OVH's order is not known, so both can be tested.
        """
        if json_ids_key not in ("SmsIds", "smsIds"):
            raise ValueError("json_ids_key must be 'SmsIds' or 'smsIds'")
        self.missing_before_auth = missing_before_auth
        self.json_ids_key: Literal["SmsIds", "smsIds"] = json_ids_key
        self.html_layout = HtmlLayout(html_layout)
        self.first_sms_id = first_sms_id
        self.short_code = short_code
        self.clock = clock
        self.accounts: dict[str, Account] = {}
        for account in [default_account()] if accounts is None else accounts:
            self.add_account(account)
        self._initial_accounts = copy.deepcopy(self.accounts)
        self.outbox: list[SentSms] = []
        self.requests: list[RequestRecord] = []
        self.faults: list[Fault] = []
        self._next_sms_id = first_sms_id
        self._recent_requests: deque[float] = deque(maxlen=10_000)
        self.delivery = delivery if delivery is not None else DeliverySettings()
        # What the simulator's calls to callback URLs gave (see callbacks.py).
        self.callback_log: deque[dict[str, object]] = deque(maxlen=CALLBACK_LOG_SIZE)
        # Replies sent as a phone from the outbox page.
        self.replies: list[dict[str, object]] = []
        # Grows at each reset: reports of SMS sent before one stop.
        self.generation = 0
        self.state_file: Path | None = None
        if state_file is not None:
            self.use_state_file(state_file)

    def add_account(self, account: Account) -> None:
        """Add or replace an account; reset() will bring it back as it is now."""
        self.accounts[account.name] = account
        if hasattr(self, "_initial_accounts"):
            self._initial_accounts[account.name] = copy.deepcopy(account)

    def account(self, name: str) -> Account:
        """Return the account called name, or raise KeyError."""
        return self.accounts[name]

    def set_credit(self, name: str, credit: Decimal | float | str) -> Decimal:
        """Set an account's credit, as buying credit would; returns the new amount."""
        amount = to_decimal(credit)
        if amount < 0:
            raise ValueError("credit cannot be negative")
        self.accounts[name].credit = amount
        return amount

    def inject(self, fault: Fault) -> Fault:
        """Apply fault to the next requests (see Fault.times)."""
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Let every following request through untouched."""
        self.faults.clear()

    def reset(self) -> None:
        """Forget the outbox, the request log and the faults, and restore the initial accounts.

        The SMS ids go on from where they were: an id is never given twice.
        """
        self.accounts = copy.deepcopy(self._initial_accounts)
        self.outbox.clear()
        self.requests.clear()
        self.faults.clear()
        self._recent_requests.clear()
        self.callback_log.clear()
        self.replies.clear()
        self.generation += 1
        # Ids already given may still be matched by whoever received them (a delivery report,
        # a record of what was sent): like OVH's, they never come again.
        if self.state_file is not None:
            self.save()

    def next_sms_id(self) -> int:
        """Hand out increasing SMS ids, like OVH's."""
        sms_id = self._next_sms_id
        self._next_sms_id += 1
        return sms_id

    def use_state_file(self, path: Path) -> None:
        """Take the outbox and the id counter from path (if it exists), and save there from now."""
        self.state_file = path
        self._restore(path)

    def save(self) -> None:
        """Write the outbox and the id counter to the state file, if any, atomically."""
        if self.state_file is None:
            return
        data = {
            "version": STATE_FILE_VERSION,
            "next_sms_id": self._next_sms_id,
            "outbox": [sms.to_json() for sms in self.outbox],
        }
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        try:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.state_file)
        except OSError as err:
            # The SMS is sent and charged all the same; only the memory of it is at risk.
            _LOGGER.warning("Could not save the simulator's state file: %s", err)

    def _restore(self, path: Path) -> None:
        """Read the outbox and the id counter; a damaged file is set aside, never fatal."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as err:
            self._start_after_damage(path, f"cannot be read ({err})", keep=False)
            return
        try:
            outbox, next_id = _read_state(raw)
        except (ValueError, TypeError, KeyError, RecursionError) as err:
            self._start_after_damage(path, f"is damaged ({err!r:.200})", keep=True)
            return
        self.outbox = outbox
        self._next_sms_id = max(
            [self.first_sms_id, next_id, *(sms.sms_id + 1 for sms in outbox)]
        )

    def _start_after_damage(self, path: Path, reason: str, *, keep: bool) -> None:
        floor = self.first_sms_id + int((time.time() - ID_FLOOR_EPOCH) * 1000)
        self._next_sms_id = max(self._next_sms_id, floor)
        aside = path.with_name(path.name + ".damaged")
        if keep:
            try:
                os.replace(path, aside)
            except OSError:
                aside = path
        _LOGGER.warning(
            "The simulator's state file %s %s: starting with an empty outbox (kept as %s); "
            "SMS ids start at %s so that none is given twice",
            path,
            reason,
            aside,
            self._next_sms_id,
        )

    def record_request(
        self, method: str, remote: str | None, params: Mapping[str, str]
    ) -> RequestRecord:
        """Log a request with its password masked, and count it for rate limits."""
        self._recent_requests.append(self.clock())
        record = RequestRecord(
            number=len(self.requests) + 1,
            received_at=datetime.now(UTC),
            method=method,
            remote=remote,
            params={
                name: MASKED if name == "password" else value
                for name, value in params.items()
            },
        )
        self.requests.append(record)
        return record

    def take_fault(self) -> Fault | None:
        """Return the fault that applies to the request just recorded, using one of its times."""
        now = self.clock()
        for fault in self.faults:
            if fault.kind is FaultKind.RATE_LIMIT:
                recent = sum(
                    1 for moment in self._recent_requests if moment > now - fault.window
                )
                if recent <= fault.limit:
                    continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
            return fault
        return None
