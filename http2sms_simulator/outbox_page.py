"""The outbox as phones would show it: one phone per recipient, one bubble per SMS.

An SMS from the reply-capable short code offers "Reply as this phone": a form posted to
/_simulator/reply, which calls the account's reply URL as OVHcloud would (see callbacks.py).
"""

from __future__ import annotations

from html import escape

from .parts import Coding
from .state import SentSms, SimulatorState, format_credit

REFRESH_SECONDS = 3

STYLE = """
body { font-family: system-ui, sans-serif; background: #eef1f4; margin: 1.5rem; color: #1d2530; }
header { margin-bottom: 1rem; }
.phones { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.phone { width: 20rem; background: #fff; border: 10px solid #1d2530; border-radius: 2rem;
  padding: 1rem 0.8rem 1.5rem; box-shadow: 0 4px 14px rgba(0,0,0,.15); }
.phone h2 { font-size: 1rem; text-align: center; margin: 0 0 .8rem; }
.bubble { background: #e5e5ea; border-radius: 1.1rem; padding: .55rem .8rem; margin: .6rem 0;
  overflow-wrap: anywhere; }
.bubble.flash { background: #ffe9a8; border: 2px solid #e0a800; }
.from { font-weight: 600; font-size: .8rem; color: #4a5563; }
.badge { display: inline-block; font-size: .7rem; font-weight: 700; border-radius: .5rem;
  padding: 0 .4rem; margin-left: .3rem; background: #1d2530; color: #fff; }
.badge.flash { background: #e0a800; }
.badge.deferred { background: #2f6fde; }
.stop { color: #6b7480; }
.meta { font-size: .7rem; color: #6b7480; margin-top: .3rem; }
.empty { color: #6b7480; }
.status { font-weight: 600; }
.reply { display: flex; gap: .3rem; margin: .2rem 0 .6rem; }
.reply input[name=message] { flex: 1; min-width: 0; }
.answer { background: #2f6fde; color: #fff; border-radius: 1.1rem; padding: .55rem .8rem;
  margin: .4rem 0 .6rem 2.5rem; overflow-wrap: anywhere; }
"""
# Reloads like the refresh below, but not while someone is typing a reply.
RELOAD_SCRIPT = (
    "<script>setInterval(function () {"
    "var typing = Array.prototype.some.call("
    "document.querySelectorAll('form.reply input[name=message]'),"
    " function (i) { return i.value || i === document.activeElement; });"
    f"if (!typing) location.reload();}}, {REFRESH_SECONDS * 1000});</script>"
)


def _text_html(text: str) -> str:
    """Escape the text and show CR (the http2sms line break), CRLF and LF as line breaks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(escape(line) for line in lines)


def _reply_form(sms: SentSms) -> str:
    return (
        '<form class="reply" method="post" action="/_simulator/reply">'
        f'<input type="hidden" name="sms_id" value="{sms.sms_id}">'
        '<input name="message" maxlength="1600" required placeholder="Your reply">'
        '<button type="submit">Reply as this phone</button></form>'
    )


def _answers(state: SimulatorState, sms: SentSms) -> str:
    return "".join(
        f'<div class="answer">{_text_html(str(reply["message"]))}</div>'
        for reply in state.replies
        if reply["sms_id"] == sms.sms_id
    )


def _bubble(sms: SentSms, short_code: str) -> str:
    badges = []
    if sms.flash:
        badges.append('<span class="badge flash">Flash</span>')
    if sms.deferred is not None:
        when = sms.deferred.strftime("%d/%m/%Y %H:%M")
        badges.append(f'<span class="badge deferred">Deferred {escape(when)}</span>')
    stop = (
        ""
        if sms.no_stop
        else f'<br><span class="stop">STOP au {escape(short_code)}</span>'
    )
    coding = "GSM-7" if sms.coding is Coding.GSM7 else "Unicode"
    tag = f" · tag {escape(sms.tag)}" if sms.tag else ""
    return (
        f'<div class="bubble{" flash" if sms.flash else ""}" data-sms-id="{sms.sms_id}">'
        f'<div class="from">{escape(sms.sender)}{"".join(badges)}</div>'
        f'<div class="text">{_text_html(sms.text)}{stop}</div>'
        f'<div class="meta">#{sms.sms_id} · {sms.sent_at.strftime("%H:%M:%S")} UTC · '
        f"{sms.parts} part{'s' if sms.parts > 1 else ''} {coding} · cost {sms.cost} · "
        f"{escape(sms.account)}/{escape(sms.login)} · {escape(sms.method)}{tag} · "
        f'<span class="status">{escape(sms.status)}</span></div>'
        "</div>"
    )


def render_outbox_page(state: SimulatorState) -> str:
    """Render an auto-refreshing page with every accepted SMS, grouped by recipient."""
    phones: dict[str, list[SentSms]] = {}
    for sms in state.outbox:
        phones.setdefault(sms.recipient, []).append(sms)
    balances = ", ".join(
        f"{escape(account.name)}: {format_credit(account.credit)} credits"
        for account in state.accounts.values()
    )
    if phones:
        body = "".join(
            f'<section class="phone" data-recipient="{escape(number)}">'
            f"<h2>+{escape(number[2:])}</h2>"
            + "".join(
                _bubble(sms, state.short_code)
                + _answers(state, sms)
                + (_reply_form(sms) if sms.short_code else "")
                for sms in messages
            )
            + "</section>"
            for number, messages in phones.items()
        )
    else:
        body = '<p class="empty">No SMS sent yet.</p>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<noscript><meta http-equiv="refresh" content="{REFRESH_SECONDS}"></noscript>'
        "<title>http2sms simulator outbox</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>http2sms simulator outbox</h1><p>{balances}</p></header>"
        f'<main class="phones">{body}</main>{RELOAD_SCRIPT}'
        "</body></html>\n"
    )
