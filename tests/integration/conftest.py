"""Fixtures for the integration tests: a real simulator on loopback, entries pointing at it.

Every test that has a Home Assistant is watched by the privacy scan (tests/privacy_scan.py):
what it made Home Assistant show a person or a model must hold nothing personal or secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from homeassistant.components import conversation
from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigSubentryData,
    SubentryFlowResult,
)
from homeassistant.const import ATTR_ENTITY_ID, CONF_NAME, CONF_PASSWORD
from homeassistant.core import Context, HomeAssistant, ServiceRegistry
from homeassistant.helpers import intent, llm
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.ovh_http2sms as integration
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
from custom_components.ovh_http2sms.services import SERVICE_SEND_SMS
from http2sms_simulator.testing import RunningSimulator
from tests.conftest import ACCOUNT, LOGIN, PASSWORD, SECRETS, SENDER
from tests.privacy_scan import LLM, SPOKEN, PrivacyWatch, as_json, error_texts

ENTRY_ID = "01KAOVHSMS0ACCOUNT00000000"


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
    more_contacts: Sequence[ConfigSubentryData] = (),
    **options: Any,
) -> MockConfigEntry:
    """An account as the config flow stores it (unique id included), with Alice and Bob."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title=ACCOUNT,
        unique_id=entry_unique_id(ACCOUNT, LOGIN),
        data={
            CONF_ACCOUNT: ACCOUNT,
            CONF_LOGIN: LOGIN,
            CONF_PASSWORD: PASSWORD,
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
def privacy(request: pytest.FixtureRequest) -> PrivacyWatch:
    """Scan what every test with a Home Assistant shows people and models (see module doc).

    A test may add numbers, texts or secrets of its own to `privacy.private`.
    """
    if "hass" in request.fixturenames:
        watch: PrivacyWatch = request.getfixturevalue("_privacy_scan")
        return watch
    return PrivacyWatch()


@pytest.fixture
async def _privacy_scan(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[PrivacyWatch]:
    """Watch every place of `hass` a person or a model reads; fail the test on a leak."""
    watch = PrivacyWatch()
    watch.private.secrets.update(SECRETS)
    _watch_calls(watch, monkeypatch)
    unlisten = watch.async_listen(hass)
    with watch.logging():
        yield watch
        await watch.async_read_entries(hass)
        leaks = await watch.async_leaks(hass)
    unlisten()
    assert not leaks, "shown to a person or a model:\n" + "\n".join(map(str, leaks))


def _watch_calls(watch: PrivacyWatch, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrap the doors tests come through: actions, Assist, intents, LLM tools, unloads."""
    call_service = ServiceRegistry.async_call

    async def async_call(
        self: ServiceRegistry,
        domain: str,
        service: str,
        service_data: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        watch.note_call(service_data)
        try:
            return await call_service(
                self, domain, service, service_data, *args, **kwargs
            )
        except Exception as err:
            watch.add_error(err)
            raise

    converse = conversation.async_converse

    async def async_converse(*args: Any, **kwargs: Any) -> Any:
        result = await converse(*args, **kwargs)
        watch.add(SPOKEN, [as_json(result.as_dict())])
        return result

    handle = intent.async_handle

    async def async_handle(
        hass: HomeAssistant,
        platform: str,
        intent_type: str,
        slots: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> intent.IntentResponse:
        watch.private.add_message(((slots or {}).get("message") or {}).get("value"))
        response = await handle(hass, platform, intent_type, slots, *args, **kwargs)
        watch.add(SPOKEN, [as_json(response.as_dict())])
        return response

    call_tool = llm.APIInstance.async_call_tool

    async def async_call_tool(
        self: llm.APIInstance, tool_input: llm.ToolInput
    ) -> llm.ToolResult:
        if isinstance(tool_input.tool_args, dict):
            watch.private.add_message(tool_input.tool_args.get("message"))
        try:
            result = await call_tool(self, tool_input)
        except Exception as err:
            watch.add(LLM, error_texts(err))
            raise
        watch.add(LLM, [as_json(result.data), str(result)])
        return result

    unload_entry = integration.async_unload_entry

    async def async_unload_entry(hass: HomeAssistant, entry: Any) -> bool:
        await watch.async_read_entries(hass)
        return await unload_entry(hass, entry)

    monkeypatch.setattr(ServiceRegistry, "async_call", async_call)
    monkeypatch.setattr(conversation, "async_converse", async_converse)
    monkeypatch.setattr(intent, "async_handle", async_handle)
    monkeypatch.setattr(llm.APIInstance, "async_call_tool", async_call_tool)
    monkeypatch.setattr(integration, "async_unload_entry", async_unload_entry)


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


async def async_add_contact(
    hass: HomeAssistant, entry: MockConfigEntry, name: str, number: str
) -> SubentryFlowResult:
    """Fill the "Add a contact" form as a user does; return the flow's next result."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_TYPE_RECIPIENT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: name, CONF_PHONE_NUMBER: number}
    )
    await hass.async_block_till_done()
    return result


async def async_notify(
    hass: HomeAssistant,
    entity_id: str,
    message: str,
    *,
    title: str | None = None,
    context: Context | None = None,
) -> None:
    """Call notify.send_message on a contact, as an automation would (the one place that does)."""
    data = {ATTR_ENTITY_ID: entity_id, ATTR_MESSAGE: message}
    if title is not None:
        data[ATTR_TITLE] = title
    await hass.services.async_call(
        NOTIFY_DOMAIN, SERVICE_SEND_MESSAGE, data, blocking=True, context=context
    )


async def async_send_sms(
    hass: HomeAssistant, *, context: Context | None = None, **data: Any
) -> dict[str, Any]:
    """Call ovh_http2sms.send_sms and return its response (the one place that does)."""
    response = await hass.services.async_call(
        DOMAIN,
        SERVICE_SEND_SMS,
        data,
        blocking=True,
        context=context,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response
