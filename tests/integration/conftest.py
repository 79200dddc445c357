"""Fixtures for the integration tests: a real simulator on loopback, entries pointing at it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_http2sms.config_flow import entry_unique_id
from custom_components.ovh_http2sms.const import (
    CONF_ACCOUNT,
    CONF_ENDPOINT,
    CONF_FLASH,
    CONF_LOGIN,
    CONF_NO_STOP,
    CONF_PHONE_NUMBER,
    CONF_SENDER,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SENDER


def account_data(simulator: RunningSimulator, **changes: Any) -> dict[str, Any]:
    """Entry data for the simulator's default account."""
    return {
        CONF_ACCOUNT: ACCOUNT,
        CONF_LOGIN: LOGIN,
        CONF_PASSWORD: PASSWORD,
        CONF_SENDER: SENDER,
        CONF_ENDPOINT: simulator.endpoint,
        **changes,
    }


def contact(
    title: str,
    number: str,
    *,
    flash: bool = False,
    no_stop: bool = True,
    unique_id: str,
) -> ConfigSubentryData:
    """A contact subentry as the subentry flow stores it (fixed ids keep snapshots stable)."""
    return ConfigSubentryData(
        subentry_id=f"contact_{title.lower()}",
        subentry_type=SUBENTRY_TYPE_RECIPIENT,
        title=title,
        unique_id=unique_id,
        data={CONF_PHONE_NUMBER: number, CONF_FLASH: flash, CONF_NO_STOP: no_stop},
    )


def account_entry(
    endpoint: str,
    *,
    entry_id: str = "01KAOVHSMS0ACCOUNT00000000",
    account: str = ACCOUNT,
    login: str = LOGIN,
    password: str = PASSWORD,
    more_contacts: Sequence[ConfigSubentryData] = (),
    **options: Any,
) -> MockConfigEntry:
    """An account as the config flow stores it (unique id included), with Alice and Bob."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=entry_id,
        title=account,
        unique_id=entry_unique_id(account, login),
        data={
            CONF_ACCOUNT: account,
            CONF_LOGIN: login,
            CONF_PASSWORD: password,
            CONF_SENDER: SENDER,
            CONF_ENDPOINT: endpoint,
        },
        options=options,
        subentries_data=[
            contact("Alice", "06 12 34 56 78", unique_id="0033612345678"),
            contact(
                "Bob",
                "+44 7911 123456",
                flash=True,
                no_stop=False,
                unique_id="00447911123456",
            ),
            *more_contacts,
        ],
    )


@pytest.fixture(autouse=True)
def no_retry_wait(no_retry_delay: None) -> None:
    """Retry a refused connection at once: the one-second wait is the client tests' concern."""


@pytest.fixture
def config_entry(simulator: RunningSimulator) -> MockConfigEntry:
    """An account with two contacts: Alice (national number) and Bob (flash, STOP mention)."""
    return account_entry(simulator.endpoint)


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the account in a Home Assistant whose country is France."""
    await hass.config.async_update(country="FR")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def async_notify(hass: HomeAssistant, entity_id: str, message: str) -> None:
    """Call notify.send_message on a contact, as an automation would."""
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": entity_id, "message": message},
        blocking=True,
    )


async def async_send_sms(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call ovh_http2sms.send_sms, as an automation would, and return its response."""
    response = await hass.services.async_call(
        DOMAIN, "send_sms", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response
