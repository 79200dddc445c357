"""The URL OVHcloud calls back, shown in the account's configure menu, and the way to replace it.

Home Assistant Cloud is mocked at its edge only (the three functions of
`homeassistant.components.cloud` the integration calls); the webhook is Home Assistant's own.
"""

from __future__ import annotations

from collections.abc import Iterator
import logging
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.components import cloud
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_http2sms.const import CONF_CLOUDHOOK_URL, EVENT_SMS_DELIVERY
from http2sms_simulator.testing import RunningSimulator

from .conftest import account_data, account_entry, async_send_sms

WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
EXTERNAL_URL = "https://home.example.org:8123"
CLOUDHOOK_URL = "https://hooks.nabu.casa/gAAAAAB-first"
SECOND_CLOUDHOOK_URL = "https://hooks.nabu.casa/gAAAAAB-second"


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    debug_log: pytest.LogCaptureFixture,
) -> MockConfigEntry:
    """The account, loaded, with a known webhook id (as the config flow gives every entry)."""
    await hass.config.async_update(country="FR")
    entry = account_entry(simulator.endpoint)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_WEBHOOK_ID: WEBHOOK_ID}
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record at DEBUG: the URL and its id must be in none."""
    caplog.set_level(logging.DEBUG)
    return caplog


class FakeCloud:
    """Home Assistant Cloud as the integration sees it: a subscription and its cloudhooks."""

    def __init__(self, *, active: bool = True, connected: bool = True) -> None:
        self.active = active
        self.connected = connected
        self.hooks: dict[str, str] = {}
        self.created: list[str] = []
        self.deleted: list[str] = []
        self._urls = iter([CLOUDHOOK_URL, SECOND_CLOUDHOOK_URL])

    async def create(self, hass: HomeAssistant, webhook_id: str) -> str:
        if not self.connected:
            raise cloud.CloudNotConnected
        self.created.append(webhook_id)
        self.hooks[webhook_id] = next(self._urls)
        return self.hooks[webhook_id]

    async def delete(self, hass: HomeAssistant, webhook_id: str) -> None:
        self.deleted.append(webhook_id)
        self.hooks.pop(webhook_id, None)


@pytest.fixture
def fake_cloud(hass: HomeAssistant) -> Iterator[FakeCloud]:
    """A user with an active Home Assistant Cloud subscription."""
    fake = FakeCloud()
    hass.config.components.add("cloud")
    with (
        patch.object(
            cloud, "async_active_subscription", side_effect=lambda hass: fake.active
        ),
        patch.object(
            cloud, "async_create_cloudhook", AsyncMock(side_effect=fake.create)
        ),
        patch.object(
            cloud, "async_delete_cloudhook", AsyncMock(side_effect=fake.delete)
        ),
    ):
        yield fake


async def _open_step(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Open the account's configure menu and pick "Delivery reports and replies"."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert "delivery_reports" in result["menu_options"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "delivery_reports"}
    )
    await hass.async_block_till_done()
    return dict(result)


def _all_logs(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        record.getMessage() + (record.exc_text or "") for record in caplog.records
    )


async def test_the_configure_menu_still_reaches_the_sending_policy(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The sending policy is one choice of the menu, and saves as before."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["policy", "delivery_reports"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "policy"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "policy"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"daily_budget": 50}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["daily_budget"] == 50


async def test_with_an_external_url_the_step_shows_the_webhook_url(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    debug_log: pytest.LogCaptureFixture,
    hass_client: ClientSessionGenerator,
) -> None:
    """No Home Assistant Cloud: the URL is built from Home Assistant's external URL."""
    await hass.config.async_update(external_url=EXTERNAL_URL)
    result = await _open_step(hass, entry)

    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "delivery_reports"
    assert result["menu_options"] == ["new_url", "done"]
    placeholders = result["description_placeholders"]
    assert placeholders["url"] == f"{EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"
    assert placeholders["account"] == entry.data["account"]
    assert CONF_CLOUDHOOK_URL not in entry.data

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "done"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert WEBHOOK_ID not in _all_logs(debug_log)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert WEBHOOK_ID not in str(diagnostics)


async def test_with_home_assistant_cloud_a_cloudhook_is_made_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    fake_cloud: FakeCloud,
    debug_log: pytest.LogCaptureFixture,
    hass_client: ClientSessionGenerator,
) -> None:
    """An active subscription: a cloudhook, made the first time, kept in the entry after."""
    await hass.config.async_update(external_url=EXTERNAL_URL)
    result = await _open_step(hass, entry)

    assert result["description_placeholders"]["url"] == CLOUDHOOK_URL
    assert fake_cloud.created == [WEBHOOK_ID]
    assert entry.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK_URL

    result = await _open_step(hass, entry)
    assert result["description_placeholders"]["url"] == CLOUDHOOK_URL
    assert fake_cloud.created == [WEBHOOK_ID]
    assert entry.state is ConfigEntryState.LOADED

    logs = _all_logs(debug_log)
    assert WEBHOOK_ID not in logs
    assert CLOUDHOOK_URL not in logs
    diagnostics = str(await get_diagnostics_for_config_entry(hass, hass_client, entry))
    assert WEBHOOK_ID not in diagnostics
    assert CLOUDHOOK_URL not in diagnostics


async def test_cloud_not_connected_falls_back_to_the_external_url(
    hass: HomeAssistant, entry: MockConfigEntry, fake_cloud: FakeCloud
) -> None:
    """A subscription whose connection is down now: Home Assistant's own URL, nothing kept."""
    fake_cloud.connected = False
    await hass.config.async_update(external_url=EXTERNAL_URL)
    result = await _open_step(hass, entry)
    assert (
        result["description_placeholders"]["url"]
        == f"{EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"
    )
    assert CONF_CLOUDHOOK_URL not in entry.data


@pytest.mark.parametrize("internal_url", [None, "http://192.168.1.20:8123"])
async def test_without_cloud_or_external_url_the_step_says_what_to_set_up(
    hass: HomeAssistant, entry: MockConfigEntry, internal_url: str | None
) -> None:
    """No public URL: no local address passed off as one, and the way to get one said."""
    await hass.config.async_update(internal_url=internal_url)
    result = await _open_step(hass, entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_public_url"
    assert WEBHOOK_ID not in str(result)


async def test_a_new_url_kills_the_old_one(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """After "a new URL", the old one answers nothing of ours and the new one is served."""
    await hass.config.async_update(external_url=EXTERNAL_URL)
    client = await hass_client_no_auth()
    assert (
        await client.get(f"/api/webhook/{WEBHOOK_ID}?id=1&description=1")
    ).status == 200
    assert WEBHOOK_ID in hass.data["webhook"]

    result = await _open_step(hass, entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "new_url"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "new_url"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()

    new_id = entry.data[CONF_WEBHOOK_ID]
    assert new_id != WEBHOOK_ID
    assert len(new_id) >= 32
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "delivery_reports"
    assert (
        result["description_placeholders"]["url"]
        == f"{EXTERNAL_URL}/api/webhook/{new_id}"
    )
    assert entry.state is ConfigEntryState.LOADED
    assert WEBHOOK_ID not in hass.data["webhook"]
    assert new_id not in _all_logs(debug_log)

    # A report of an SMS this Home Assistant sent: ignored at the old URL, heard at the new.
    sent = await async_send_sms(hass, contacts=["notify.alice"], message="Leak")
    (sms_id,) = sent["sms_ids"]
    reports = async_capture_events(hass, EVENT_SMS_DELIVERY)
    for webhook_id in (WEBHOOK_ID, new_id):
        response = await client.get(
            f"/api/webhook/{webhook_id}?id={sms_id}&description=1&ptt=4"
        )
        assert response.status == 200
        await hass.async_block_till_done()
    assert [(event.data["sms_id"], event.data["status"]) for event in reports] == [
        (str(sms_id), "delivered")
    ]


async def test_a_new_url_replaces_the_cloudhook(
    hass: HomeAssistant, entry: MockConfigEntry, fake_cloud: FakeCloud
) -> None:
    """The old cloudhook is deleted, a new one made for the new id."""
    result = await _open_step(hass, entry)
    assert result["description_placeholders"]["url"] == CLOUDHOOK_URL
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "new_url"}
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()

    new_id = entry.data[CONF_WEBHOOK_ID]
    assert fake_cloud.deleted == [WEBHOOK_ID]
    assert fake_cloud.created == [WEBHOOK_ID, new_id]
    assert fake_cloud.hooks == {new_id: SECOND_CLOUDHOOK_URL}
    assert entry.data[CONF_CLOUDHOOK_URL] == SECOND_CLOUDHOOK_URL
    assert result["description_placeholders"]["url"] == SECOND_CLOUDHOOK_URL


async def test_removing_the_account_deletes_its_cloudhook(
    hass: HomeAssistant, entry: MockConfigEntry, fake_cloud: FakeCloud
) -> None:
    """A cloudhook left behind would keep a public URL alive for nothing."""
    await _open_step(hass, entry)
    assert fake_cloud.hooks == {WEBHOOK_ID: CLOUDHOOK_URL}

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert fake_cloud.deleted == [WEBHOOK_ID]
    assert fake_cloud.hooks == {}


async def test_removal_without_cloud_any_more_still_succeeds(
    hass: HomeAssistant, entry: MockConfigEntry, fake_cloud: FakeCloud
) -> None:
    """The subscription ended, or cloud is gone: the entry is removed all the same."""
    await _open_step(hass, entry)
    fake_cloud.delete = AsyncMock(side_effect=cloud.CloudNotAvailable)  # type: ignore[method-assign]
    with patch.object(cloud, "async_delete_cloudhook", fake_cloud.delete):
        result = await hass.config_entries.async_remove(entry.entry_id)
    assert result == {"require_restart": False}
    assert hass.config_entries.async_get_entry(entry.entry_id) is None


async def test_two_sms_users_of_one_account_have_their_own_url(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Each SMS user pastes its own URL; a new URL for one leaves the other's alone."""
    await hass.config.async_update(external_url=EXTERNAL_URL)
    other_id = "a" * 64
    other = MockConfigEntry(
        domain=entry.domain,
        entry_id="01KAOVHSMS0SECONDUSER000000",
        title=entry.title,
        unique_id="second-sms-user",
        data=account_data(simulator, login="secondusr1", webhook_id=other_id),
        minor_version=3,
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()

    first = await _open_step(hass, entry)
    second = await _open_step(hass, other)
    assert first["description_placeholders"]["url"].endswith(f"/{WEBHOOK_ID}")
    assert second["description_placeholders"]["url"].endswith(f"/{other_id}")

    result = await hass.config_entries.options.async_configure(
        second["flow_id"], {"next_step_id": "new_url"}
    )
    await hass.config_entries.options.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    assert other.data[CONF_WEBHOOK_ID] != other_id
    assert entry.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert WEBHOOK_ID in hass.data["webhook"]
    assert other.data[CONF_WEBHOOK_ID] in hass.data["webhook"]
