"""The command line: a real subprocess, plus its option handling in process."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
import signal
import sys
from typing import Any

import aiohttp
import pytest

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_CREDIT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
    SECOND_ACCOUNT,
    SECOND_LOGIN,
    SECOND_PASSWORD,
    SECOND_SENDER,
    process,
)
from http2sms_simulator.__main__ import build_parser, main, serve, state_from_args
from http2sms_simulator.config import state_from_json
from http2sms_simulator.state import HtmlLayout
from http2sms_simulator.testing import RunningSimulator

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = {
    "accounts": [
        {
            "name": "sms-xy9876-2",
            "credit": "10.5",
            "users": {"alarm": {"password": "Al4rmabc", "allowed_ips": ["127.0.0.1"]}},
            "senders": ["Alarm", "Home"],
            "rates": {"0044": 0.5},
        }
    ],
    "missing_before_auth": False,
    "json_ids_key": "smsIds",
    "html_layout": "html5",
}


async def _start(*args: str) -> tuple[asyncio.subprocess.Process, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "http2sms_simulator",
        "--port",
        "0",
        *args,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    endpoint = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    page = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    return process, endpoint.strip(), page.strip()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_cli_serves_and_stops_on_signal(
    socket_enabled: None, tmp_path: Path, signum: signal.Signals
) -> None:
    """The command prints its URLs, serves, and stops cleanly on a signal."""
    config = tmp_path / "accounts.json"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")
    process, endpoint_line, page_line = await _start("--config", str(config))
    try:
        assert endpoint_line.startswith("http2sms endpoint: http://127.0.0.1:")
        assert endpoint_line.endswith("/cgi-bin/sms/http2sms.cgi")
        assert page_line.startswith("outbox page: http://127.0.0.1:")
        endpoint = endpoint_line.split(": ", 1)[1]
        async with aiohttp.ClientSession() as session:
            async with session.post(
                endpoint,
                data={
                    "account": "sms-xy9876-2",
                    "login": "alarm",
                    "password": "Al4rmabc",
                    "from": "Alarm",
                    "to": "00447700900123",
                    "message": "Intruder",
                    "contentType": "application/json",
                },
            ) as response:
                assert await response.text() == (
                    '{"status":100,"creditLeft":"10","smsIds":["10867690"]}'
                )
            async with session.get(page_line.split(": ", 1)[1]) as response:
                assert "Intruder" in await response.text()
    finally:
        process.send_signal(signum)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()


async def test_cli_refuses_a_non_loopback_host() -> None:
    """The command refuses to listen beyond loopback."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "http2sms_simulator",
        "--host",
        "0.0.0.0",
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert b"not a loopback address" in stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--host", "192.0.2.1"],
        ["--config", "x.json", "--login", "someone"],
        ["--rate", "0044"],
        ["--credit", "lots"],
        ["--config", "/nonexistent/accounts.json"],
    ],
)
def test_main_refuses_bad_options(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad options exit with a usage error."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_single_account_flags() -> None:
    """The flags describe one account."""
    args = build_parser().parse_args(
        [
            "--account",
            "sms-cd5678-3",
            "--login",
            "me",
            "--password",
            "Passw0rd",
            "--sender",
            "One",
            "--sender",
            "Two",
            "--credit",
            "5.5",
            "--allowed-ip",
            "127.0.0.1",
            "--rate",
            "0044=0.5",
            "--missing-after-auth",
            "--json-ids-key",
            "smsIds",
            "--html-layout",
            "html5",
        ]
    )
    state = state_from_args(args)
    account = state.account("sms-cd5678-3")
    assert (str(account.credit), account.senders, str(account.rates["0044"])) == (
        "5.5",
        ["One", "Two"],
        "0.5",
    )
    assert account.users["me"].password == "Passw0rd"
    assert account.users["me"].allowed_ips == ["127.0.0.1"]
    assert (state.missing_before_auth, state.json_ids_key, state.html_layout) == (
        False,
        "smsIds",
        HtmlLayout.HTML5,
    )


def test_defaults() -> None:
    """Without options, the simulator serves its published default account."""
    state = state_from_args(build_parser().parse_args([]))
    account = state.account(DEFAULT_ACCOUNT)
    assert (account.credit, account.senders, list(account.users)) == (
        DEFAULT_CREDIT,
        [DEFAULT_SENDER],
        [DEFAULT_LOGIN],
    )
    assert state.missing_before_auth is True


@pytest.mark.parametrize("password", [DEFAULT_PASSWORD, SECOND_PASSWORD])
def test_published_passwords_are_ones_ovhcloud_would_give(password: str) -> None:
    """OVHcloud's Control Panel makes an SMS user's password 8 letters or digits, no more."""
    assert len(password) == 8
    assert password.isascii()
    assert password.isalnum()


def test_second_account() -> None:
    """--second-account serves one more account, with its own user, sender and credit."""
    state = state_from_args(build_parser().parse_args(["--second-account"]))
    assert sorted(state.accounts) == [DEFAULT_ACCOUNT, SECOND_ACCOUNT]
    params = {
        "account": SECOND_ACCOUNT,
        "login": SECOND_LOGIN,
        "password": SECOND_PASSWORD,
        "from": SECOND_SENDER,
        "to": "0033612345678",
        "message": "Added by hand",
    }
    assert process(state, params, method="POST", remote="127.0.0.1").status == 100
    assert state.account(SECOND_ACCOUNT).credit == DEFAULT_CREDIT - 1
    assert state.account(DEFAULT_ACCOUNT).credit == DEFAULT_CREDIT
    # Each user belongs to its account only.
    wrong = {**params, "account": DEFAULT_ACCOUNT}
    assert process(state, wrong, method="POST", remote="127.0.0.1").status == 401


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ([], TypeError),
        ({"accounts": {}}, TypeError),
        ({"accounts": [{"credit": 1}]}, TypeError),
        ({"accounts": [{"name": "sms-ab1234-1", "users": []}]}, TypeError),
        ({"accounts": [{"name": "sms-ab1234-1", "users": {"u": {}}}]}, TypeError),
        ({"accounts": [{"name": "sms-ab1234-1", "senders": "Home"}]}, TypeError),
        ({"accounts": [{"name": "sms-ab1234-1", "credit": None}]}, TypeError),
        ({"accounts": [{"name": "sms-ab1234-1", "credit": "x"}]}, ValueError),
        ({"json_ids_key": "ids"}, ValueError),
        ({"html_layout": "xml"}, ValueError),
    ],
)
def test_bad_config(config: object, error: type[Exception]) -> None:
    """A config file of the wrong shape is refused."""
    with pytest.raises(error):
        state_from_json(config)


async def test_serve_in_process(socket_enabled: None, tmp_path: Path) -> None:
    """serve() runs in the caller's loop and stops when asked."""
    config = tmp_path / "accounts.json"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")
    args = build_parser().parse_args(["--port", "0", "--config", str(config)])
    stop = asyncio.Event()
    out = io.StringIO()
    ready: asyncio.Future[RunningSimulator] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve(
            args, state_from_args(args), stop=stop, out=out, on_ready=ready.set_result
        )
    )
    try:
        waiters: list[asyncio.Future[Any]] = [task, ready]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        simulator = ready.result()
        assert out.getvalue() == (
            f"http2sms endpoint: {simulator.endpoint}\noutbox page: {simulator.outbox_url}\n"
        )
        assert simulator.state.account("sms-xy9876-2").credit == 10.5
    finally:
        stop.set()
        await task


async def test_cli_reports_a_busy_port(socket_enabled: None) -> None:
    """A busy port is reported, not a traceback."""
    from http2sms_simulator.testing import run_simulator

    async with run_simulator() as running:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "http2sms_simulator",
            "--port",
            str(running.port),
            cwd=REPO_ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert b"cannot listen on 127.0.0.1" in stderr


async def test_cli_restart_keeps_outbox_and_ids(
    socket_enabled: None, tmp_path: Path
) -> None:
    """Stopped and started again on its state file, the command shows the same outbox."""
    state_file = tmp_path / "simulator.json"
    ids: list[str] = []
    for message in ("before", "after"):
        process, endpoint_line, _ = await _start("--state-file", str(state_file))
        try:
            endpoint = endpoint_line.split(": ", 1)[1]
            base = endpoint.removesuffix("/cgi-bin/sms/http2sms.cgi")
            async with aiohttp.ClientSession() as session:
                async with session.post(
                    endpoint,
                    data={
                        "account": DEFAULT_ACCOUNT,
                        "login": DEFAULT_LOGIN,
                        "password": DEFAULT_PASSWORD,
                        "from": DEFAULT_SENDER,
                        "to": "0033612345678",
                        "message": message,
                    },
                ) as response:
                    ids.append((await response.text()).splitlines()[2])
                async with session.get(f"{base}/_simulator/outbox") as response:
                    outbox = await response.json()
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
    assert ids == ["10867690", "10867691"]
    assert [(sms["id"], sms["message"]) for sms in outbox] == [
        (10867690, "before"),
        (10867691, "after"),
    ]
