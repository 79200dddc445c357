"""Config flow: an SMS account (checked before it is saved), its options and its contacts."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
import hashlib
import logging
import math
import re
from typing import Any, override
import unicodedata

from homeassistant.components import webhook as ha_webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME, CONF_PASSWORD, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .account import async_get_account
from .const import (
    CODING_AUTO,
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
    REPLACE_AND_DROP,
    REPLACE_LOOKALIKES,
    REPLACE_OFF,
    SUBENTRY_TYPE_RECIPIENT,
    WEBHOOK_DATA,
)
from .errors import Outcome, failed_outcome, private_reason
from .http2sms import (
    DEFAULT_ENDPOINT,
    MAX_PARTS,
    Credentials,
    Encoding,
    Http2SmsAuthenticationError,
    Http2SmsClient,
    Http2SmsConfigurationError,
    Http2SmsConnectionError,
    Http2SmsResponseError,
    Http2SmsSenderNotFoundError,
    Http2SmsServiceError,
    Http2SmsTimeoutError,
    ProbeResult,
    SmsRequest,
    layout,
    validate_endpoint,
)
from .options import (
    DAILY_BUDGET_LIMIT,
    LOW_CREDIT_THRESHOLD_LIMIT,
    MAX_SENDS_PER_SECOND_LIMIT,
    REPEAT_WINDOW_LIMIT,
    SmsOptions,
)
from .outgoing import Outgoing
from .public_url import async_new_public_url, async_public_url
from .repairs import BUDGET_REACHED
from .validation import (
    InvalidPhoneNumber,
    is_valid_sender,
    masked_number,
    parse_phone_number,
)

_LOGGER = logging.getLogger(__name__)

CONF_TEST_NUMBER = "test_number"
SECTION_ADVANCED = "advanced"
ACCOUNT_PATTERN = re.compile(r"^sms-[a-z]{2}\d+-\d+$", re.IGNORECASE)
# A person waits in front of the form: give up sooner than a send from an automation would.
CHECK_TIMEOUT = 15.0
TEST_MESSAGE = "Home Assistant: OVHcloud SMS is set up. / OVHcloud SMS est configuré."

_TEXT = TextSelector()
_PASSWORD = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
_USERNAME = TextSelector(TextSelectorConfig(autocomplete="username"))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_PHONE = TextSelector(TextSelectorConfig(type=TextSelectorType.TEL, autocomplete="tel"))


def _account_schema(*, reconfigure: bool = False) -> probatio.Schema:
    """Build the account form; on reconfigure the account is fixed and a blank password kept."""
    schema: dict[probatio.Marker, Any] = (
        {} if reconfigure else {probatio.Required(CONF_ACCOUNT): _TEXT}
    )
    schema |= {
        probatio.Required(CONF_LOGIN): _USERNAME,
        (probatio.Optional if reconfigure else probatio.Required)(
            CONF_PASSWORD
        ): _PASSWORD,
        probatio.Required(CONF_SENDER): _TEXT,
        probatio.Required(SECTION_ADVANCED): section(
            probatio.Schema({probatio.Optional(CONF_ENDPOINT): _URL}),
            {"collapsed": True},
        ),
    }
    return probatio.Schema(schema)


def _flattened(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Take the endpoint out of its collapsed section: the entry keeps flat data."""
    data = {key: value for key, value in user_input.items() if key != SECTION_ADVANCED}
    if endpoint := user_input.get(SECTION_ADVANCED, {}).get(CONF_ENDPOINT):
        data[CONF_ENDPOINT] = endpoint
    return data


def _form_values(data: Mapping[str, Any], *, keep_password: bool) -> dict[str, Any]:
    """Suggested values for the form, the endpoint in its section.

    The password typed in this flow comes back after an error on another field; the saved one
    is never sent back to the browser (reconfigure keeps it when the field is left empty).
    """
    hidden = {CONF_ENDPOINT} if keep_password else {CONF_PASSWORD, CONF_ENDPOINT}
    values = {k: v for k, v in data.items() if k not in hidden}
    values[SECTION_ADVANCED] = {CONF_ENDPOINT: data.get(CONF_ENDPOINT) or ""}
    return values


def _format_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Check what can be checked without the service, field by field."""
    errors: dict[str, str] = {}
    if not ACCOUNT_PATTERN.fullmatch(data[CONF_ACCOUNT].strip()):
        errors[CONF_ACCOUNT] = "invalid_account"
    if not data[CONF_LOGIN].strip() or any(
        char.isspace() for char in data[CONF_LOGIN].strip()
    ):
        errors[CONF_LOGIN] = "invalid_login"
    if not is_valid_sender(data[CONF_SENDER].strip()):
        errors[CONF_SENDER] = "invalid_sender"
    if not _is_usable_password(data[CONF_PASSWORD]):
        errors[CONF_PASSWORD] = "invalid_password"
    if endpoint := data.get(CONF_ENDPOINT):
        try:
            validate_endpoint(endpoint)
        except Http2SmsConfigurationError:
            errors[CONF_ENDPOINT] = "invalid_endpoint"
    return errors


def _is_usable_password(password: str) -> bool:
    """Refuse only what cannot be a password: nothing typed, or a pasted control character.

    OVHcloud's Control Panel gives an SMS user 8 letters or digits, but whether http2sms refuses
    other passwords (made through OVHcloud's API, or before that rule) is not documented: any
    other shape is left for OVHcloud to judge, rather than lock out a working SMS user.
    """
    return bool(password.strip()) and not any(
        unicodedata.category(char) == "Cc" for char in password
    )


def _cleaned(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {
        CONF_ACCOUNT: data[CONF_ACCOUNT].strip().lower(),
        CONF_LOGIN: data[CONF_LOGIN].strip(),
        CONF_PASSWORD: data[CONF_PASSWORD],
        CONF_SENDER: data[CONF_SENDER].strip(),
    }
    if endpoint := (data.get(CONF_ENDPOINT) or "").strip():
        cleaned[CONF_ENDPOINT] = endpoint
    return cleaned


def entry_unique_id(account: str, login: str) -> str:
    """Name the account and SMS user pair; the login is hashed, as it shows in entry reprs."""
    hashed = hashlib.sha256(login.lower().encode()).hexdigest()[:16]
    return f"{account.lower()}_{hashed}"


def _client(hass: HomeAssistant, data: Mapping[str, Any]) -> Http2SmsClient:
    return Http2SmsClient(
        async_get_clientsession(hass),
        Credentials(data[CONF_ACCOUNT], data[CONF_LOGIN], data[CONF_PASSWORD]),
        endpoint=data.get(CONF_ENDPOINT) or DEFAULT_ENDPOINT,
        timeout=CHECK_TIMEOUT,
    )


def _credit_text(credit: Decimal | None) -> str:
    """Write the credit as OVHcloud does: 49, or 48.5; "-" when the reply gave none."""
    if credit is None:
        return "-"
    return f"{credit:.3f}".rstrip("0").rstrip(".")


def _error_key(err: Exception) -> tuple[str, str]:
    """Map an error of the probe or the test SMS to (field, translation key)."""
    match err:
        case Http2SmsAuthenticationError():
            return "base", "invalid_auth"
        case Http2SmsSenderNotFoundError():
            return CONF_SENDER, "sender_not_found"
        case Http2SmsServiceError():
            return "base", "rejected"
        case Http2SmsTimeoutError():
            return "base", "timeout_connect"
        case Http2SmsConnectionError():
            return "base", "cannot_connect"
        case Http2SmsResponseError():
            return "base", "invalid_response"
    _LOGGER.error("Unexpected error while checking the SMS account", exc_info=err)
    return "base", "unknown"


async def _async_probe(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[dict[str, str], ProbeResult | None, str]:
    """Ask http2sms what it can say about the account without sending anything."""
    try:
        probe = await _client(hass, data).probe(data[CONF_SENDER])
    except Exception as err:  # noqa: BLE001 - every failure becomes a form error
        field, key = _error_key(err)
        reason = (
            private_reason(err.reason) if isinstance(err, Http2SmsServiceError) else ""
        )
        return {field: key}, None, reason
    return {}, probe, ""


def _webhook_data(entry: ConfigEntry) -> dict[str, Any]:
    """Return what a reconfiguration keeps: the URL pasted in OVHcloud's Control Panel."""
    return {key: entry.data[key] for key in WEBHOOK_DATA if key in entry.data}


class Http2SmsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an SMS account: an OVH SMS account and one of its SMS users."""

    VERSION = 1
    # 2: contacts store their number in http2sms form, read once when saved.
    # 3: the entry holds the secret id of its webhook (delivery reports and replies).
    MINOR_VERSION = 3

    def __init__(self) -> None:
        """Start with nothing."""
        self._data: dict[str, Any] = {}
        self._reason = ""
        self._sent: dict[str, str] = {}

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Contacts are subentries of their account."""
        return {SUBENTRY_TYPE_RECIPIENT: ContactSubentryFlow}

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> Http2SmsOptionsFlow:
        """Account-wide sending policy."""
        return Http2SmsOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account, check its format, then probe it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input = _flattened(user_input)
            errors = _format_errors(user_input)
            if not errors:
                data = _cleaned(user_input)
                # Another window for this SMS user (maybe one a closed browser left) is no
                # obstacle: the first to save wins, and Home Assistant then ends the others.
                await self.async_set_unique_id(
                    entry_unique_id(data[CONF_ACCOUNT], data[CONF_LOGIN]),
                    raise_on_progress=False,
                )
                self._abort_if_unique_id_configured()
                errors, probe, self._reason = await _async_probe(self.hass, data)
                if probe is not None:
                    self._data = data
                    if probe.credentials_verified:
                        return await self.async_step_verified()
                    return await self.async_step_unverified()
        return self._async_show_user_form(errors, user_input)

    @callback
    def _async_show_user_form(
        self, errors: dict[str, str], user_input: Mapping[str, Any] | None
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _account_schema(), _form_values(user_input or {}, keep_password=True)
            ),
            errors=errors,
            description_placeholders={"reason": self._reason or "-"},
        )

    async def async_step_verified(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer a test SMS; the probe already proved the login and password."""
        return self.async_show_menu(
            step_id="verified", menu_options=["test_sms", "finish"]
        )

    async def async_step_unverified(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer a test SMS; only it can prove the login and password on this service."""
        return self.async_show_menu(
            step_id="unverified", menu_options=["test_sms", "finish"]
        )

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Save the account without a test SMS."""
        return self._async_create()

    async def async_step_test_sms(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Send one SMS that proves the SMS user, its password and the sender."""
        errors: dict[str, str] = {}
        if user_input is not None:
            typed = user_input[CONF_TEST_NUMBER]
            try:
                number = await self.hass.async_add_executor_job(
                    parse_phone_number, typed, self.hass.config.country
                )
            except InvalidPhoneNumber as err:
                errors[CONF_TEST_NUMBER] = err.reason
            else:
                # The account's SMS like any other: in its turn, counted in its day.
                account = async_get_account(
                    self.hass, self._data[CONF_ACCOUNT], self._data.get(CONF_ENDPOINT)
                )
                try:
                    delivery = await account.async_transmit_test(
                        _client(self.hass, self._data),
                        Outgoing(
                            recipients=(number.http2sms,),
                            request=SmsRequest(
                                recipients=(number.http2sms,),
                                message=TEST_MESSAGE,
                                sender=self._data[CONF_SENDER],
                                coding=Encoding.UNICODE,
                            ),
                            parts=layout(TEST_MESSAGE, Encoding.UNICODE).parts,
                            encoding=Encoding.UNICODE.value,
                            allow_repeat=True,
                        ),
                    )
                except HomeAssistantError as err:
                    if err.translation_key == BUDGET_REACHED:
                        return await self.async_step_test_sms_refused()
                    if failed_outcome(err) is Outcome.UNKNOWN:
                        # Submitting the form again could send a second SMS: say so instead.
                        return await self.async_step_test_sms_unknown()
                    cause = err.__cause__
                    field, key = _error_key(
                        cause if isinstance(cause, Exception) else err
                    )
                    self._reason = (
                        private_reason(cause.reason, (TEST_MESSAGE, typed))
                        if isinstance(cause, Http2SmsServiceError)
                        else ""
                    )
                    if key in ("invalid_auth", "sender_not_found"):
                        return self._async_show_user_form({field: key}, self._data)
                    errors["base"] = key
                else:
                    self._sent = {
                        "number": masked_number(number.http2sms),
                        "credits": _credit_text(delivery.credits_left),
                    }
                    return await self.async_step_test_sms_sent()
        return self.async_show_form(
            step_id="test_sms",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema({probatio.Required(CONF_TEST_NUMBER): _PHONE}),
                user_input,
            ),
            errors=errors,
            description_placeholders={"reason": self._reason or "-"},
        )

    async def async_step_test_sms_sent(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say where the test SMS went and the credit left, where the person is looking."""
        if user_input is not None:
            return self._async_create()
        return self.async_show_form(
            step_id="test_sms_sent", description_placeholders=self._sent
        )

    async def async_step_test_sms_unknown(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say the test SMS may have been sent: finish, or send another knowingly."""
        return self.async_show_menu(
            step_id="test_sms_unknown", menu_options=["finish", "test_sms"]
        )

    async def async_step_test_sms_refused(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say the account's daily budget refused the test SMS: save without it."""
        return self.async_show_menu(step_id="test_sms_refused", menu_options=["finish"])

    @callback
    def _async_create(self) -> ConfigFlowResult:
        # Saved meanwhile from another window: abort rather than replace that entry.
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=self._data[CONF_ACCOUNT],
            data={**self._data, CONF_WEBHOOK_ID: ha_webhook.async_generate_id()},
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """OVH refused the login: ask for the password again."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the new password before saving it."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None and not _is_usable_password(
            user_input[CONF_PASSWORD]
        ):
            errors[CONF_PASSWORD] = "invalid_password"
        elif user_input is not None:
            data = {**entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            errors, _probe, self._reason = await _async_probe(self.hass, data)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: user_input[CONF_PASSWORD]}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=probatio.Schema({probatio.Required(CONF_PASSWORD): _PASSWORD}),
            errors=errors,
            description_placeholders={
                "account": entry.data[CONF_ACCOUNT],
                "reason": self._reason or "-",
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the SMS user, the sender or the endpoint of an account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            merged = {
                **_flattened(user_input),
                CONF_ACCOUNT: entry.data[CONF_ACCOUNT],
                CONF_PASSWORD: user_input.get(CONF_PASSWORD)
                or entry.data[CONF_PASSWORD],
            }
            errors = _format_errors(merged)
            if not errors:
                data = _cleaned(merged)
                await self.async_set_unique_id(
                    entry_unique_id(data[CONF_ACCOUNT], data[CONF_LOGIN]),
                    raise_on_progress=False,
                )
                if self.unique_id != entry.unique_id:
                    self._abort_if_unique_id_configured()
                errors, _probe, self._reason = await _async_probe(self.hass, data)
                if not errors:
                    return self.async_update_reload_and_abort(
                        entry,
                        unique_id=self.unique_id,
                        data={**_webhook_data(entry), **data},
                    )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _account_schema(reconfigure=True),
                _form_values(
                    _flattened(user_input) if user_input else entry.data,
                    keep_password=False,
                ),
            ),
            errors=errors,
            description_placeholders={
                "account": entry.data[CONF_ACCOUNT],
                "reason": self._reason or "-",
            },
        )


# The whole numbers each box of the options form takes, and the error that says so. The boxes
# carry no bounds: Home Assistant would refuse a value out of them in English, as a float
# ("Value -3.0 is too small"), before this flow could say it in the user's language.
_OPTION_RANGES = {
    CONF_LOW_CREDIT_THRESHOLD: (0, LOW_CREDIT_THRESHOLD_LIMIT),
    CONF_MAX_SENDS_PER_SECOND: (1, MAX_SENDS_PER_SECOND_LIMIT),
    CONF_REPEAT_WINDOW: (0, REPEAT_WINDOW_LIMIT),
    CONF_DAILY_BUDGET: (0, DAILY_BUDGET_LIMIT),
}
_OUT_OF_RANGE_ERRORS = {
    CONF_LOW_CREDIT_THRESHOLD: "low_credit_threshold_out_of_range",
    CONF_MAX_SENDS_PER_SECOND: "max_sends_per_second_out_of_range",
    CONF_REPEAT_WINDOW: "repeat_window_out_of_range",
    CONF_DAILY_BUDGET: "daily_budget_out_of_range",
}


def _whole_number_box(unit: str | None = None) -> NumberSelector:
    """Return a box for a whole number of the options form (typed, not slid)."""
    config = NumberSelectorConfig(step=1, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _is_whole_in_range(value: Any, low: int, high: int) -> bool:
    try:
        number = float(value)
    except TypeError, ValueError:
        return False
    return math.isfinite(number) and number.is_integer() and low <= number <= high


def _option_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    return {
        field: _OUT_OF_RANGE_ERRORS[field]
        for field, (low, high) in _OPTION_RANGES.items()
        if field in user_input and not _is_whole_in_range(user_input[field], low, high)
    }


def _option_ranges() -> dict[str, str]:
    """Return the bounds the out-of-range errors name, as placeholders."""
    placeholders: dict[str, str] = {}
    for field, (low, high) in _OPTION_RANGES.items():
        placeholders[f"{field}_min"] = str(low)
        placeholders[f"{field}_max"] = str(high)
    return placeholders


class Http2SmsOptionsFlow(OptionsFlow):
    """The account's configure menu: its sending policy, and the URL OVHcloud calls back."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the sending policy and the delivery reports' URL."""
        return self.async_show_menu(
            step_id="init", menu_options=["policy", "delivery_reports"]
        )

    async def async_step_delivery_reports(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URL to paste in OVHcloud's Control Panel, or what to set up to have one."""
        url = await async_public_url(self.hass, self.config_entry)
        if url is None:
            return self.async_abort(reason="no_public_url")
        return self.async_show_menu(
            step_id="delivery_reports",
            menu_options=["new_url", "done"],
            description_placeholders={
                "url": url,
                "account": self.config_entry.data[CONF_ACCOUNT],
            },
        )

    async def async_step_new_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Replace a URL that leaked, once the user confirms that the old one will stop."""
        if user_input is None:
            return self.async_show_form(step_id="new_url")
        await async_new_public_url(self.hass, self.config_entry)
        return await self.async_step_delivery_reports()

    async def async_step_done(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Close the step; the options stay as they were."""
        return self.async_create_entry(data=dict(self.config_entry.options))

    async def async_step_policy(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the sending policy; a number out of its range stays on the form."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if not (errors := _option_errors(user_input)):
                return self.async_create_entry(
                    data=SmsOptions.from_options(user_input).as_options()
                )
        options = SmsOptions.from_options(self.config_entry.options)
        if self.config_entry.state is ConfigEntryState.LOADED:
            # A budget the saved options lost still applies: the form shows it.
            account = self.config_entry.runtime_data.account
            options = account.applied_options(self.config_entry.entry_id) or options
        schema = probatio.Schema(
            {
                probatio.Required(CONF_CODING, default=options.coding): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            CODING_AUTO,
                            *(encoding.value for encoding in Encoding),
                        ],
                        mode=SelectSelectorMode.DROPDOWN,
                        translation_key=CONF_CODING,
                    )
                ),
                probatio.Required(
                    CONF_REPLACE_CHARACTERS, default=options.replace_characters
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[REPLACE_OFF, REPLACE_LOOKALIKES, REPLACE_AND_DROP],
                        mode=SelectSelectorMode.LIST,
                        translation_key=CONF_REPLACE_CHARACTERS,
                    )
                ),
                probatio.Required(
                    CONF_MAX_PARTS, default=options.max_parts
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=1, max=MAX_PARTS, step=1, mode=NumberSelectorMode.SLIDER
                    )
                ),
                probatio.Required(
                    CONF_LOW_CREDIT_THRESHOLD,
                    default=float(options.low_credit_threshold),
                ): _whole_number_box(),
                probatio.Required(
                    CONF_MAX_SENDS_PER_SECOND, default=options.max_sends_per_second
                ): _whole_number_box(),
                probatio.Required(
                    CONF_REPEAT_WINDOW, default=options.repeat_window
                ): _whole_number_box(unit="min"),
                probatio.Required(
                    CONF_DAILY_BUDGET, default=options.daily_budget
                ): _whole_number_box(),
            }
        )
        return self.async_show_form(
            step_id="policy",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
            description_placeholders=_option_ranges(),
        )


class ContactSubentryFlow(ConfigSubentryFlow):
    """Add or edit a contact: a name, a phone number and how SMS should reach it.

    The number is stored in http2sms form with the country it was read with, so a later change
    of Home Assistant's country cannot send the contact's SMS to someone else.
    """

    def __init__(self) -> None:
        """Start with nothing to save."""
        self._title = ""
        self._data: dict[str, Any] = {}
        self._typed: dict[str, Any] = {}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a contact."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, landline = await self._async_check(user_input, current=None)
            if not errors:
                return await self._async_confirm_or_save(landline)
        return self._async_show_contact_form(user_input, errors, step_id="user")

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit a contact."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, landline = await self._async_check(
                user_input, current=subentry.subentry_id
            )
            if not errors:
                return await self._async_confirm_or_save(landline)
        suggested = user_input or {
            CONF_NAME: subentry.title,
            **subentry.data,
            CONF_PHONE_NUMBER: _shown_number(subentry.data[CONF_PHONE_NUMBER]),
        }
        return self._async_show_contact_form(suggested, errors, step_id="reconfigure")

    async def async_step_landline(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask before saving a landline, which may not receive SMS: save it, or change it."""
        return self.async_show_menu(
            step_id="landline",
            menu_options=["save_landline", "change_number"],
            description_placeholders={"name": self._title},
        )

    async def async_step_save_landline(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Save the landline: the user knows it may not receive SMS."""
        return self._async_save()

    async def async_step_change_number(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Go back to the form with what was typed, the name first of all, still in it."""
        if self.source == SOURCE_RECONFIGURE:
            return self._async_show_contact_form(self._typed, {}, step_id="reconfigure")
        return self._async_show_contact_form(self._typed, {}, step_id="user")

    @callback
    def _async_show_contact_form(
        self,
        suggested: Mapping[str, Any] | None,
        errors: dict[str, str],
        *,
        step_id: str,
    ) -> SubentryFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _contact_schema(), suggested
            ),
            errors=errors,
        )

    async def _async_confirm_or_save(self, landline: bool) -> SubentryFlowResult:
        if landline:
            return await self.async_step_landline()
        return self._async_save()

    @callback
    def _async_save(self) -> SubentryFlowResult:
        number = self._data[CONF_PHONE_NUMBER]
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                title=self._title,
                data=self._data,
                unique_id=number,
            )
        return self.async_create_entry(
            title=self._title, data=self._data, unique_id=number
        )

    async def _async_check(
        self, user_input: Mapping[str, Any], *, current: str | None
    ) -> tuple[dict[str, str], bool]:
        """Read the number; refuse one that another contact of this account has.

        Return the errors and whether the number is a landline.
        """
        if not user_input[CONF_NAME].strip():
            return {CONF_NAME: "invalid_name"}, False
        region = self.hass.config.country
        try:
            phone = await self.hass.async_add_executor_job(
                parse_phone_number, user_input[CONF_PHONE_NUMBER], region
            )
        except InvalidPhoneNumber as err:
            return {CONF_PHONE_NUMBER: err.reason}, False
        for subentry in self._get_entry().subentries.values():
            if subentry.unique_id == phone.http2sms and subentry.subentry_id != current:
                return {CONF_PHONE_NUMBER: "already_configured"}, False
        self._typed = dict(user_input)
        self._title = user_input[CONF_NAME].strip()
        self._data = {
            CONF_PHONE_NUMBER: phone.http2sms,
            CONF_REGION: region,
            CONF_FLASH: user_input.get(CONF_FLASH, False),
            CONF_NO_STOP: user_input.get(CONF_NO_STOP, True),
        }
        return {}, phone.landline


def _shown_number(stored: str) -> str:
    """Show a stored number (0033612345678) as people read it (+33612345678)."""
    return "+" + stored[2:] if stored.startswith("00") else stored


def _contact_schema() -> probatio.Schema:
    return probatio.Schema(
        {
            probatio.Required(CONF_NAME): _TEXT,
            probatio.Required(CONF_PHONE_NUMBER): _PHONE,
            probatio.Required(CONF_FLASH, default=False): BooleanSelector(),
            probatio.Required(CONF_NO_STOP, default=True): BooleanSelector(),
        }
    )
