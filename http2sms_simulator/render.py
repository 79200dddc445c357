"""Write a reply in each contentType, byte for byte like OVH's documented examples."""

from __future__ import annotations

from enum import StrEnum
from html import escape as html_escape
import json
from xml.sax.saxutils import escape as xml_escape

from .gateway import Reply
from .state import HtmlLayout


class ContentType(StrEnum):
    """The reply formats http2sms offers through its contentType parameter."""

    TEXT_PLAIN = "text/plain"
    TEXT_XML = "text/xml"
    APPLICATION_XML = "application/xml"
    TEXT_JSON = "text/json"
    APPLICATION_JSON = "application/json"
    TEXT_HTML = "text/html"

    @classmethod
    def from_param(cls, value: str | None) -> ContentType:
        """Read the contentType parameter; an unknown value gets the default (GUESS)."""
        try:
            return cls((value or "").strip().lower())
        except ValueError:
            return cls.TEXT_PLAIN


XML_PROLOGUE = '<?xml version="1.0" encoding="UTF-8" ?>'
XHTML_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    "<HTML>\n"
    "<HEAD>\n"
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" >\n'
    "<title>HTTP2SMS</title>\n"
    "</HEAD>\n"
    "<BODY>\n"
)
# The guide shows nothing after </HTML>; a final newline is a GUESS.
XHTML_TAIL = "</BODY>\n</HTML>\n"
# GUESS: the lower-case layout some clients parse; its exact bytes were never published.
HTML5_HEAD = (
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    '<meta charset="utf-8">\n'
    "<title>HTTP2SMS</title>\n"
    "</head>\n"
    "<body>\n"
)
HTML5_TAIL = "</body>\n</html>\n"


def _first_line(reply: Reply) -> str:
    return "OK" if reply.sent else "KO"


def _success_lines(reply: Reply) -> list[str]:
    return [reply.credit_left or "0", *(str(sms_id) for sms_id in reply.sms_ids)]


def render_json(reply: Reply, *, ids_key: str = "SmsIds") -> str:
    """Compact JSON with creditLeft as a string and ids as strings, as OVH sends them."""
    body: dict[str, object] = {"status": reply.status}
    if reply.sent:
        body["creditLeft"] = reply.credit_left
        body[ids_key] = [str(sms_id) for sms_id in reply.sms_ids]
    else:
        body["message"] = reply.json_message or reply.message or ""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def render_xml(reply: Reply) -> str:
    """One-line XML, as in OVH's example."""
    parts = [XML_PROLOGUE, "<response>", f"<status>{reply.status}</status>"]
    if reply.sent:
        parts.append(f"<creditLeft>{xml_escape(reply.credit_left or '0')}</creditLeft>")
        parts.append("<smsIds>")
        parts.extend(f"<smsId>{sms_id}</smsId>" for sms_id in reply.sms_ids)
        parts.append("</smsIds>")
    else:
        parts.append(f"<message>{xml_escape(reply.message or '')}</message>")
    parts.append("</response>")
    return "".join(parts)


def render_text(reply: Reply) -> str:
    """OK, credit and one id per line; or KO and the reason. No final newline."""
    if reply.sent:
        return "\n".join([_first_line(reply), *_success_lines(reply)])
    return f"{_first_line(reply)}\n{reply.message or ''}"


def render_html(reply: Reply, *, layout: HtmlLayout = HtmlLayout.XHTML) -> str:
    """Write the text lines with <br>, in the guide's upper-case XHTML page or an HTML5 one."""
    head, tail = (
        (XHTML_HEAD, XHTML_TAIL)
        if layout is HtmlLayout.XHTML
        else (HTML5_HEAD, HTML5_TAIL)
    )
    if reply.sent:
        lines = "".join(
            f"{html_escape(line)}<br>\n"
            for line in [_first_line(reply), *_success_lines(reply)]
        )
    else:
        # The guide's failure page keeps KO and the reason on one line.
        lines = f"{_first_line(reply)}<br>{html_escape(reply.message or '', quote=False)}<br>\n"
    return f"{head}{lines}{tail}"


def render(
    reply: Reply,
    content_type: ContentType,
    *,
    ids_key: str = "SmsIds",
    html_layout: HtmlLayout = HtmlLayout.XHTML,
) -> str:
    """Write reply in the asked content type."""
    match content_type:
        case ContentType.TEXT_JSON | ContentType.APPLICATION_JSON:
            return render_json(reply, ids_key=ids_key)
        case ContentType.TEXT_XML | ContentType.APPLICATION_XML:
            return render_xml(reply)
        case ContentType.TEXT_HTML:
            return render_html(reply, layout=html_layout)
        case _:
            return render_text(reply)


def error_page(http_status: int, reason: str) -> str:
    """Write the HTML page a front proxy answers with when the CGI is down or overloaded."""
    title = f"{http_status} {reason}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
