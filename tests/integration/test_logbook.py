"""The logbook shows every SMS and reply, translated, without its text or its number.

The logbook is rendered by the server in Home Assistant's language; lines are attached to the
contact when one contact was the target, to the account's credit sensor otherwise.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.logbook import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.ovh_http2sms.const import DOMAIN
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import async_notify, async_send_sms


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The logbook needs the recorder, which must start before Home Assistant does."""


async def _logbook(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> list[dict[str, Any]]:
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "logbook/get_events", "start_time": "2000-01-01T00:00:00+00:00"}
    )
    result = await client.receive_json()
    assert result["success"], result
    return [entry for entry in result["result"] if entry.get("domain") == DOMAIN]


@pytest.mark.parametrize(
    ("language", "sent_to_alice", "sent_to_numbers", "failed"),
    [
        (
            "en",
            "SMS sent: 2 parts, Unicode",
            "SMS sent to 2 recipients: 1 part, 7-bit",
            "SMS not sent: OVHcloud refused it",
        ),
        (
            "fr",
            "SMS envoyé\u00a0: 2 parties, Unicode",
            "SMS envoyé à 2 destinataires\u00a0: 1 partie, 7 bits",
            "SMS non envoyé\u00a0: OVHcloud l’a refusé",
        ),
    ],
)
async def test_the_logbook_shows_each_sms_translated_without_text_or_number(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_integration: MockConfigEntry,
    simulator: RunningSimulator,
    language: str,
    sent_to_alice: str,
    sent_to_numbers: str,
    failed: str,
) -> None:
    """Attached to the contact, or to the account's credit; failures with a short reason."""
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()

    await async_notify(hass, "notify.alice", "Secret text é’ " * 8)
    await async_send_sms(
        hass, recipients=["06 98 76 54 32", "+44 7911 123456"], message="Leak"
    )
    simulator.inject(Fault(kind=FaultKind.UNKNOWN_STATUS, status=202))
    with pytest.raises(HomeAssistantError):
        await async_notify(hass, "notify.alice", "Refused")
    await hass.async_block_till_done()

    entries = await _logbook(hass, hass_ws_client)
    assert [(e.get("entity_id"), e["message"]) for e in entries] == [
        ("notify.alice", sent_to_alice),
        ("sensor.sms_ab1234_1_credits", sent_to_numbers),
        ("notify.alice", failed),
    ]
    shown = repr(entries)
    for private in ("Secret", "Leak", "Refused", "612345678", "698765432", "7911"):
        assert private not in shown


@pytest.mark.parametrize(
    ("language", "delivered", "failed", "replied", "stranger"),
    [
        (
            "en",
            "SMS delivered (8 s)",
            "SMS could not be delivered",
            "replied by SMS",
            "SMS received from a number ending in 32",
        ),
        (
            "fr",
            "SMS remis (8\u00a0s)",
            "SMS non remis",
            "a répondu par SMS",
            "SMS reçu d’un numéro finissant par 32",
        ),
        (
            "pl",
            "SMS dostarczony (8\u00a0s)",
            "Nie udało się dostarczyć SMS-a",
            "odpowiedział(a) SMS-em",
            "SMS odebrany z numeru kończącego się na 32",
        ),
    ],
)
@pytest.mark.freeze_time("2026-12-01 10:00:00+00:00", tick=True)
async def test_the_logbook_says_what_arrived_and_who_replied_never_what(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    language: str,
    delivered: str,
    failed: str,
    replied: str,
    stranger: str,
) -> None:
    """Alice's SMS delivered (with how long), Bob's not; who replied, never the reply."""
    await hass.config.async_update(language=language)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    url = f"/api/webhook/{init_integration.data[CONF_WEBHOOK_ID]}"
    [to_alice] = (
        await async_send_sms(hass, contacts=["notify.alice"], message="Secret one")
    )["sms_ids"]
    [to_bob] = (
        await async_send_sms(hass, contacts=["notify.bob"], message="Secret two")
    )["sms_ids"]
    sensor = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{init_integration.entry_id}_contact_alice_delivery"
    )
    sent_at = dt_util.parse_datetime(hass.states.get(sensor).attributes["sent_at"])
    freezer.move_to(sent_at + timedelta(seconds=8, milliseconds=100))
    await client.get(url, params={"id": to_alice, "description": "1"})
    await client.get(url, params={"id": to_bob, "dlr": "2"})
    await client.post(
        url, data={"id": "77", "senderid": "+33612345678", "message": "Secret OK"}
    )
    await client.post(
        url, data={"id": "78", "senderid": "+33698765432", "message": "Secret who"}
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    entries = await _logbook(hass, hass_ws_client)
    arrived = [
        (e.get("entity_id"), e["message"])
        for e in entries
        if e["message"] in (delivered, failed, replied, stranger)
    ]
    assert arrived == [
        ("notify.alice", delivered),
        ("notify.bob", failed),
        ("notify.alice", replied),
        ("event.sms_ab1234_1_sms_received", stranger),
    ]
    shown = repr(entries)
    for private in ("Secret", "612345678", "6987654", "7911", "webhook"):
        assert private not in shown


async def test_a_report_after_a_change_of_language_is_told_in_the_new_one(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """Set up in French, switched to Italian before the report: the line is in Italian."""
    await hass.config.async_update(language="fr")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    [sms_id] = (
        await async_send_sms(hass, contacts=["notify.alice"], message="Secret")
    )["sms_ids"]
    await hass.config.async_update(language="it")
    await hass.async_block_till_done()
    url = f"/api/webhook/{init_integration.data[CONF_WEBHOOK_ID]}"
    await client.get(url, params={"id": sms_id, "dlr": "2"})
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    entries = await _logbook(hass, hass_ws_client)
    assert ("notify.alice", "Impossibile consegnare l’SMS") in [
        (e.get("entity_id"), e["message"]) for e in entries
    ]
