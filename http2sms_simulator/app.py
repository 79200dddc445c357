"""The aiohttp application: the http2sms endpoint, the read-only views and the admin endpoints.

Admin endpoints for what comes back (see callbacks.py and delivery.py):
- GET /_simulator/callbacks: every account's status and reply URLs and its users' callback URLs;
- POST /_simulator/callbacks {"account": ..., "login": ..., "callback_url": ...,
  "status_callback_url": ..., "reply_url": ...}: set the given URLs (null clears one; a
  callback_url needs the login of its SMS user);
- GET /_simulator/callbacks/log: the calls made so far (host only, never a path or query);
- GET|POST /_simulator/delivery {"outcomes": {"+33600000001": "failed"}, "delay": 1,
  "expiry": 10, "duplicates": false, "out_of_order": false}: how reports go (POST changes the
  given fields);
- POST /_simulator/reply {"sms_id": ..., "message": ...} (JSON, or the outbox page's form):
  answer an SMS from the short code as its recipient; 201 with the reply's id.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from http import HTTPStatus
import json
import logging
from urllib.parse import parse_qsl

from aiohttp import web

from .callbacks import CallbackDispatcher, ReplyRefused
from .gateway import Reply, process
from .outbox_page import render_outbox_page
from .render import ContentType, error_page, render
from .state import (
    Fault,
    FaultKind,
    RequestRecord,
    SimulatorState,
    check_url,
    format_credit,
)

_LOGGER = logging.getLogger(__name__)

HTTP2SMS_PATH = "/cgi-bin/sms/http2sms.cgi"
ADMIN_PREFIX = "/_simulator"
STATE_KEY = web.AppKey("state", SimulatorState)
DISPATCHER_KEY = web.AppKey("dispatcher", CallbackDispatcher)
MAX_ID_DIGITS = 19
DEFAULT_HTTP_ERROR = 503
DEFAULT_RATE_LIMIT_HTTP = 429
# GUESS: the body status and text for a rate limit reported inside a normal reply.
DEFAULT_RATE_LIMIT_STATUS = 429
RATE_LIMIT_MESSAGE = "Too many requests"
DEFAULT_UNKNOWN_STATUS = 999
UNKNOWN_STATUS_MESSAGE = "Unknown status (simulated)"


async def read_params(request: web.Request) -> dict[str, str]:
    """Read the query string and, for POST, the form body; the first value of a name wins.

    Decoding is a form decoder's: "+" is a space and "%2B" is a plus. A body value overrides the
    same name in the query string (GUESS: OVH's CGI may ignore the query string on POST).
    """
    params: dict[str, str] = {}
    for name, value in parse_qsl(
        request.rel_url.raw_query_string,
        keep_blank_values=True,
        encoding="utf-8",
        errors="replace",
    ):
        params.setdefault(name, value)
    if request.method == "POST":
        body: dict[str, str] = {}
        if request.content_type == "multipart/form-data":
            for field_name, field_value in (await request.post()).items():
                if isinstance(field_value, str):
                    body.setdefault(field_name, field_value)
        else:
            raw = (await request.read()).decode("utf-8", errors="replace")
            for name, value in parse_qsl(raw, keep_blank_values=True):
                body.setdefault(name, value)
        params.update(body)
    return params


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _render(state: SimulatorState, reply: Reply, content_type: ContentType) -> str:
    return render(
        reply, content_type, ids_key=state.json_ids_key, html_layout=state.html_layout
    )


def _reply_response(
    state: SimulatorState, reply: Reply, content_type: ContentType
) -> web.Response:
    body = _render(state, reply, content_type)
    return web.Response(text=body, content_type=str(content_type), charset="utf-8")


def _http_error(http_status: int) -> web.Response:
    reason = HTTPStatus(http_status).phrase if http_status in HTTPStatus else "Error"
    return web.Response(
        status=http_status,
        text=error_page(http_status, reason),
        content_type="text/html",
    )


def _placeholder(state: SimulatorState, params: dict[str, str]) -> Reply:
    """Make up a success-shaped reply for a fault that breaks a request never processed."""
    account = state.accounts.get(
        params.get("account") or params.get("smsAccount") or ""
    )
    credit = format_credit(account.credit) if account else "0"
    return Reply(status=100, credit_left=credit, sms_ids=[])


def _reset(
    request: web.Request, fault: Fault, body: bytes, content_type: ContentType
) -> None:
    """Send part of the reply, then close the connection under the client's feet."""
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"Content-Type: {content_type}; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    partial = (
        head[: len(head) // 2]
        if fault.reset_in == "headers"
        else head + body[: len(body) // 2]
    )
    transport = request.transport
    if transport is not None:
        transport.write(partial)
        transport.close()


def _broken_response(
    request: web.Request,
    fault: Fault,
    *,
    reply: Reply,
    content_type: ContentType,
    record: RequestRecord,
) -> web.Response:
    """Answer as fault says; the reply is the real one (after_send) or a placeholder."""
    state = request.app[STATE_KEY]
    record.fault = fault.kind
    record.outcome = "faulted"
    match fault.kind:
        case FaultKind.HTTP_ERROR:
            return _http_error(fault.http_status or DEFAULT_HTTP_ERROR)
        case FaultKind.RATE_LIMIT:
            http_status = fault.http_status or DEFAULT_RATE_LIMIT_HTTP
            if http_status != 200:
                return _http_error(http_status)
            limited = Reply(
                status=fault.status or DEFAULT_RATE_LIMIT_STATUS,
                message=RATE_LIMIT_MESSAGE,
            )
            record.status, record.reason = limited.status, limited.message
            return _reply_response(state, limited, content_type)
        case FaultKind.EMPTY:
            return web.Response(
                body=b"", content_type=str(content_type), charset="utf-8"
            )
        case FaultKind.UNKNOWN_STATUS:
            unknown = Reply(
                status=fault.status or DEFAULT_UNKNOWN_STATUS,
                message=UNKNOWN_STATUS_MESSAGE,
                credit_left=reply.credit_left,
                sms_ids=reply.sms_ids,
            )
            return _reply_response(state, unknown, content_type)
        case FaultKind.MALFORMED:
            text = fault.body
            if text is None:
                full = _render(state, reply, content_type)
                text = full[: len(full) // 2]
            return web.Response(
                text=text, content_type=str(content_type), charset="utf-8"
            )
        case _:
            _reset(
                request,
                fault,
                _render(state, reply, content_type).encode(),
                content_type,
            )
            record.outcome = "reset"
            # aiohttp sees the closed transport and drops this response silently.
            return web.Response()


async def handle_http2sms(request: web.Request) -> web.Response:
    """Check, send and reply like the http2sms CGI, unless a fault says otherwise."""
    state = request.app[STATE_KEY]
    params = await read_params(request)
    record = state.record_request(request.method, request.remote, params)
    content_type = ContentType.from_param(params.get("contentType"))
    fault = state.take_fault()
    try:
        if fault is not None and not fault.after_send:
            if fault.kind is not FaultKind.DELAY:
                return _broken_response(
                    request,
                    fault,
                    reply=_placeholder(state, params),
                    content_type=content_type,
                    record=record,
                )
            record.fault = fault.kind
            await asyncio.sleep(fault.seconds)
            if _client_gone(request):
                record.outcome = "client gone"
                return web.Response()
        reply = process(state, params, method=request.method, remote=request.remote)
        request.app[DISPATCHER_KEY].sms_accepted(reply.sms_ids)
        record.status, record.reason, record.sms_ids = (
            reply.status,
            reply.message,
            reply.sms_ids,
        )
        if fault is not None and fault.after_send:
            if fault.kind is not FaultKind.DELAY:
                return _broken_response(
                    request,
                    fault,
                    reply=reply,
                    content_type=content_type,
                    record=record,
                )
            record.fault = fault.kind
            await asyncio.sleep(fault.seconds)
        record.outcome = "replied"
        return _reply_response(state, reply, content_type)
    except asyncio.CancelledError:
        record.outcome = "client gone"
        raise


async def handle_outbox(request: web.Request) -> web.Response:
    """Every accepted SMS, oldest first."""
    state = request.app[STATE_KEY]
    return web.json_response([sms.to_json() for sms in state.outbox])


async def handle_requests(request: web.Request) -> web.Response:
    """Every http2sms request, with its password masked."""
    state = request.app[STATE_KEY]
    return web.json_response([record.to_json() for record in state.requests])


async def handle_accounts(request: web.Request) -> web.Response:
    """List the accounts with their credit, logins and senders (never a password)."""
    state = request.app[STATE_KEY]
    return web.json_response([account.to_json() for account in state.accounts.values()])


async def handle_page(request: web.Request) -> web.Response:
    """Show the outbox as phones would."""
    state = request.app[STATE_KEY]
    return web.Response(
        text=render_outbox_page(state), content_type="text/html", charset="utf-8"
    )


def _bad_request(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _json_object(request: web.Request) -> dict[str, object]:
    try:
        data = await request.json()
    except ValueError as err:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"body is not JSON: {err}"}),
            content_type="application/json",
        ) from err
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be a JSON object"}),
            content_type="application/json",
        )
    return data


async def handle_list_faults(request: web.Request) -> web.Response:
    """List the faults still waiting for requests."""
    state = request.app[STATE_KEY]
    return web.json_response([fault.to_json() for fault in state.faults])


async def handle_add_fault(request: web.Request) -> web.Response:
    """Inject a fault described by a JSON object (see Fault), e.g. {"kind": "reset"}."""
    state = request.app[STATE_KEY]
    data = await _json_object(request)
    try:
        fault = Fault.from_json(data)
    except ValueError as err:
        return _bad_request(str(err))
    state.inject(fault)
    _LOGGER.info("Injected fault %s", fault)
    return web.json_response(fault.to_json(), status=201)


async def handle_clear_faults(request: web.Request) -> web.Response:
    """Remove every fault."""
    request.app[STATE_KEY].clear_faults()
    return web.json_response([])


async def handle_reset(request: web.Request) -> web.Response:
    """Back to the initial accounts, with an empty outbox, request log and fault list."""
    request.app[STATE_KEY].reset()
    return web.json_response({"reset": True})


async def handle_credit(request: web.Request) -> web.Response:
    """Set an account's credit: {"account": "sms-ab1234-1", "credit": "12.50"}."""
    state = request.app[STATE_KEY]
    data = await _json_object(request)
    name = str(data.get("account", ""))
    if name not in state.accounts:
        return web.json_response({"error": f"unknown account {name!r}"}, status=404)
    raw = data.get("credit")
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        return _bad_request("credit must be a number or a numeric string")
    try:
        credit: Decimal = state.set_credit(name, raw)
    except ValueError as err:
        return _bad_request(str(err))
    return web.json_response({"account": name, "credit": format_credit(credit)})


async def handle_list_callbacks(request: web.Request) -> web.Response:
    """List the callback URLs of every account and SMS user."""
    state = request.app[STATE_KEY]
    return web.json_response(
        [
            {
                "account": account.name,
                "status_callback_url": account.status_callback_url,
                "reply_url": account.reply_url,
                "users": {
                    login: {"callback_url": user.callback_url}
                    for login, user in account.users.items()
                },
            }
            for account in state.accounts.values()
        ]
    )


async def handle_set_callbacks(request: web.Request) -> web.Response:
    """Set an account's status and reply URLs, or one SMS user's callback URL."""
    state = request.app[STATE_KEY]
    data = await _json_object(request)
    account = state.accounts.get(str(data.get("account", "")))
    if account is None:
        return web.json_response({"error": "unknown account"}, status=404)
    known = {"account", "login", "callback_url", "status_callback_url", "reply_url"}
    if unknown := set(data) - known:
        return _bad_request(f"unknown fields: {', '.join(sorted(unknown))}")
    user = None
    if "callback_url" in data:
        user = account.users.get(str(data.get("login", "")))
        if user is None:
            return _bad_request("callback_url needs the login of an SMS user")
    try:
        urls = {
            name: check_url(data[name], name)
            for name in ("callback_url", "status_callback_url", "reply_url")
            if name in data
        }
    except (TypeError, ValueError) as err:
        return _bad_request(str(err))
    if user is not None:
        user.callback_url = urls["callback_url"]
    if "status_callback_url" in urls:
        account.status_callback_url = urls["status_callback_url"]
    if "reply_url" in urls:
        account.reply_url = urls["reply_url"]
    return await handle_list_callbacks(request)


async def handle_callback_log(request: web.Request) -> web.Response:
    """List the calls made to callback URLs, newest last."""
    return web.json_response(list(request.app[STATE_KEY].callback_log))


async def handle_delivery(request: web.Request) -> web.Response:
    """Show, or on POST change, how delivery reports go."""
    state = request.app[STATE_KEY]
    if request.method == "POST":
        try:
            state.delivery = state.delivery.updated(await _json_object(request))
        except (TypeError, ValueError) as err:
            return _bad_request(str(err))
    return web.json_response(state.delivery.to_json())


async def handle_reply(request: web.Request) -> web.Response:
    """Reply to an SMS from the short code as its recipient (JSON, or the outbox page's form)."""
    from_page = request.content_type != "application/json"
    if from_page:
        data: dict[str, object] = dict(await read_params(request))
    else:
        data = await _json_object(request)
    raw_id, message = data.get("sms_id"), data.get("message")
    if (
        not isinstance(message, str)
        or isinstance(raw_id, bool)
        or not str(raw_id).isdigit()
        or len(str(raw_id)) > MAX_ID_DIGITS
    ):
        return _bad_request("a reply needs the sms_id it answers and a message")
    try:
        reply_id = request.app[DISPATCHER_KEY].reply(int(str(raw_id)), message)
    except ReplyRefused as err:
        if from_page:
            return web.Response(
                status=err.status, text=str(err), content_type="text/plain"
            )
        return web.json_response({"error": str(err)}, status=err.status)
    if from_page:
        raise web.HTTPSeeOther("/")
    return web.json_response({"id": reply_id}, status=201)


async def _close_dispatcher(app: web.Application) -> None:
    await app[DISPATCHER_KEY].close()


def create_app(state: SimulatorState | None = None) -> web.Application:
    """Build the simulator app around state (a default one when None)."""
    app = web.Application()
    app[STATE_KEY] = state if state is not None else SimulatorState()
    app[DISPATCHER_KEY] = CallbackDispatcher(app[STATE_KEY])
    app.on_cleanup.append(_close_dispatcher)
    app.router.add_route("GET", HTTP2SMS_PATH, handle_http2sms)
    app.router.add_route("POST", HTTP2SMS_PATH, handle_http2sms)
    app.router.add_get("/", handle_page)
    app.router.add_get(f"{ADMIN_PREFIX}/outbox", handle_outbox)
    app.router.add_get(f"{ADMIN_PREFIX}/requests", handle_requests)
    app.router.add_get(f"{ADMIN_PREFIX}/accounts", handle_accounts)
    app.router.add_get(f"{ADMIN_PREFIX}/faults", handle_list_faults)
    app.router.add_post(f"{ADMIN_PREFIX}/faults", handle_add_fault)
    app.router.add_delete(f"{ADMIN_PREFIX}/faults", handle_clear_faults)
    app.router.add_post(f"{ADMIN_PREFIX}/reset", handle_reset)
    app.router.add_post(f"{ADMIN_PREFIX}/credit", handle_credit)
    app.router.add_get(f"{ADMIN_PREFIX}/callbacks", handle_list_callbacks)
    app.router.add_post(f"{ADMIN_PREFIX}/callbacks", handle_set_callbacks)
    app.router.add_get(f"{ADMIN_PREFIX}/callbacks/log", handle_callback_log)
    app.router.add_get(f"{ADMIN_PREFIX}/delivery", handle_delivery)
    app.router.add_post(f"{ADMIN_PREFIX}/delivery", handle_delivery)
    app.router.add_post(f"{ADMIN_PREFIX}/reply", handle_reply)
    return app
