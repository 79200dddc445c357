"""Reading http2sms replies in every layout the service is known to produce.

The client asks for JSON, but a proxy, a changed default or an old account can hand back
text/plain, XML or one of two HTML layouts; all of them carry the same facts, so all are read.
The layout is recognised from the body itself, not from a Content-Type header that may lie.
A body may be hostile (a broken proxy, a captive portal): every step here is linear in its size
and ends in a reply or in Http2SmsInvalidResponseError, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
import html
import json
import logging
import re
from typing import Any

from .exceptions import Http2SmsInvalidResponseError

_LOGGER = logging.getLogger(__name__)

# Every pattern stops at the next "<": a body full of unclosed tags stays linear to scan.
_HTML_BODY_START = re.compile(r"<body[^<>]*>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^<>]*>")
_XML_SMS_ID = re.compile(r"<smsId>([^<]*)</smsId>", re.IGNORECASE)
# A genuine JSON reply nests two levels (an object holding the list of ids).
_MAX_JSON_DEPTH = 4
# A credit figure no SMS account can have is a broken or hostile reply, not a figure to show.
_MAX_CREDIT_DIGITS = 9
_MAX_CREDIT_DECIMALS = 3
# What every reply the service sends holds: read at once, without taking the figure apart.
_PLAIN_CREDIT = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,3})?")
# Exact figures: a credit of 0.1 stays 0.1, not 0.1000000000000000055...
_JSON_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal)


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
    if _json_depth_exceeds(text, _MAX_JSON_DEPTH):
        raise Http2SmsInvalidResponseError("The JSON reply is nested too deeply")
    try:
        data = _JSON_DECODER.decode(text)
    except (ValueError, RecursionError) as err:
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
        credits_left=read_credit(data.get("creditLeft")),
        sms_ids=tuple(str(sms_id) for sms_id in ids),
    )


def _json_depth_exceeds(text: str, limit: int) -> bool:
    """Tell, in one pass, whether brackets outside strings nest deeper than `limit`."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _parse_xml(text: str) -> Reply:
    """Read the flat XML layout with patterns: no XML parser meets a body it cannot trust."""
    if not text.rstrip().lower().endswith("</response>"):
        raise Http2SmsInvalidResponseError("The XML reply is malformed")
    return Reply(
        status=_status(_xml_value(text, "status")),
        reason=_xml_value(text, "message") or "",
        credits_left=read_credit(_xml_value(text, "creditLeft")),
        sms_ids=tuple(
            html.unescape(value).strip() for value in _XML_SMS_ID.findall(text)
        ),
    )


def _xml_value(text: str, name: str) -> str | None:
    match = re.search(rf"<{name}>([^<]*)</{name}>", text, re.IGNORECASE)
    return html.unescape(match.group(1)).strip() if match else None


def _html_lines(text: str) -> list[str]:
    match = _HTML_BODY_START.search(text)
    if match is None:
        raise Http2SmsInvalidResponseError("The HTML reply has no body")
    body = text[match.end() :]
    end = body.lower().find("</body>")
    lines = _HTML_BREAK.split(body if end < 0 else body[:end])
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
        credits_left=read_credit(lines[1]) if len(lines) > 1 else None,
        sms_ids=tuple(lines[2:]),
    )


def _status(value: Any) -> int:
    text = str(value).strip()
    # A status is three digits; a longer run of digits is no status (and int() would refuse
    # more than a few thousand of them with a ValueError of its own).
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise Http2SmsInvalidResponseError("The reply has no readable status")
    return int(text)


def read_credit(value: Any) -> Decimal | None:
    """Read `creditLeft`, documented as a string and seen as "230.50" and as the number 53.00.

    An unreadable or insane credit (not finite, 10^9 or more, over 3 decimals) is None rather
    than an error: it arrives with replies whose SMS may have been sent, and an error there
    would invite a retry that sends it twice.
    """
    if type(value) is str and _PLAIN_CREDIT.fullmatch(value):
        return Decimal(value)
    try:
        credit = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not credit.is_finite():
        return None
    _sign, digits, exponent = credit.as_tuple()
    assert isinstance(exponent, int)
    coefficient = "".join(map(str, digits))
    # Read from the exponent, never by formatting the figure: 1e-999999999 stays cheap.
    decimals = -exponent - (len(coefficient) - len(coefficient.rstrip("0")))
    if decimals > _MAX_CREDIT_DECIMALS or (
        credit and credit.adjusted() >= _MAX_CREDIT_DIGITS
    ):
        _LOGGER.debug("Ignoring a credit figure out of any sane range")
        return None
    return credit
