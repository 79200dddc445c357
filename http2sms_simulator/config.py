"""Build a simulator state from a JSON config file (the CLI's --config); bad types raise TypeError."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
import json
from pathlib import Path
from typing import Literal

from .delivery import DeliverySettings
from .state import Account, HtmlLayout, SimulatorState, SmsUser, check_url, to_decimal


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} must be a JSON object")
    return value


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError(f"{where} must be a list of strings")
    return list(value)


def _amount(value: object, where: str) -> Decimal:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise TypeError(f"{where} must be a number or a numeric string")
    return to_decimal(value)


def account_from_json(data: object) -> Account:
    """Read one account: name, credit, users {login: {password, allowed_ips}}, senders, rates."""
    account = _mapping(data, "an account")
    name = account.get("name")
    if not isinstance(name, str):
        raise TypeError("an account needs a name")
    users = {}
    for login, user_data in _mapping(account.get("users", {}), f"{name}.users").items():
        user = _mapping(user_data, f"{name}.users.{login}")
        password = user.get("password")
        if not isinstance(password, str):
            raise TypeError(f"{name}.users.{login} needs a password")
        users[login] = SmsUser(
            password=password,
            allowed_ips=_strings(
                user.get("allowed_ips", []), f"{name}.users.{login}.allowed_ips"
            ),
            callback_url=check_url(
                user.get("callback_url"), f"{name}.users.{login}.callback_url"
            ),
        )
    return Account(
        name=name,
        credit=_amount(account.get("credit", 100), f"{name}.credit"),
        users=users,
        senders=_strings(account.get("senders", []), f"{name}.senders"),
        rates={
            prefix: _amount(rate, f"{name}.rates.{prefix}")
            for prefix, rate in _mapping(
                account.get("rates", {}), f"{name}.rates"
            ).items()
        },
        default_rate=_amount(account.get("default_rate", 1), f"{name}.default_rate"),
        status_callback_url=check_url(
            account.get("status_callback_url"), f"{name}.status_callback_url"
        ),
        reply_url=check_url(account.get("reply_url"), f"{name}.reply_url"),
    )


def state_from_json(data: object) -> SimulatorState:
    """Read {"accounts": [...], "missing_before_auth": ..., "json_ids_key": ..., ...}.

    "delivery" takes DeliverySettings' fields; "state_file" keeps the outbox across restarts.
    """
    config = _mapping(data, "the config")
    accounts = config.get("accounts", [])
    if not isinstance(accounts, list):
        raise TypeError("accounts must be a list")
    ids_key = config.get("json_ids_key", "SmsIds")
    if ids_key not in ("SmsIds", "smsIds"):
        raise ValueError("json_ids_key must be 'SmsIds' or 'smsIds'")
    json_ids_key: Literal["SmsIds", "smsIds"] = (
        "smsIds" if ids_key == "smsIds" else "SmsIds"
    )
    state_file = config.get("state_file")
    if state_file is not None and not isinstance(state_file, str):
        raise TypeError("state_file must be a path")
    return SimulatorState(
        [account_from_json(account) for account in accounts],
        missing_before_auth=bool(config.get("missing_before_auth", True)),
        json_ids_key=json_ids_key,
        html_layout=HtmlLayout(str(config.get("html_layout", HtmlLayout.XHTML))),
        first_sms_id=int(str(config.get("first_sms_id", 10867690))),
        short_code=str(config.get("short_code", "36111")),
        delivery=DeliverySettings().updated(
            _mapping(config.get("delivery", {}), "delivery")
        ),
        state_file=None if state_file is None else Path(state_file),
    )


def load_config(path: Path) -> SimulatorState:
    """Read a config file."""
    return state_from_json(json.loads(path.read_text(encoding="utf-8")))
