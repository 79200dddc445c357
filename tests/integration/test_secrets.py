"""
The SMS user's password and login never leak.

Every fault of `FAULT_CASES` is run with everything logged at DEBUG (the root logger, so Home
Assistant, aiohttp, asyncio in debug mode and the integration), through both the action and
notify.send_message, then healed, sent again and the entry reloaded. Everything that a user, a
log file or a bug report could show is then searched, in any letter case, for the login and the
password: every log record fully formatted (message, arguments, traceback), every raised error
(str, repr, args, attributes, the whole cause and context chain, its formatted traceback), each
request's URL and headers as the gateway received them, the reprs of the objects holding the
credentials, and the diagnostics (both the integration's part and the whole downloaded file).

The login and the password are the simulator's defaults (`homealerts7`, `Secr3t42`): distinctive,
they cannot occur by chance.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from http2sms_simulator import Fault, FaultKind
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SECRETS
from tests.secret_scan import exception_texts, leaks, log_texts

from .fault_helpers import (
    ACTION,
    FAULT_CASES,
    NOTIFY,
    PATHS,
    FaultCase,
    async_send_to_alice,
    fault_scenario,
)


@pytest.fixture
def debug_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every record at DEBUG, aiohttp's included."""
    caplog.set_level(logging.DEBUG)
    for name in ("aiohttp", "asyncio", "custom_components.ovh_http2sms"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _object_reprs(entry: Any) -> list[str]:
    data = entry.runtime_data
    client = data.client
    return [
        repr(data),
        repr(data.account),
        repr(client),
        repr(client._credentials),
        str(client.endpoint),
        repr(data.account._pacer),
    ]


@pytest.mark.parametrize("case", FAULT_CASES, ids=lambda case: case.id)
async def test_no_secret_in_logs_errors_urls_or_reprs(
    hass: HomeAssistant,
    socket_enabled: None,
    debug_everything: pytest.LogCaptureFixture,
    case: FaultCase,
) -> None:
    """No fault puts the login or password in logs, errors, request URLs, headers or reprs."""
    errors: list[BaseException] = []
    texts: list[str] = []
    async with fault_scenario(hass, case) as scenario:
        sim, entry = scenario.sim, scenario.entry
        scenario.arm(times=len(PATHS))
        for path in PATHS:
            with pytest.raises(HomeAssistantError) as raised:
                await async_send_to_alice(
                    hass, path, f"Fault through {path}", title="Alarm"
                )
            errors.append(raised.value)
        if case.recovers:
            await scenario.heal()
            for path in PATHS:
                await async_send_to_alice(
                    hass, path, f"Back through {path}", title="Alarm"
                )
        texts += _object_reprs(entry)
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        texts += _object_reprs(entry)
        texts += sim.observation.urls
        texts += [repr(headers) for headers in sim.observation.headers]

    assert len(errors) == len(PATHS)
    for err in errors:
        texts += exception_texts(err)
    texts += log_texts(debug_everything.records)
    texts.append(debug_everything.text)

    assert leaks(texts, SECRETS) == []
    # The scan saw what it must: the integration's and aiohttp's debug lines were captured.
    names = {r.name for r in debug_everything.records if r.levelno == logging.DEBUG}
    assert any(name.startswith("custom_components.ovh_http2sms") for name in names)
    if case.requests:
        assert any(name.startswith(("aiohttp", "asyncio")) for name in names), names


async def test_the_scan_finds_a_leak(
    hass: HomeAssistant,
    socket_enabled: None,
    debug_everything: pytest.LogCaptureFixture,
) -> None:
    """The scan is not blind: a secret in any case, in a log or an error cause, is found."""
    logging.getLogger("some.library").debug("posting %s", {"pw": PASSWORD})
    wrapped = HomeAssistantError("wrapped")
    wrapped.__cause__ = ValueError(LOGIN.upper())
    assert leaks(exception_texts(wrapped), SECRETS) != []
    assert leaks(log_texts(debug_everything.records), SECRETS) != []
    assert leaks(["nothing here"], SECRETS) == []


async def test_no_secret_in_diagnostics(
    hass: HomeAssistant,
    socket_enabled: None,
    hass_client: ClientSessionGenerator,
    debug_everything: pytest.LogCaptureFixture,
) -> None:
    """Diagnostics after sends and a fault: neither the integration's part nor the file."""
    [case] = [case for case in FAULT_CASES if case.id == "status_401"]
    async with fault_scenario(hass, case) as scenario:
        entry = scenario.entry
        await async_send_to_alice(hass, ACTION, "Credit, please")
        scenario.sim.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=401))
        with pytest.raises(HomeAssistantError):
            await async_send_to_alice(hass, NOTIFY, "Who am I")
        await hass.async_block_till_done()

        diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
        assert await async_setup_component(hass, "diagnostics", {})
        client = await hass_client()
        response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
        assert response.status == 200
        whole_file = await response.text()

    assert diagnostics["credits_left"] is not None  # the scan looks at a real file
    assert leaks([str(diagnostics), whole_file], SECRETS) == []
    # The README also promises that diagnostics hide the account and the numbers.
    for private in (ACCOUNT, "06 12 34 56 78", "0033612345678", "7911"):
        assert private not in str(diagnostics)
    assert leaks(log_texts(debug_everything.records), SECRETS) == []


async def test_entry_repr_does_not_show_the_login(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """
    Home Assistant prints a config entry as `<ConfigEntry ... unique_id=...>` in its logs.

    The unique id chosen by the config flow is the account and the login, lowercased, so the
    login would appear wherever Home Assistant logs the entry.
    """
    [case] = [case for case in FAULT_CASES if case.id == "empty_body"]
    async with fault_scenario(hass, case) as scenario:
        entry = scenario.entry
        assert leaks([repr(entry), str(entry.unique_id)], SECRETS) == [], (
            f"the login is in the entry's unique id: {entry.unique_id!r}"
        )
    assert PASSWORD not in repr(entry)
