"""Fixtures for the simulator's own tests: a real server on 127.0.0.1 and a raw aiohttp client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from yarl import URL

from http2sms_simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_LOGIN,
    DEFAULT_PASSWORD,
    DEFAULT_SENDER,
)
from http2sms_simulator.testing import RunningSimulator

RECIPIENT = "0033612345678"
# The default account's credentials and sender as a query string (none needs encoding).
DEFAULT_QUERY = (
    f"account={DEFAULT_ACCOUNT}&login={DEFAULT_LOGIN}&password={DEFAULT_PASSWORD}"
    f"&from={DEFAULT_SENDER}"
)


def valid_params(**overrides: str | None) -> dict[str, str]:
    """Parameters of a request that succeeds on the default state; None removes one."""
    params: dict[str, str | None] = {
        "account": DEFAULT_ACCOUNT,
        "login": DEFAULT_LOGIN,
        "password": DEFAULT_PASSWORD,
        "from": DEFAULT_SENDER,
        "to": RECIPIENT,
        "message": "Hello",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session, as any HTTP client of OVH has."""
    async with aiohttp.ClientSession() as client:
        yield client


class Client:
    """Sends http2sms requests the way a plain HTTP client would."""

    def __init__(
        self, session: aiohttp.ClientSession, simulator: RunningSimulator
    ) -> None:
        self.session = session
        self.simulator = simulator

    async def get(self, **params: str | None) -> tuple[int, str]:
        async with self.session.get(
            self.simulator.endpoint, params=valid_params(**params)
        ) as response:
            return response.status, await response.text()

    async def post(self, **params: str | None) -> tuple[int, str]:
        async with self.session.post(
            self.simulator.endpoint, data=valid_params(**params)
        ) as response:
            return response.status, await response.text()

    async def raw_get(self, query: str) -> tuple[int, str]:
        """GET with a query string exactly as given (already encoded)."""
        url = URL(f"{self.simulator.endpoint}?{query}", encoded=True)
        async with self.session.get(url) as response:
            return response.status, await response.text()

    async def raw_post(self, body: str, **kwargs: Any) -> tuple[int, str]:
        """POST a form body exactly as given (already encoded)."""
        async with self.session.post(
            self.simulator.endpoint,
            data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            **kwargs,
        ) as response:
            return response.status, await response.text()

    async def admin(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        async with self.session.request(
            method, f"{self.simulator.base_url}/_simulator/{path}", **kwargs
        ) as response:
            return response.status, await response.json()


@pytest.fixture
def client(session: aiohttp.ClientSession, simulator: RunningSimulator) -> Client:
    """A plain HTTP client of the running simulator."""
    return Client(session, simulator)
