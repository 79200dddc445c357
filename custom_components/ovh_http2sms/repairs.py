"""Every repair issue of the integration, raised and withdrawn here, beside its fix flow.

Issues that go away by themselves (low credit, daily budget, a failed send nobody saw, a lost
spend figure) have nothing to fix in a flow; a contact whose number cannot be read is fixed
with `ContactNumberRepairFlow`, a daily budget the previous release's options dropped with
`BudgetDroppedRepairFlow`. Placeholders carry figures and names, never a phone number
or a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .const import CONF_DAILY_BUDGET, CONF_PHONE_NUMBER, CONF_REGION, DOMAIN
from .reasons import SEND_FAILED_ISSUE, failure_issue
from .validation import InvalidPhoneNumber, parse_phone_number

BUDGET_REACHED = "daily_budget_reached"
SPEND_LOST = "daily_spend_lost"
LOW_CREDIT = "low_credit"
CONTACT_NUMBER_TO_FIX = "contact_number_to_fix"
BUDGET_DROPPED = "daily_budget_dropped"


def low_credit_issue_id(entry_id: str) -> str:
    """Name the issue raised while an SMS user's account credit is below its threshold."""
    return f"{LOW_CREDIT}_{entry_id}"


def budget_issue_id(entry_id: str) -> str:
    """Name the issue raised while the daily budget of this SMS user refuses SMS."""
    return f"daily_budget_{entry_id}"


def budget_dropped_issue_id(entry_id: str) -> str:
    """Name the issue of an SMS user whose options lost the daily budget it had."""
    return f"{BUDGET_DROPPED}_{entry_id}"


def send_failed_issue_id(entry_id: str) -> str:
    """Name the issue of the last failed send an automation or a script made."""
    return f"{SEND_FAILED_ISSUE}_{entry_id}"


def spend_lost_issue_id(account_digest: str) -> str:
    """Name the issue of an account whose day's spend could not be read back."""
    return f"{SPEND_LOST}_{account_digest}"


def contact_issue_id(subentry_id: str) -> str:
    """Name the issue of a contact whose number must be fixed by hand."""
    return f"contact_number_{subentry_id}"


@callback
def _async_raise(
    hass: HomeAssistant,
    issue_id: str,
    key: str,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
    **placeholders: str,
) -> None:
    """Raise (or update) an issue that goes away by itself: nothing to fix in a flow."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@callback
def async_show_low_credit(
    hass: HomeAssistant,
    entry_id: str,
    account: str,
    credit: Decimal | None,
    threshold: Decimal,
) -> None:
    """Raise the low-credit issue while the credit is under the threshold, else withdraw it."""
    issue_id = low_credit_issue_id(entry_id)
    if credit is not None and threshold > 0 and credit < threshold:
        _async_raise(
            hass,
            issue_id,
            LOW_CREDIT,
            account=account,
            credits=f"{credit:f}",
            threshold=f"{threshold:f}",
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_withdraw_low_credit(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw the low-credit issue of an SMS user that is no longer set up."""
    ir.async_delete_issue(hass, DOMAIN, low_credit_issue_id(entry_id))


@callback
def async_raise_budget_reached(
    hass: HomeAssistant, entry_id: str, account: str, budget: int, spent: int
) -> None:
    """Say that the daily budget of this SMS user refuses the account's SMS."""
    _async_raise(
        hass,
        budget_issue_id(entry_id),
        BUDGET_REACHED,
        account=account,
        budget=str(budget),
        spent=str(spent),
    )


@callback
def async_withdraw_budget_reached(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw the budget issue: SMS go out again (a new day, a raised budget)."""
    ir.async_delete_issue(hass, DOMAIN, budget_issue_id(entry_id))


@callback
def async_raise_send_failed(
    hass: HomeAssistant,
    entry_id: str,
    err: HomeAssistantError,
    *,
    others: Iterable[str],
    account: str,
    when: str,
    caller: str,
    entity_id: str | None,
) -> None:
    """Say that an automation's or a script's SMS failed, where nobody saw the error.

    The account has one such issue: it replaces the one of any other SMS user of it. Its
    translation key names the kind of failure, so that each viewer reads why in their own
    language; the placeholders are figures, names and a masked number (`failure_issue`).
    """
    for other in others:
        if other != entry_id:
            async_withdraw_send_failed(hass, other)
    key, placeholders = failure_issue(err)
    _async_raise(
        hass,
        send_failed_issue_id(entry_id),
        key,
        ir.IssueSeverity.ERROR,
        account=account,
        when=when,
        caller=caller,
        entity_id=entity_id or "-",
        **placeholders,
    )


@callback
def async_withdraw_send_failed(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw the failure issue: an SMS of the account went out since."""
    ir.async_delete_issue(hass, DOMAIN, send_failed_issue_id(entry_id))


@callback
def async_show_spend_lost(
    hass: HomeAssistant, account_digest: str, account: str, lost: bool
) -> None:
    """Say that today's spend could not be read back while a budget counts on it."""
    issue_id = spend_lost_issue_id(account_digest)
    if lost:
        _async_raise(hass, issue_id, SPEND_LOST, account=account)
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_show_contact_number(
    hass: HomeAssistant,
    entry_id: str,
    subentry_id: str,
    contact: str,
    to_fix: bool,
) -> None:
    """Raise the fixable issue of a contact whose number must be fixed, or withdraw it."""
    issue_id = contact_issue_id(subentry_id)
    if not to_fix:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=CONTACT_NUMBER_TO_FIX,
        translation_placeholders={"contact": contact},
        data={"entry_id": entry_id, "subentry_id": subentry_id},
    )


@callback
def async_show_budget_dropped(
    hass: HomeAssistant, entry_id: str, account: str, budget: int
) -> None:
    """Raise the fixable issue of a daily budget the options lost (0: none lost), or withdraw it.

    The previous release saves options without a daily budget: back on this one, the budget
    the record last saw still applies, and the fix flow writes it back in the options.
    """
    issue_id = budget_dropped_issue_id(entry_id)
    if not budget:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=BUDGET_DROPPED,
        translation_placeholders={"account": account, "budget": str(budget)},
        data={"entry_id": entry_id, "budget": budget},
    )


@callback
def async_withdraw_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw what an SMS user's issues said: it was removed or disabled."""
    for issue_id in (
        low_credit_issue_id(entry_id),
        budget_issue_id(entry_id),
        budget_dropped_issue_id(entry_id),
        send_failed_issue_id(entry_id),
    ):
        ir.async_delete_issue(hass, DOMAIN, issue_id)


class ContactNumberRepairFlow(RepairsFlow):
    """Ask for the contact's number again and store it in http2sms form."""

    def __init__(self, entry_id: str, subentry_id: str) -> None:
        """Remember which contact this is."""
        self._entry_id = entry_id
        self._subentry_id = subentry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start with the number form (the repairs integration passes the issue data here)."""
        return await self.async_step_number()

    async def async_step_number(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the number as saved and take the corrected one."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or self._subentry_id not in entry.subentries:
            return self.async_abort(reason="contact_gone")
        subentry = entry.subentries[self._subentry_id]
        errors: dict[str, str] = {}
        if user_input is not None:
            region = self.hass.config.country
            try:
                phone = await self.hass.async_add_executor_job(
                    parse_phone_number, user_input[CONF_PHONE_NUMBER], region
                )
            except InvalidPhoneNumber as err:
                errors[CONF_PHONE_NUMBER] = err.reason
            else:
                self.hass.config_entries.async_update_subentry(
                    entry,
                    subentry,
                    data={
                        **subentry.data,
                        CONF_PHONE_NUMBER: phone.http2sms,
                        CONF_REGION: region,
                    },
                    unique_id=phone.http2sms,
                )
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="number",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_PHONE_NUMBER): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.TEL)
                    )
                }
            ),
            errors=errors,
            description_placeholders={
                "contact": subentry.title,
                "number": subentry.data.get(CONF_PHONE_NUMBER, ""),
            },
        )


class BudgetDroppedRepairFlow(RepairsFlow):
    """Put the daily budget the options lost back in them, once confirmed."""

    def __init__(self, entry_id: str, budget: int) -> None:
        """Remember whose budget and how much it was."""
        self._entry_id = entry_id
        self._budget = budget

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Say which budget comes back; saving the options reloads the SMS user."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_gone")
        if user_input is not None:
            self.hass.config_entries.async_update_entry(
                entry, options={**entry.options, CONF_DAILY_BUDGET: self._budget}
            )
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={
                "account": entry.title,
                "budget": str(self._budget),
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the flow that fixes an issue: a contact's number, or a dropped budget."""
    assert data is not None
    if issue_id.startswith(BUDGET_DROPPED):
        return BudgetDroppedRepairFlow(str(data["entry_id"]), int(data["budget"] or 0))
    return ContactNumberRepairFlow(str(data["entry_id"]), str(data["subentry_id"]))
