"""A local stand-in for OVH's http2sms gateway, faithful enough for every test to talk to it."""

from .app import HTTP2SMS_PATH, STATE_KEY, create_app
from .delivery import DeliveryOutcome, DeliverySettings
from .gateway import Reply, process
from .parts import Coding, PartCount, count_parts
from .render import ContentType, render
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
    Fault,
    FaultKind,
    HtmlLayout,
    RequestRecord,
    SentSms,
    SimulatorState,
    SmsUser,
    second_account,
)

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_CREDIT",
    "DEFAULT_LOGIN",
    "DEFAULT_PASSWORD",
    "DEFAULT_SENDER",
    "HTTP2SMS_PATH",
    "SECOND_ACCOUNT",
    "SECOND_LOGIN",
    "SECOND_PASSWORD",
    "SECOND_SENDER",
    "STATE_KEY",
    "Account",
    "Coding",
    "ContentType",
    "DeliveryOutcome",
    "DeliverySettings",
    "Fault",
    "FaultKind",
    "HtmlLayout",
    "PartCount",
    "Reply",
    "RequestRecord",
    "SentSms",
    "SimulatorState",
    "SmsUser",
    "count_parts",
    "create_app",
    "process",
    "render",
    "second_account",
]
