"""The config flow, against the simulator: every error is shown, then fixed, then saved."""

from __future__ import annotations

from decimal import Decimal
import json
import socket
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_NAME, CONF_PASSWORD, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ovh_http2sms.config_flow import _credit_text, entry_unique_id
from custom_components.ovh_http2sms.const import (
    CONF_ACCOUNT,
    CONF_CODING,
    CONF_DAILY_BUDGET,
    CONF_ENDPOINT,
    CONF_FLASH,
    CONF_LOGIN,
    CONF_LOW_CREDIT_THRESHOLD,
    CONF_MAX_PARTS,
    CONF_MAX_SENDS_PER_SECOND,
    CONF_NO_STOP,
    CONF_PHONE_NUMBER,
    CONF_REGION,
    CONF_REPEAT_WINDOW,
    CONF_REPLACE_CHARACTERS,
    CONF_SENDER,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from http2sms_simulator import Fault, FaultKind
from http2sms_simulator.testing import RunningSimulator

from .conftest import ACCOUNT, LOGIN, PASSWORD, SENDER, account_data


async def _start(hass: HomeAssistant) -> FlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def _submit(
    hass: HomeAssistant, result: FlowResult, data: dict[str, Any]
) -> FlowResult:
    """Submit a step; an endpoint goes in the collapsed "advanced" section, as the UI sends it."""
    if CONF_ENDPOINT in data:
        flat = {k: v for k, v in data.items() if k != CONF_ENDPOINT}
        data = {**flat, "advanced": {CONF_ENDPOINT: data[CONF_ENDPOINT]}}
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def _choose(hass: HomeAssistant, result: FlowResult, option: str) -> FlowResult:
    """Pick an entry of a menu step."""
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": option}
    )


def _suggested(result: FlowResult, field: str, in_section: str | None = None) -> Any:
    """The value a form shows pre-filled in a field (of a section, if named)."""
    schema = result["data_schema"].schema
    if in_section is not None:
        schema = schema[in_section].schema.schema
    for marker in schema:
        if marker == field:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(field)


def _closed_port_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/cgi-bin/sms/http2sms.cgi"


async def test_verified_account_without_test_sms(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """When the service checks credentials first, the probe proves them; nothing is sent."""
    simulator.state.missing_before_auth = False
    result = await _submit(hass, await _start(hass), account_data(simulator))

    assert result["step_id"] == "verified"
    assert result["menu_options"] == ["test_sms", "finish"]
    result = await _choose(hass, result, "finish")

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == ACCOUNT
    # The webhook's id is a fresh secret: long, random, not derived from the account.
    webhook_id = result["data"][CONF_WEBHOOK_ID]
    assert len(webhook_id) >= 32
    assert result["data"] == {**account_data(simulator), CONF_WEBHOOK_ID: webhook_id}
    assert result["result"].unique_id == entry_unique_id(ACCOUNT, LOGIN)
    assert LOGIN not in repr(result["result"])
    assert simulator.outbox == []
    assert simulator.state.account(ACCOUNT).credit == 100


async def test_unverified_account_proved_by_a_test_sms(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """When missing parameters are reported first, only a test SMS proves the password."""
    await hass.config.async_update(country="FR")
    result = await _submit(hass, await _start(hass), account_data(simulator))
    assert result["step_id"] == "unverified"
    result = await _choose(hass, result, "test_sms")
    assert result["step_id"] == "test_sms"

    result = await _submit(hass, result, {"test_number": "06 12 34 56 78"})

    # Before the account is saved, the flow says where the SMS went and the credit left.
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "test_sms_sent"
    assert result["description_placeholders"] == {
        "number": "+33 6 •• •• •• 78",
        "credits": "99",
    }
    result = await _submit(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    [sms] = simulator.outbox
    assert sms.recipient == "0033612345678"
    await hass.async_block_till_done()
    assert hass.states.get("sensor.sms_ab1234_1_credits").state == "99"


async def test_endpoint_is_tucked_away_and_defaults_to_ovh(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """The endpoint lives in a collapsed section; left empty, the entry uses OVH's gateway."""
    result = await _start(hass)
    assert set(result["data_schema"].schema) == {
        CONF_ACCOUNT,
        CONF_LOGIN,
        CONF_PASSWORD,
        CONF_SENDER,
        "advanced",
    }
    simulator.state.missing_before_auth = False
    with patch(
        "custom_components.ovh_http2sms.config_flow.DEFAULT_ENDPOINT",
        simulator.endpoint,
    ):
        result = await _submit(
            hass, result, {**account_data(simulator), CONF_ENDPOINT: ""}
        )
        result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_ENDPOINT not in result["data"]


async def test_format_errors_then_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Badly formatted fields are shown without a request; corrected, they create the entry."""
    result = await _start(hass)
    result = await _submit(
        hass,
        result,
        account_data(
            simulator,
            account="ab1234",
            login="home assistant",
            sender="Home Assistant Alarm",
            endpoint="http://sms.example.org/cgi-bin/sms/http2sms.cgi",
        ),
    )
    assert result["errors"] == {
        CONF_ACCOUNT: "invalid_account",
        CONF_LOGIN: "invalid_login",
        CONF_SENDER: "invalid_sender",
        CONF_ENDPOINT: "invalid_endpoint",
    }
    assert simulator.requests == []
    assert _suggested(result, CONF_PASSWORD) == PASSWORD
    assert (
        _suggested(result, CONF_ENDPOINT, in_section="advanced")
        == "http://sms.example.org/cgi-bin/sms/http2sms.cgi"
    )

    result = await _submit(
        hass, result, account_data(simulator, account=" SMS-AB1234-1 ")
    )
    result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ACCOUNT] == ACCOUNT


async def test_wrong_password_then_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A wrong password is shown as invalid; the right one creates the entry."""
    simulator.state.missing_before_auth = False
    result = await _submit(
        hass, await _start(hass), account_data(simulator, password="Wr0ngPwd")
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await _submit(hass, result, account_data(simulator))
    result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == PASSWORD


@pytest.mark.parametrize("password", ["", "   ", "Secr3t42\n"])
async def test_a_blank_or_broken_password_is_refused_before_any_request(
    hass: HomeAssistant, simulator: RunningSimulator, password: str
) -> None:
    """Nothing typed (or a pasted line break) is said at once, in the password's field."""
    result = await _submit(
        hass, await _start(hass), account_data(simulator, password=password)
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_password"}
    assert simulator.requests == []


async def test_a_password_unlike_the_control_panel_s_is_accepted_if_ovhcloud_takes_it(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """The Control Panel gives 8 letters or digits, but a password is never refused for its shape.

    Whether http2sms takes other passwords (made through OVHcloud's API, or in older days)
    is not documented: refusing one could lock out a working SMS user.
    """
    simulator.state.missing_before_auth = False
    simulator.state.account(ACCOUNT).users[LOGIN].password = "Tr1ed-by-hand 2!"
    result = await _submit(
        hass,
        await _start(hass),
        account_data(simulator, password="Tr1ed-by-hand 2!"),
    )
    assert result["step_id"] == "verified"
    result = await _choose(hass, result, "finish")
    assert result["data"][CONF_PASSWORD] == "Tr1ed-by-hand 2!"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(kind=FaultKind.MALFORMED), "invalid_response"),
        (Fault(kind=FaultKind.HTTP_ERROR, http_status=502), "invalid_response"),
        (Fault(kind=FaultKind.UNKNOWN_STATUS), "rejected"),
        (Fault(kind=FaultKind.RESET), "cannot_connect"),
        (Fault(kind=FaultKind.DELAY, seconds=5), "timeout_connect"),
    ],
)
async def test_service_faults_then_entry(
    hass: HomeAssistant, simulator: RunningSimulator, fault: Fault, error: str
) -> None:
    """A gateway fault during the check is shown as an error; the next try creates the entry."""
    simulator.inject(fault)
    with patch("custom_components.ovh_http2sms.config_flow.CHECK_TIMEOUT", 0.5):
        result = await _submit(hass, await _start(hass), account_data(simulator))
    assert result["errors"] == {"base": error}

    result = await _submit(hass, result, account_data(simulator))
    result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unreachable_then_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """An unreachable endpoint is shown as cannot connect; a reachable one creates the entry."""
    result = await _submit(
        hass,
        await _start(hass),
        account_data(simulator, endpoint=_closed_port_endpoint()),
    )
    assert result["errors"] == {"base": "cannot_connect"}

    result = await _submit(hass, result, account_data(simulator))
    result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_error_then_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """An unexpected error in the check is shown as unknown; the next try creates the entry."""
    with patch(
        "custom_components.ovh_http2sms.http2sms.client.Http2SmsClient.probe",
        side_effect=RuntimeError("boom"),
    ):
        result = await _submit(hass, await _start(hass), account_data(simulator))
    assert result["errors"] == {"base": "unknown"}

    result = await _submit(hass, result, account_data(simulator))
    result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_refused_test_sms_shows_the_reason_masked(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """OVHcloud's reason for refusing the test SMS keeps the number's last two digits only."""
    await hass.config.async_update(country="FR")
    result = await _submit(hass, await _start(hass), account_data(simulator))
    result = await _choose(hass, result, "test_sms")
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=json.dumps(
                {"status": 202, "message": "Invalid receiver 0033612345678"}
            ),
        )
    )

    result = await _submit(hass, result, {"test_number": "06 12 34 56 78"})

    assert result["step_id"] == "test_sms"
    assert result["errors"] == {"base": "rejected"}
    assert result["description_placeholders"] == {"reason": "Invalid receiver …78"}


async def test_a_refused_check_shows_the_reason_masked(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A refusal of the account check quoting a number shows its last two digits only."""
    simulator.inject(
        Fault(
            kind=FaultKind.MALFORMED,
            body=json.dumps({"status": 202, "message": "Invalid sender 0612345678"}),
        )
    )

    result = await _submit(hass, await _start(hass), account_data(simulator))

    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "rejected"}
    assert result["description_placeholders"] == {"reason": "Invalid sender …78"}


async def test_test_sms_errors_then_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A bad number stays on the step; a refused sender goes back to the account form."""
    result = await _submit(
        hass, await _start(hass), account_data(simulator, sender="Unknown")
    )
    result = await _choose(hass, result, "test_sms")
    result = await _submit(hass, result, {"test_number": "12"})
    assert result["errors"] == {"test_number": "national_number_without_country"}
    result = await _submit(hass, result, {"test_number": "+33 12"})
    assert result["errors"] == {"test_number": "invalid_phone_number"}

    result = await _submit(hass, result, {"test_number": "+33 6 12 34 56 78"})
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_SENDER: "sender_not_found"}

    result = await _submit(hass, result, account_data(simulator))
    result = await _choose(hass, result, "test_sms")
    simulator.inject(Fault(kind=FaultKind.HTTP_ERROR, http_status=404))
    result = await _submit(hass, result, {"test_number": "+33 6 12 34 56 78"})
    assert result["errors"] == {"base": "invalid_response"}

    result = await _submit(hass, result, {"test_number": "+33 6 12 34 56 78"})
    assert result["step_id"] == "test_sms_sent"
    result = await _submit(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert [sms.recipient for sms in simulator.outbox] == ["0033612345678"]


async def test_same_account_twice_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Adding an account and login already configured aborts."""
    result = await _submit(hass, await _start(hass), account_data(simulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_an_abandoned_window_does_not_block_adding_the_account(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A window left open (a browser killed mid-flow) gives way to a new one for the same user."""
    abandoned = await _submit(hass, await _start(hass), account_data(simulator))
    assert abandoned["type"] is FlowResultType.MENU

    second = await _submit(hass, await _start(hass), account_data(simulator))
    assert second["type"] is FlowResultType.MENU
    result = await _choose(hass, second, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    # Saving the account ended the abandoned window: nothing is left in progress.
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_either_of_two_windows_saves_the_account_once(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """The older window may still finish first: one entry, and the newer window is ended."""
    older = await _submit(hass, await _start(hass), account_data(simulator))
    newer = await _submit(hass, await _start(hass), account_data(simulator))
    assert newer["type"] is FlowResultType.MENU

    result = await _choose(hass, older, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert hass.config_entries.async_entries(DOMAIN) == [result["result"]]
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    # Another try now says the account is set up: it never replaces the saved entry.
    again = await _submit(hass, await _start(hass), account_data(simulator))
    assert again["type"] is FlowResultType.ABORT
    assert again["reason"] == "already_configured"


async def test_credit_text_without_a_figure() -> None:
    """A success reply without a credit still says something."""
    assert _credit_text(None) == "-"
    assert _credit_text(Decimal("48.50")) == "48.5"


async def test_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Reauthentication refuses the old password and saves the new one."""
    simulator.state.missing_before_auth = False
    simulator.state.account(ACCOUNT).users[LOGIN].password = "N3wPassw"
    result = await init_integration.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"

    result = await _submit(hass, result, {CONF_PASSWORD: PASSWORD})
    assert result["errors"] == {"base": "invalid_auth"}
    requests = len(simulator.requests)
    result = await _submit(hass, result, {CONF_PASSWORD: "  "})
    assert result["errors"] == {CONF_PASSWORD: "invalid_password"}
    assert len(simulator.requests) == requests

    result = await _submit(hass, result, {CONF_PASSWORD: "N3wPassw"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.data[CONF_PASSWORD] == "N3wPassw"


async def test_reconfigure(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Reconfigure refuses an invalid sender, saves a valid one, keeps the password and URL."""
    simulator.state.missing_before_auth = False
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    result = await init_integration.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert CONF_ACCOUNT not in result["data_schema"].schema
    assert _suggested(result, CONF_PASSWORD) is None
    assert _suggested(result, CONF_LOGIN) == LOGIN

    result = await _submit(
        hass,
        result,
        {
            CONF_LOGIN: LOGIN,
            CONF_SENDER: "Home-Alarm!",
            CONF_ENDPOINT: simulator.endpoint,
        },
    )
    assert result["errors"] == {CONF_SENDER: "invalid_sender"}

    result = await _submit(
        hass,
        result,
        {CONF_LOGIN: LOGIN, CONF_SENDER: "Alarm", CONF_ENDPOINT: simulator.endpoint},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.data[CONF_SENDER] == "Alarm"
    assert init_integration.data[CONF_PASSWORD] == PASSWORD
    # The URL pasted in OVHcloud's Control Panel stays valid.
    assert init_integration.data[CONF_WEBHOOK_ID] == webhook_id


async def test_reconfigure_to_another_configured_user_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Reconfiguring to a login that already has an entry aborts."""
    MockConfigEntry(
        domain=DOMAIN,
        unique_id=entry_unique_id(ACCOUNT, "other"),
        data=account_data(simulator, login="other"),
    ).add_to_hass(hass)
    result = await init_integration.start_reconfigure_flow(hass)
    result = await _submit(
        hass,
        result,
        {
            CONF_LOGIN: "other",
            CONF_PASSWORD: PASSWORD,
            CONF_SENDER: SENDER,
            CONF_ENDPOINT: "",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure_wrong_password_then_saved(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Reconfigure refuses a wrong password and saves once the right one is given."""
    simulator.state.missing_before_auth = False
    result = await init_integration.start_reconfigure_flow(hass)
    fields = {CONF_LOGIN: LOGIN, CONF_SENDER: SENDER, CONF_ENDPOINT: simulator.endpoint}
    result = await _submit(hass, result, {**fields, CONF_PASSWORD: "Wr0ngPwd"})
    assert result["errors"] == {"base": "invalid_auth"}

    result = await _submit(hass, result, {**fields, CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reconfigure_successful"


async def _open_sending_policy(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ConfigFlowResult:
    """Open the account's configure menu and pick the sending policy."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "policy"}
    )


async def test_options(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """The options flow saves coding, replacement, part limit, credit threshold and pace."""
    result = await _open_sending_policy(hass, init_integration)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_CODING: "auto",
            CONF_REPLACE_CHARACTERS: "replace",
            CONF_MAX_PARTS: 2.0,
            CONF_LOW_CREDIT_THRESHOLD: 25,
            CONF_MAX_SENDS_PER_SECOND: 10.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {
        CONF_CODING: "auto",
        CONF_REPLACE_CHARACTERS: "replace",
        CONF_MAX_PARTS: 2,
        CONF_LOW_CREDIT_THRESHOLD: 25.0,
        CONF_MAX_SENDS_PER_SECOND: 10,
        CONF_REPEAT_WINDOW: 2,
        CONF_DAILY_BUDGET: 0,
    }


_OPTIONS = {
    CONF_CODING: "auto",
    CONF_REPLACE_CHARACTERS: "off",
    CONF_MAX_PARTS: 6,
    CONF_LOW_CREDIT_THRESHOLD: 10,
    CONF_MAX_SENDS_PER_SECOND: 5,
    CONF_REPEAT_WINDOW: 2,
    CONF_DAILY_BUDGET: 0,
}


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        (CONF_DAILY_BUDGET, -3, {"min": "0", "max": "100000"}),
        (CONF_DAILY_BUDGET, 2.5, {"min": "0", "max": "100000"}),
        (CONF_DAILY_BUDGET, 100001, {"min": "0", "max": "100000"}),
        (CONF_DAILY_BUDGET, float("nan"), {"min": "0", "max": "100000"}),
        (CONF_DAILY_BUDGET, float("inf"), {"min": "0", "max": "100000"}),
        (CONF_LOW_CREDIT_THRESHOLD, -1, {"min": "0", "max": "100000"}),
        (CONF_MAX_SENDS_PER_SECOND, 0, {"min": "1", "max": "30"}),
        (CONF_REPEAT_WINDOW, 1441, {"min": "0", "max": "1440"}),
        (CONF_REPEAT_WINDOW, 1e300, {"min": "0", "max": "1440"}),
    ],
)
async def test_an_option_out_of_range_is_a_translated_error_with_its_range(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    field: str,
    value: float,
    allowed: dict[str, str],
) -> None:
    """A value the form cannot take stays on the form with a translated error, nothing saved.

    The error is a key of this integration whose text names the whole numbers allowed, not
    Home Assistant's English "Value -3.0 is too small".
    """
    result = await _open_sending_policy(hass, init_integration)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**_OPTIONS, field: value}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: f"{field}_out_of_range"}
    placeholders = result["description_placeholders"]
    assert {
        "min": placeholders[f"{field}_min"],
        "max": placeholders[f"{field}_max"],
    } == allowed
    assert init_integration.options == {}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**_OPTIONS, field: allowed["max"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options[field] == int(allowed["max"])


async def test_add_contact(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Adding a contact refuses bad, taken numbers and blank names, then creates its entity."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_TYPE_RECIPIENT),
        context={"source": SOURCE_USER},
    )
    contact = {
        CONF_NAME: "Carol",
        CONF_PHONE_NUMBER: "07 00",
        CONF_FLASH: True,
        CONF_NO_STOP: True,
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], contact
    )
    assert result["errors"] == {CONF_PHONE_NUMBER: "invalid_phone_number"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**contact, CONF_PHONE_NUMBER: "+33 6 12 34 56 78"}
    )
    assert result["errors"] == {CONF_PHONE_NUMBER: "already_configured"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**contact, CONF_NAME: "  "}
    )
    assert result["errors"] == {CONF_NAME: "invalid_name"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**contact, CONF_PHONE_NUMBER: "07 81 23 45 67"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    state = hass.states.get("notify.carol")
    assert state is not None
    carol = next(s for s in init_integration.subentries.values() if s.title == "Carol")
    assert carol.unique_id == "0033781234567"
    assert carol.data == {
        CONF_PHONE_NUMBER: "0033781234567",
        CONF_REGION: "FR",
        CONF_FLASH: True,
        CONF_NO_STOP: True,
    }


async def test_edit_contact(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Editing a contact refuses another contact's number and saves a new one."""
    alice = next(s for s in init_integration.subentries.values() if s.title == "Alice")
    result = await init_integration.start_subentry_reconfigure_flow(
        hass, alice.subentry_id
    )
    assert result["step_id"] == "reconfigure"

    edited = {
        CONF_NAME: "Alice",
        CONF_PHONE_NUMBER: "+44 7911 123456",
        CONF_NO_STOP: True,
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], edited
    )
    assert result["errors"] == {CONF_PHONE_NUMBER: "already_configured"}

    edited[CONF_PHONE_NUMBER] = "06 98 76 54 32"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], edited
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.subentries[alice.subentry_id].unique_id == "0033698765432"


async def test_test_sms_with_an_unknown_outcome_offers_no_blind_resubmit(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A test SMS cut off after it left leads to a menu that says so, not back to Submit."""
    result = await _submit(hass, await _start(hass), account_data(simulator))
    result = await _choose(hass, result, "test_sms")
    simulator.inject(Fault(kind=FaultKind.RESET, after_send=True))
    result = await _submit(hass, result, {"test_number": "+33 6 12 34 56 78"})

    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "test_sms_unknown"
    assert result["menu_options"] == ["finish", "test_sms"]
    assert len(simulator.outbox) == 1

    result = await _choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(simulator.outbox) == 1
