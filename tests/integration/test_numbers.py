"""A contact's number reaches the same phone whatever happens to Home Assistant's country.

Contacts keep their number in http2sms form, read once when saved; contacts saved before are
migrated once; a national number that cannot be read raises a repair issue that fixes it.
Numbers that cannot receive an SMS are refused before any request; a landline is confirmed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.ovh_http2sms.config_flow import (
    Http2SmsConfigFlow,
    entry_unique_id,
)
from custom_components.ovh_http2sms.const import (
    CONF_FLASH,
    CONF_NO_STOP,
    CONF_PHONE_NUMBER,
    CONF_REGION,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from custom_components.ovh_http2sms.validation import masked_number
from http2sms_simulator.testing import RunningSimulator

from .conftest import (
    ACCOUNT,
    LOGIN,
    account_data,
    async_add_contact,
    async_notify,
    async_send_sms,
    contact,
)


async def test_a_country_change_never_redirects_a_contact(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A contact typed nationally in France still gets its SMS after the country becomes CH."""
    result = await async_add_contact(hass, init_integration, "Dora", "07 61 23 45 67")
    assert result["type"] is FlowResultType.CREATE_ENTRY

    for country in ("CH", None):
        await hass.config.async_update(country=country)
        await async_notify(hass, "notify.dora", f"Country {country}")

    assert [sms.recipient for sms in simulator.outbox] == ["0033761234567"] * 2


def _legacy_entry(simulator: RunningSimulator, number: str) -> MockConfigEntry:
    """An entry saved by the first version: minor version 1, the number as typed."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01KAOVHSMS0LEGACY000000000",
        title=ACCOUNT,
        unique_id=entry_unique_id(ACCOUNT, LOGIN),
        version=1,
        minor_version=1,
        data=account_data(simulator),
        subentries_data=[contact("Alice", number, unique_id="0033612345678")],
    )


async def test_legacy_contacts_are_migrated_once_with_the_country_of_the_day(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A national number saved before is read with today's country, once, then kept."""
    await hass.config.async_update(country="FR")
    entry = _legacy_entry(simulator, "06 12 34 56 78")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    [alice] = entry.subentries.values()
    assert entry.minor_version == Http2SmsConfigFlow.MINOR_VERSION
    assert alice.data[CONF_PHONE_NUMBER] == "0033612345678"
    assert alice.data[CONF_REGION] == "FR"

    await hass.config.async_update(country="BE")
    await async_notify(hass, "notify.alice", "Still Alice")
    assert [sms.recipient for sms in simulator.outbox] == ["0033612345678"]


async def test_a_contact_that_cannot_be_migrated_is_repaired_by_hand(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """With no country, a national number raises a repair issue; fixing it makes sends work."""
    assert await async_setup_component(hass, "repairs", {})
    entry = _legacy_entry(simulator, "06 12 34 56 78")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    [alice] = entry.subentries.values()
    issue_id = f"contact_number_{alice.subentry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable

    with pytest.raises(ServiceValidationError) as raised:
        await async_notify(hass, "notify.alice", "Who is this?")
    assert raised.value.translation_key == "contact_number_to_fix"
    assert simulator.requests == []

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "number"
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}",
        json={CONF_PHONE_NUMBER: "06 12"},
    )
    assert (await response.json())["errors"] == {
        CONF_PHONE_NUMBER: "national_number_without_country"
    }
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}",
        json={CONF_PHONE_NUMBER: "+33 6 12 34 56 78"},
    )
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    await async_notify(hass, "notify.alice", "Fixed")
    assert [sms.recipient for sms in simulator.outbox] == ["0033612345678"]


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("+33 8 99 23 45 67", "premium_rate_number"),
        ("+33 8 10 12 34 56", "shared_cost_number"),
        ("+33 8 00 12 34 56", "toll_free_number"),
        ("+44 800 123 4567", "toll_free_number"),
        ("+44 55 1234 5678", "uan_number"),
        ("+33 7 11 22 33 44", "phone_number_not_in_use"),
        ("12", "invalid_phone_number"),
    ],
)
async def test_numbers_that_cannot_receive_an_sms_are_refused_before_any_request(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    number: str,
    key: str,
) -> None:
    """Premium-rate, shared-cost, toll-free, UAN and numbers not in use are never billed."""
    with pytest.raises(ServiceValidationError) as raised:
        await async_send_sms(hass, recipients=[number], message="x")
    assert raised.value.translation_key == key
    assert simulator.requests == []


async def test_a_landline_contact_is_saved_only_once_confirmed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A fixed line may not receive SMS: the contact flow asks before saving it."""
    result = await async_add_contact(hass, init_integration, "Home", "01 23 45 67 89")
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "landline"
    assert result["menu_options"] == ["save_landline", "change_number"]
    assert result["description_placeholders"] == {"name": "Home"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "save_landline"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    home = next(s for s in init_integration.subentries.values() if s.title == "Home")
    assert home.data[CONF_PHONE_NUMBER] == "0033123456789"


def _suggested(result: Any, field: str) -> Any:
    for marker in result["data_schema"].schema:
        if marker == field:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(field)


async def test_a_landline_can_be_changed_for_another_number_keeping_the_name(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """ "Change the number" goes back to the form, the name and switches kept; nothing saved."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_TYPE_RECIPIENT),
        context={"source": SOURCE_USER},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Grandma",
            CONF_PHONE_NUMBER: "01 23 45 67 89",
            CONF_FLASH: True,
            CONF_NO_STOP: True,
        },
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "change_number"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert _suggested(result, CONF_NAME) == "Grandma"
    assert _suggested(result, CONF_FLASH) is True
    assert _suggested(result, CONF_PHONE_NUMBER) == "01 23 45 67 89"
    assert [s.title for s in init_integration.subentries.values()] == ["Alice", "Bob"]

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Grandma",
            CONF_PHONE_NUMBER: "06 11 22 33 44",
            CONF_FLASH: True,
            CONF_NO_STOP: True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    grandma = next(
        s for s in init_integration.subentries.values() if s.title == "Grandma"
    )
    assert grandma.data[CONF_PHONE_NUMBER] == "0033611223344"
    assert grandma.data[CONF_FLASH] is True


async def test_editing_a_contact_to_a_landline_can_go_back_to_the_number(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The same way back when a contact is edited: the edit form, the contact unchanged."""
    alice = next(s for s in init_integration.subentries.values() if s.title == "Alice")
    result = await init_integration.start_subentry_reconfigure_flow(
        hass, alice.subentry_id
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Alice B.",
            CONF_PHONE_NUMBER: "01 23 45 67 89",
            CONF_NO_STOP: True,
        },
    )
    assert result["step_id"] == "landline"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "change_number"}
    )
    assert result["step_id"] == "reconfigure"
    assert _suggested(result, CONF_NAME) == "Alice B."
    assert init_integration.subentries[alice.subentry_id].title == "Alice"

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Alice B.",
            CONF_PHONE_NUMBER: "06 98 76 54 32",
            CONF_NO_STOP: True,
        },
    )
    assert result["reason"] == "reconfigure_successful"
    edited = init_integration.subentries[alice.subentry_id]
    assert (edited.title, edited.unique_id) == ("Alice B.", "0033698765432")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("0033612345678", "+33 6 •• •• •• 78"),
        ("00447911123456", "+44 7••• ••••56"),
        ("0034612345678", "+34 6•• •• •• 78"),
        ("00393123456789", "+39 3•• ••• ••89"),
        ("0048512345678", "+48 5•• ••• •78"),
        ("00353851234567", "+353 8• ••• ••67"),
        ("0012015550123", "+1 2••-•••-••23"),
    ],
)
async def test_a_number_is_masked_with_its_own_country_s_grouping(
    number: str, masked: str
) -> None:
    """Each country's own grouping, the country code, the first digit and the last two shown."""
    assert await asyncio.to_thread(masked_number, number) == masked
