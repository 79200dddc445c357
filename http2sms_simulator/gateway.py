"""What the http2sms CGI decides for one request: the checks, the charge and the outbox.

Check order (OVH's is only known for the first step):
1. account format (smsAccount alias): "Invalid smsAccount, ..." whatever the credentials [WILD].
2. missing login, then password (201).
3. with missing_before_auth (default): missing from, to, message (201), then the credentials;
   without it: the credentials first, then missing from, to, message.
   Credentials: unknown account, unknown login or wrong password, IP not allowed (401).
4. sender (241), recipients, class, smsCoding, deferred, tag, message length,
   URL with a short code, credit (202).
5. accepted (100): one SMS per recipient, charged parts x recipients x rate.

Every request either fails before anything is recorded or is recorded and charged as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
import hmac
import re
from zoneinfo import ZoneInfo

from .parts import MAX_PARTS, Coding, count_parts
from .state import Account, SentSms, SimulatorState, SmsUser, format_credit

STATUS_SENT = 100
STATUS_MISSING = 201
STATUS_INVALID = 202
STATUS_SENDER_NOT_FOUND = 241
STATUS_UNAUTHORIZED = 401

GUIDE_URL = "http://guides.ovh.com/httpToSms"
# OVH's own JSON example misspells the link; reproduced so that clients never match on it.
GUIDE_URL_JSON = "http//:guides.ovh.com/httpToSms"
INVALID_ACCOUNT = "Invalid smsAccount, it should look like 'sms-ab1234-1'."
# GUESS: status of the invalid-account reply; only its text was captured.
INVALID_ACCOUNT_STATUS = STATUS_INVALID
# GUESS: what a valid account name looks like, from NIC handles (ab1234-ovh -> sms-ab1234-1).
ACCOUNT_PATTERN = re.compile(r"sms-[a-z]{2}\d+-\d+")
# International numbers, 00 or a %2B-encoded + then a country code; a local 06... number fails.
NUMBER_PATTERN = re.compile(r"(?:00|\+)([1-9]\d{6,14})")
# GUESS: what OVH calls a URL when it refuses one on a short code.
URL_PATTERN = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|fr|net|org|eu|io|info|be|ch|de|ly|me)\b"
)
# GUESS: OVH is in France; the deferred time zone is not documented.
DEFERRED_TIME_ZONE = ZoneInfo("Europe/Paris")
MAX_TAG_LENGTH = 20
SMS_CLASSES = {"0": 0, "1": 1, "2": 2, "3": 3}
SMS_CODINGS = {"1": Coding.GSM7, "2": Coding.UCS2}


@dataclass(slots=True)
class Reply:
    """The outcome of one request, before it is rendered in the asked content type."""

    status: int
    message: str | None = None
    credit_left: str | None = None
    sms_ids: list[int] = field(default_factory=list)
    # Set when the JSON body's text differs from the other formats' (OVH's misspelled link).
    json_message: str | None = None

    @property
    def sent(self) -> bool:
        """Statuses from 100 to 199 mean the SMS went out."""
        return 100 <= self.status < 200


class Refusal(Exception):
    """Stops the checks with a KO reply."""

    def __init__(
        self, status: int, message: str, json_message: str | None = None
    ) -> None:
        """Remember the status and the reason OVH would print."""
        super().__init__(message)
        self.reply = Reply(status=status, message=message, json_message=json_message)


def _missing(name: str) -> Refusal:
    if name == "message":
        return Refusal(
            STATUS_MISSING,
            f"Missing message. For more informations : {GUIDE_URL}",
            f"Missing message. For more informations : {GUIDE_URL_JSON}",
        )
    # "Missing login" and "Missing password" are documented; the others follow them (GUESS).
    return Refusal(STATUS_MISSING, f"Missing {name}")


def _account_name(params: Mapping[str, str]) -> str:
    name = params.get("account") or params.get("smsAccount") or ""
    if not ACCOUNT_PATTERN.fullmatch(name):
        raise Refusal(INVALID_ACCOUNT_STATUS, INVALID_ACCOUNT)
    return name


def _uses_short_code(params: Mapping[str, str]) -> bool:
    return params.get("senderForResponse") == "1"


def _check_present(params: Mapping[str, str], names: tuple[str, ...]) -> None:
    """Report the first empty or absent parameter; an empty value counts as missing (GUESS)."""
    for name in names:
        if name == "from" and _uses_short_code(params):
            continue
        if not params.get(name):
            raise _missing(name)


def _authenticate(
    state: SimulatorState,
    account_name: str,
    params: Mapping[str, str],
    remote: str | None,
) -> tuple[Account, SmsUser]:
    account = state.accounts.get(account_name)
    if account is None:
        # GUESS: text and status for an account that does not exist.
        raise Refusal(STATUS_UNAUTHORIZED, f"Unknown smsAccount {account_name}")
    login = params["login"]
    user = account.users.get(login)
    if user is None or not hmac.compare_digest(
        user.password.encode(), params["password"].encode()
    ):
        # GUESS: text and status for an unknown login or a wrong password.
        raise Refusal(STATUS_UNAUTHORIZED, "Invalid login or password")
    if user.allowed_ips and remote not in user.allowed_ips:
        # 401 is documented for a refused IP; the text is a GUESS.
        raise Refusal(
            STATUS_UNAUTHORIZED, f"IP {remote} is not allowed for the SMS user {login}"
        )
    return account, user


def _recipients(raw: str) -> list[str]:
    """Split and normalise to 00 form; empty items (a trailing comma) are ignored (GUESS)."""
    numbers = []
    for item in raw.split(","):
        if not item:
            continue
        match = NUMBER_PATTERN.fullmatch(item)
        if match is None:
            # GUESS: text for a number that is not in international format.
            raise Refusal(STATUS_INVALID, f"Invalid receiver {item}")
        numbers.append("00" + match.group(1))
    if not numbers:
        raise _missing("to")
    return numbers


def _deferred(raw: str) -> datetime | None:
    """Parse hhmmddMMYYYY in French time; a time in the past is accepted and sent at once (GUESS)."""
    if not raw:
        return None
    if len(raw) != 12 or not raw.isascii() or not raw.isdigit():
        raise Refusal(STATUS_INVALID, "Invalid deferred time")
    try:
        return datetime(
            year=int(raw[8:12]),
            month=int(raw[6:8]),
            day=int(raw[4:6]),
            hour=int(raw[0:2]),
            minute=int(raw[2:4]),
            tzinfo=DEFERRED_TIME_ZONE,
        )
    except ValueError as err:
        raise Refusal(STATUS_INVALID, "Invalid deferred time") from err


def _choice[T](
    params: Mapping[str, str], name: str, choices: Mapping[str, T]
) -> T | None:
    raw = params.get(name, "")
    if not raw:
        return None
    if raw not in choices:
        # GUESS: text for a class or smsCoding outside the documented values.
        raise Refusal(STATUS_INVALID, f"Invalid {name}")
    return choices[raw]


def process(
    state: SimulatorState, params: Mapping[str, str], *, method: str, remote: str | None
) -> Reply:
    """Run every check on one request and, if all pass, send and charge its SMS."""
    try:
        return _send(state, params, method=method, remote=remote)
    except Refusal as refusal:
        return refusal.reply


def _send(
    state: SimulatorState, params: Mapping[str, str], *, method: str, remote: str | None
) -> Reply:
    account_name = _account_name(params)
    _check_present(params, ("login", "password"))
    if state.missing_before_auth:
        _check_present(params, ("from", "to", "message"))
        account, _user = _authenticate(state, account_name, params, remote)
    else:
        account, _user = _authenticate(state, account_name, params, remote)
        _check_present(params, ("from", "to", "message"))

    short_code = _uses_short_code(params)
    # With a short code, a given from is ignored (GUESS).
    sender = state.short_code if short_code else params["from"]
    if not short_code and sender not in account.senders:
        raise Refusal(STATUS_SENDER_NOT_FOUND, f"Sms sender {sender} does not exists")
    recipients = _recipients(params["to"])
    sms_class = _choice(params, "class", SMS_CLASSES)
    coding = _choice(params, "smsCoding", SMS_CODINGS)
    deferred = _deferred(params.get("deferred", ""))
    tag = params.get("tag") or None
    if tag is not None and len(tag) > MAX_TAG_LENGTH:
        raise Refusal(STATUS_INVALID, "Invalid tag: is too long")

    message = params["message"]
    no_stop = params.get("noStop") == "1"
    count = count_parts(message, coding=coding, stop_mention=not no_stop)
    if count.parts > MAX_PARTS:
        # GUESS: text for a message longer than 6 parts.
        raise Refusal(
            STATUS_INVALID, f"Invalid message: is too long ({count.parts} parts)"
        )
    if short_code and URL_PATTERN.search(message):
        # Documented refusal (FAQ); the text is a GUESS.
        raise Refusal(
            STATUS_INVALID, "Invalid message: URLs are not allowed with a short code"
        )

    costs = [count.parts * account.rate_for(number) for number in recipients]
    total = sum(costs, Decimal(0))
    if total > account.credit:
        # GUESS: text for not enough credit.
        raise Refusal(STATUS_INVALID, "Not enough credits")

    account.credit -= total
    sent_at = datetime.now(UTC)
    sms_ids = []
    for number, cost in zip(recipients, costs, strict=True):
        sms = SentSms(
            sms_id=state.next_sms_id(),
            account=account.name,
            login=params["login"],
            sender=sender,
            short_code=short_code,
            recipient=number,
            message=message,
            text=count.text,
            # Class 1 is the documented default.
            sms_class=1 if sms_class is None else sms_class,
            no_stop=no_stop,
            deferred=deferred,
            tag=tag,
            coding=count.coding,
            parts=count.parts,
            cost=cost,
            sent_at=sent_at,
            method=method,
        )
        state.outbox.append(sms)
        sms_ids.append(sms.sms_id)
    state.save()
    return Reply(
        status=STATUS_SENT, credit_left=format_credit(account.credit), sms_ids=sms_ids
    )
