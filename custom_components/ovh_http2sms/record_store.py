"""Where an account's record of what was sent is kept between runs: one Store per account.

A file of counters never blocks sending: whatever the file holds (damaged, hand-edited,
written by a newer release, not JSON at all), loading ends in a record, the part of it that
could be kept, and the words of what was dropped, for the account to log once.
"""

from __future__ import annotations

from datetime import datetime
import hashlib
import logging
import sys
from typing import Any, override

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .ledger import Ledger, old_spend_day

_LOGGER = logging.getLogger(__name__)

RECORD_STORAGE_VERSION = 1
# What was dropped that leaves the day's figure unknown (the ledger's words, and "file" when
# the file could not be read at all).
FIGURE_LOST = frozenset({"file", "layout", "buckets", "old_spend"})


def account_digest(key: tuple[str, str]) -> str:
    """Name an account in file names and issue ids without writing its name."""
    return hashlib.sha256("\0".join(key).encode()).hexdigest()[:16]


class _AnyVersionStore(Store[Any]):
    """A Store that hands over a file of any version: the ledger reads what it understands."""

    def __init__(self, hass: HomeAssistant, key: str) -> None:
        super().__init__(
            hass, RECORD_STORAGE_VERSION, key, max_readable_version=sys.maxsize
        )
        # The version of the file read, when it was not this release's.
        self.read_version: int | None = None

    @override
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Any
    ) -> Any:
        self.read_version = old_major_version
        return old_data


class RecordStore:
    """The account's saved record, and the previous release's spend file it replaces."""

    def __init__(self, hass: HomeAssistant, key: tuple[str, str]) -> None:
        """Name the files after the account (hashed)."""
        self._hass = hass
        digest = account_digest(key)
        self._store = _AnyVersionStore(hass, f"{DOMAIN}.sent.{digest}")
        self._old_store = _AnyVersionStore(hass, f"{DOMAIN}.daily_spend.{digest}")
        self._save_pending = False

    async def async_load(self, now: datetime, account: str) -> tuple[Ledger, bool]:
        """Read the record (or carry the previous release's spend over); never raise.

        What was dropped is logged once; return the record and whether the day's figure was
        lost with it.
        """
        problems: list[str] = []
        stored = await self._async_read(self._store, problems)
        old = await self._async_read(self._old_store, [])
        if self._store.read_version is not None:
            problems.append("version")
        if stored is None and not problems and old is not None:
            ledger, problems = Ledger.from_old_spend(old, _day_start(old, now), now)
            if old_spend_day(old) is None:
                problems.append("old_spend")
            if self._old_store.read_version is not None:
                problems.append("version")
            await self._store.async_save(ledger.as_stored())
        else:
            ledger, dropped = Ledger.from_stored(stored, now=now)
            problems += dropped
            self._name_contacts_by_key(ledger)
        if old is not None:
            await self._old_store.async_remove()
        if not problems:
            return ledger, False
        _LOGGER.warning(
            "The record of the SMS sent from %s was damaged and is read in part "
            "(dropped: %s); SMS go on",
            account,
            ", ".join(sorted(set(problems))),
        )
        # The file is written again from what was kept: the damage is not read twice.
        await self._store.async_save(ledger.as_stored())
        return ledger, not FIGURE_LOST.isdisjoint(problems)

    def _name_contacts_by_key(self, ledger: Ledger) -> None:
        """Name by their key the contacts a development build named by notify entity id.

        A contact's key is its entities' unique id; an entity gone leaves its SMS no contact.
        """
        registry = er.async_get(self._hass)
        for record in ledger.records():
            if record.contact is not None and record.contact.startswith(
                f"{NOTIFY_DOMAIN}."
            ):
                entity = registry.async_get(record.contact)
                record.contact = (
                    entity.unique_id
                    if entity is not None and entity.platform == DOMAIN
                    else None
                )

    @staticmethod
    async def _async_read(store: _AnyVersionStore, problems: list[str]) -> Any:
        try:
            return await store.async_load()
        except Exception as err:  # noqa: BLE001 - a file of counters never blocks setup
            _LOGGER.debug("Could not read %s: %r", store.key, err)
            problems.append("file")
            return None

    def schedule_save(self, ledger: Ledger, delay: float) -> None:
        """Write the record at most `delay` seconds from the first change not yet written.

        Scheduled once until written: a Store's delayed save moves back at every call, so a
        steady stream of SMS would put it off for as long as the stream lasts.
        """
        if delay <= 0:
            self._store.async_delay_save(lambda: self._stored(ledger), 0)
        elif not self._save_pending:
            self._save_pending = True
            self._store.async_delay_save(lambda: self._stored(ledger), delay)

    def _stored(self, ledger: Ledger) -> dict[str, Any]:
        """Return what to write, when the Store writes (so the figures are the latest)."""
        self._save_pending = False
        return ledger.as_stored()

    async def async_save(self, ledger: Ledger) -> None:
        """Write the record now (an unload or a stop must not leave a write pending)."""
        self._save_pending = False
        await self._store.async_save(ledger.as_stored())

    async def async_remove(self) -> None:
        """Delete the record of an account no SMS user has any more."""
        await self._store.async_remove()


def _day_start(old: Any, now: datetime) -> datetime | None:
    """Return the UTC start of the old file's day if that day is today, else None."""
    day = old_spend_day(old)
    if day is None or day != dt_util.as_local(now).date():
        return None
    return dt_util.as_utc(dt_util.start_of_local_day(day))
