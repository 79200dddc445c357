"""Reading http2sms replies in every layout the service is known to produce.

The client asks for JSON, but a proxy, a changed default or an old account can hand back
text/plain, XML or one of two HTML layouts; all of them carry the same facts, so all are read.
The layout is recognised from the body itself, not from a Content-Type header that may lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
import html
import json
import re
from typing import Any

from .exceptions import Http2SmsInvalidResponseError

_HTML_BODY = re.compile(
    r"<body[^>]*>(?P<body>.*?)(?:</body>|$)", re.IGNORECASE | re.DOTALL
)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]+>")
_XML_END = re.compile(r"</response>\s*$", re.IGNORECASE)
_XML_SMS_ID = re.compile(r"<smsId>([^<]*)</smsId>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reply:
    """The facts of one reply, whatever its layout.

    `status` is None when the layout has no code (text and HTML failures say only "KO").
    """

    status: int | None
    reason: str
    credits_left: Decimal | None
    sms_ids: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        """Tell whether the service took the SMS: "above 100 and below 200 = sent"."""
        return self.status is not None and 100 <= self.status < 200


def parse_reply(body: str) -> Reply:
    """Read a reply body; raise Http2SmsInvalidResponseError when it is not one."""
    text = body.strip().lstrip("\ufeff")
    if not text:
        raise Http2SmsInvalidResponseError("The reply body is empty")
    if text.startswith("{"):
        return _parse_json(text)
    lowered = text[:200].lower()
    if lowered.startswith(("<?xml", "<response")):
        return _parse_xml(text)
    if "<html" in lowered or "<!doctype html" in lowered:
        return _parse_lines(_html_lines(text))
    return _parse_lines(text.splitlines())


def _parse_json(text: str) -> Reply:
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as err:
        raise Http2SmsInvalidResponseError("The JSON reply is malformed") from err
    if not isinstance(data, dict):
        raise Http2SmsInvalidResponseError("The JSON reply is not an object")
    status = _status(data.get("status"))
    ids = data.get("SmsIds", data.get("smsIds")) or []
    if not isinstance(ids, list):
        raise Http2SmsInvalidResponseError("The JSON reply has malformed SMS ids")
    return Reply(
        status=status,
        reason=str(data.get("message") or ""),
        credits_left=_credit(data.get("creditLeft")),
        sms_ids=tuple(str(sms_id) for sms_id in ids),
    )


def _parse_xml(text: str) -> Reply:
    """Read the flat XML layout with patterns: no XML parser meets a body it cannot trust."""
    if not _XML_END.search(text):
        raise Http2SmsInvalidResponseError("The XML reply is malformed")
    return Reply(
        status=_status(_xml_value(text, "status")),
        reason=_xml_value(text, "message") or "",
        credits_left=_credit(_xml_value(text, "creditLeft")),
        sms_ids=tuple(
            html.unescape(value).strip() for value in _XML_SMS_ID.findall(text)
        ),
    )


def _xml_value(text: str, name: str) -> str | None:
    match = re.search(rf"<{name}>([^<]*)</{name}>", text, re.IGNORECASE)
    return html.unescape(match.group(1)).strip() if match else None


def _html_lines(text: str) -> list[str]:
    match = _HTML_BODY.search(text)
    if match is None:
        raise Http2SmsInvalidResponseError("The HTML reply has no body")
    lines = _HTML_BREAK.split(match.group("body"))
    return [html.unescape(_HTML_TAG.sub("", line)) for line in lines]


def _parse_lines(raw_lines: list[str]) -> Reply:
    lines = [line.strip() for line in raw_lines if line.strip()]
    if not lines or lines[0].upper() not in ("OK", "KO"):
        raise Http2SmsInvalidResponseError("The reply is in no known layout")
    if lines[0].upper() == "KO":
        return Reply(
            status=None, reason=" ".join(lines[1:]), credits_left=None, sms_ids=()
        )
    return Reply(
        status=100,
        reason="",
        credits_left=_credit(lines[1]) if len(lines) > 1 else None,
        sms_ids=tuple(lines[2:]),
    )


def _status(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError as err:
        raise Http2SmsInvalidResponseError("The reply has no readable status") from err


def _credit(value: Any) -> Decimal | None:
    """Read `creditLeft`, documented as a string and seen as "230.50" and as the number 53.00.

    An unreadable credit is None rather than an error: it arrives with replies whose SMS may
    have been sent, and an error there would invite a retry that sends it twice.
    """
    try:
        credit = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return credit if credit.is_finite() else None
