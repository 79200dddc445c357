"""The account's daily budget: whose it is, and the repair issues that say it refuses SMS.

The budget is the account's: the tightest non-zero daily budget of its SMS users binds every
one of them, so that no SMS user, even one without a budget, takes the account's day past it.
An SMS user not attached (after a restart, before its setup; during a reload) counts with the
last budget the record saw it have; a disabled or removed one does not count.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from homeassistant.core import HomeAssistant, callback

from . import repairs
from .const import CONF_ACCOUNT, CONF_ENDPOINT, DOMAIN
from .http2sms import DEFAULT_ENDPOINT
from .ledger import Ledger


class DailyBudget:
    """Work out the account's budget; keep its issue up exactly while it refuses SMS."""

    def __init__(self, hass: HomeAssistant, key: tuple[str, str], digest: str) -> None:
        """Start with no refusal and no issue raised."""
        self._hass = hass
        self._key = key
        self._digest = digest
        # The day and budget of the last refusal: the issue stays while they hold.
        self._refusal: tuple[datetime, int] | None = None
        # The SMS user whose budget issue is up.
        self._issue: str | None = None
        self.figure_lost = False

    def tightest(
        self, ledger: Ledger, attached: Mapping[str, int]
    ) -> tuple[int, str | None]:
        """Return the tightest daily budget of the account's SMS users (0: none), and whose.

        `attached` holds the budgets of the attached SMS users' options.
        """
        best: tuple[int, str | None] = (0, None)
        for entry in self._hass.config_entries.async_entries(DOMAIN):
            if entry.disabled_by is not None or self._key != (
                str(entry.data.get(CONF_ACCOUNT, "")).lower(),
                entry.data.get(CONF_ENDPOINT) or DEFAULT_ENDPOINT,
            ):
                continue
            budget = attached.get(entry.entry_id)
            if budget is None:
                budget = ledger.budget_seen(entry.entry_id) or 0
            if budget and (not best[0] or budget < best[0]):
                best = (budget, entry.entry_id)
        return best

    @callback
    def async_refused(
        self, entry_id: str | None, budget: int, spent: int, day_start: datetime
    ) -> None:
        """Say that the budget refused an SMS; the issue stays while it refuses."""
        self._refusal = (day_start, budget)
        if entry_id is not None:
            self._async_raise(entry_id, budget, spent)

    @callback
    def async_admitted(self) -> bool:
        """Tell whether an SMS admitted now ends a refusal (the caller reviews then)."""
        ended = self._refusal is not None
        self._refusal = None
        return ended

    @callback
    def async_forget(self, entry_id: str) -> None:
        """Forget an SMS user removed or disabled: its issues went with it."""
        if self._issue == entry_id:
            self._issue = None

    @callback
    def async_review(
        self,
        account: str,
        budget: tuple[int, str | None],
        spent: int,
        day_start: datetime,
    ) -> None:
        """Raise or withdraw the budget issue and the lost-figure issue, as things stand.

        The budget refuses while the day's spend has reached it, or while the refusal that
        raised the issue still holds (same day, same budget, nothing admitted since).
        """
        amount, entry_id = budget
        refusing = amount > 0 and (
            spent >= amount or self._refusal == (day_start, amount)
        )
        if refusing and entry_id is not None:
            self._async_raise(entry_id, amount, spent, account)
        else:
            self._refusal = None
            if self._issue is not None:
                repairs.async_withdraw_budget_reached(self._hass, self._issue)
                self._issue = None
        repairs.async_show_spend_lost(
            self._hass, self._digest, account, self.figure_lost and amount > 0
        )

    @callback
    def async_withdraw_all(self, account: str) -> None:
        """Withdraw every issue: the account has no SMS user left."""
        if self._issue is not None:
            repairs.async_withdraw_budget_reached(self._hass, self._issue)
            self._issue = None
        repairs.async_show_spend_lost(self._hass, self._digest, account, False)

    @callback
    def _async_raise(
        self, entry_id: str, budget: int, spent: int, account: str | None = None
    ) -> None:
        if self._issue is not None and self._issue != entry_id:
            repairs.async_withdraw_budget_reached(self._hass, self._issue)
        self._issue = entry_id
        repairs.async_raise_budget_reached(
            self._hass, entry_id, account or self._key[0], budget, spent
        )
