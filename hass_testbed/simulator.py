"""The http2sms simulator as a subprocess, with the account it serves when given no options."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
import subprocess
import sys
from typing import Any

import requests

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_CREDIT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
    HTTP2SMS_PATH,
)

from .processes import (
    LOOPBACK,
    HassTestbedError,
    free_port,
    spawn,
    terminate,
    wait_http,
)


@dataclass
class Simulator:
    """The local http2sms simulator (`python -m http2sms_simulator`) as a subprocess."""

    workdir: Path
    port: int = 0
    initial_credit: Decimal | float = DEFAULT_CREDIT
    account: str = DEFAULT_ACCOUNT
    login: str = DEFAULT_LOGIN
    password: str = DEFAULT_PASSWORD
    sender: str = DEFAULT_SENDER
    # Also serve the simulator's second published account (SECOND_ACCOUNT...), for a person to
    # add by hand.
    second_account: bool = False
    # Keep the outbox and the SMS ids in this file across restarts (`--state-file`).
    state_file: Path | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        """Root of the simulator, where its outbox page is."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The http2sms URL to configure in Home Assistant."""
        return f"{self.base_url}{HTTP2SMS_PATH}"

    @property
    def log_path(self) -> Path:
        """Where the simulator's output goes."""
        return self.workdir / "simulator.log"

    def start(self, timeout: float = 30) -> Simulator:
        """Start the simulator and wait until its outbox answers."""
        if not self.port:
            self.port = free_port()
        self.proc = spawn(
            [
                sys.executable,
                "-m",
                "http2sms_simulator",
                "--host",
                LOOPBACK,
                "--port",
                str(self.port),
                "--account",
                self.account,
                "--login",
                self.login,
                "--password",
                self.password,
                "--sender",
                self.sender,
                "--credit",
                str(self.initial_credit),
                *(["--second-account"] if self.second_account else []),
                *(["--state-file", str(self.state_file)] if self.state_file else []),
            ],
            self.log_path,
        )
        wait_http(
            f"{self.base_url}/_simulator/outbox", self.proc, self.log_path, timeout
        )
        return self

    def stop(self, timeout: float = 10) -> int | None:
        """Stop the simulator (SIGTERM, then SIGKILL)."""
        code = terminate(self.proc, timeout)
        self.proc = None
        return code

    def outbox(self) -> list[dict[str, Any]]:
        """Every SMS the simulator accepted, oldest first."""
        response = requests.get(f"{self.base_url}/_simulator/outbox", timeout=10)
        response.raise_for_status()
        data = response.json()
        return list(data["messages"] if isinstance(data, dict) else data)

    def credit(self) -> float:
        """Return the credit left on the simulator's account."""
        response = requests.get(f"{self.base_url}/_simulator/accounts", timeout=10)
        response.raise_for_status()
        for account in response.json():
            if account["name"] == self.account:
                return float(account["credit"])
        raise HassTestbedError(
            f"the simulator has no account {self.account}: {response.text}"
        )

    def set_credit(self, credit: float | str) -> None:
        """Change the credit left on the simulator's account."""
        response = requests.post(
            f"{self.base_url}/_simulator/credit",
            json={"account": self.account, "credit": str(credit)},
            timeout=10,
        )
        response.raise_for_status()

    def reset(self) -> None:
        """Empty the outbox and the request log, and give the initial credit back."""
        requests.post(
            f"{self.base_url}/_simulator/reset", timeout=10
        ).raise_for_status()

    def requests_log(self) -> list[dict[str, Any]]:
        """Every request the simulator received."""
        response = requests.get(f"{self.base_url}/_simulator/requests", timeout=10)
        response.raise_for_status()
        data = response.json()
        return list(data["requests"] if isinstance(data, dict) else data)

    def paste_callback_url(self, url: str) -> None:
        """Paste url where OVHcloud's Control Panel takes it, as a user does.

        The SMS user's Callback URL (delivery reports) and the account's "Call a CGI" (replies).
        """
        requests.post(
            f"{self.base_url}/_simulator/callbacks",
            json={
                "account": self.account,
                "login": self.login,
                "callback_url": url,
                "reply_url": url,
            },
            timeout=10,
        ).raise_for_status()

    def set_delivery(self, settings: dict[str, Any]) -> None:
        """Change how delivery reports go (per-number outcomes, delay, duplicates...)."""
        requests.post(
            f"{self.base_url}/_simulator/delivery", json=settings, timeout=10
        ).raise_for_status()

    def reply(self, sms_id: int, message: str) -> None:
        """Reply to an SMS sent from the short code, as its recipient's phone would."""
        requests.post(
            f"{self.base_url}/_simulator/reply",
            json={"sms_id": sms_id, "message": message},
            timeout=10,
        ).raise_for_status()
