"""Set-up, unload, restore after restart, devices, entities and diagnostics."""

from __future__ import annotations

from decimal import Decimal
from unittest.mock import patch

from homeassistant.components.sensor import SensorExtraStoredData
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props
from syrupy.types import PropertyName, PropertyPath

from custom_components.ovh_http2sms.account import ACCOUNTS
from custom_components.ovh_http2sms.const import CONF_ENDPOINT, DOMAIN
from http2sms_simulator.testing import RunningSimulator

from .conftest import ACCOUNT, LOGIN, PASSWORD, account_data, async_notify

# The entity registry fields this integration sets through its entities. The others belong to
# the registry or to the user (ids, names and aliases given in the UI, areas, labels), and each
# Home Assistant release may add some (2026.11: compat_name): they stay out of the snapshots.
OWN_REGISTRY_FIELDS = frozenset(
    {
        "capabilities",
        "disabled_by",
        "domain",
        "entity_category",
        "entity_id",
        "has_entity_name",
        "hidden_by",
        "options",
        "original_device_class",
        "original_icon",
        "original_name",
        "platform",
        "supported_features",
        "translation_key",
        "unique_id",
        "unit_of_measurement",
    }
)


def own_registry_fields(*, prop: PropertyName, path: PropertyPath) -> bool:
    """Keep a registry entry's own fields, with everything inside them."""
    return bool(path) or str(prop) in OWN_REGISTRY_FIELDS


@pytest.mark.parametrize("platform", [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR])
@pytest.mark.freeze_time("2026-11-30 12:00:00+00:00")
async def test_entities(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """The event, notify and sensor entities are registered and shown as in the snapshot."""
    config_entry.add_to_hass(hass)
    with patch("custom_components.ovh_http2sms.PLATFORMS", [platform]):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    assert {entry.domain for entry in entries} == {platform}
    for entry in entries:
        assert entry == snapshot(
            name=f"{entry.entity_id}-entry", include=own_registry_fields
        )
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The account is a service device and each contact a device under it."""
    devices = dr.async_entries_for_config_entry(
        device_registry, init_integration.entry_id
    )
    [account] = [
        d for d in devices if d.identifiers == {(DOMAIN, init_integration.entry_id)}
    ]
    assert account.entry_type is dr.DeviceEntryType.SERVICE
    contacts = [device for device in devices if device.id != account.id]
    assert sorted(device.name for device in contacts) == ["Alice", "Bob"]
    assert all(device.via_device_id == account.id for device in contacts)


async def test_unload_leaves_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Unloading makes the contacts unavailable and keeps the send_sms action registered."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get("notify.alice").state == "unavailable"
    assert hass.services.has_service(DOMAIN, "send_sms")


async def test_credit_restored_after_restart(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The credit shown before a restart is shown again until the next reply updates it."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.sms_ab1234_1_credits", "42.5"),
                SensorExtraStoredData(Decimal("42.5"), None).as_dict(),
            )
        ],
    )
    await hass.config.async_update(country="FR")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "42.5"
    assert config_entry.runtime_data.account.credit == Decimal("42.5")

    await async_notify(hass, "notify.alice", "Back")
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "99"


@pytest.mark.parametrize("saved", ["1E-999999999", "1E+400", "Infinity", "12.34567"])
async def test_an_insane_credit_saved_by_an_older_version_is_not_restored(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: RunningSimulator,
    saved: str,
) -> None:
    """A figure no account can have, saved before replies were checked, stays unknown."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.sms_ab1234_1_credits", "0"),
                SensorExtraStoredData(Decimal(saved), None).as_dict(),
            )
        ],
    )
    await hass.config.async_update(country="FR")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get("sensor.sms_ab1234_1_credits").state == STATE_UNKNOWN
    assert config_entry.runtime_data.account.credit is None


async def test_credit_unknown_until_first_reply(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The credit sensor is unknown until the gateway first replies."""
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == STATE_UNKNOWN


async def test_plain_http_endpoint_off_loopback_is_refused(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A plain-http endpoint on a host other than loopback fails setup."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data=account_data(simulator, **{CONF_ENDPOINT: "http://sms.example.org/cgi"}),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR


async def test_diagnostics_hide_secrets_and_numbers(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics match the snapshot and show no password, login, account or phone number."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics == snapshot(exclude=props("endpoint"))
    text = str(diagnostics)
    for secret in (PASSWORD, LOGIN, ACCOUNT, "06 12 34 56 78", "7911"):
        assert secret not in text


async def test_removing_a_contact_removes_its_entity_and_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Removing a contact removes its entity and device and leaves the others."""
    bob = next(s for s in init_integration.subentries.values() if s.title == "Bob")

    assert hass.config_entries.async_remove_subentry(init_integration, bob.subentry_id)
    await hass.async_block_till_done()

    assert entity_registry.async_get("notify.bob") is None
    names = {
        device.name
        for device in dr.async_entries_for_config_entry(
            device_registry, init_integration.entry_id
        )
    }
    assert names == {"sms-ab1234-1", "Alice"}
    assert hass.states.get("notify.alice") is not None


async def test_removing_the_account_leaves_nothing_behind(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Removing the account removes its entities, devices and account; the action stays."""
    await async_notify(hass, "notify.alice", "Last one")

    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()

    assert (
        er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
        == []
    )
    assert (
        dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
        == []
    )
    assert hass.data.get(ACCOUNTS) == {}
    assert hass.services.has_service(DOMAIN, "send_sms")
