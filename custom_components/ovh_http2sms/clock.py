"""The account's local day: its bounds in Home Assistant's time zone, and when the next begins.

Whatever the clock change or the time zone set meanwhile, the day is worked out again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.util import dt as dt_util


@dataclass(frozen=True, slots=True)
class LocalDay:
    """One day of a time zone: its local midnight and, in UTC, its bounds."""

    start: datetime
    utc_start: datetime
    utc_end: datetime
    time_zone: tzinfo

    @classmethod
    def of(cls, moment: datetime) -> LocalDay:
        """Return the local day `moment` falls in (25 or 23 hours long at a clock change)."""
        day = dt_util.as_local(moment).date()
        start = dt_util.start_of_local_day(day)
        end = dt_util.start_of_local_day(day + timedelta(days=1))
        return cls(
            start,
            dt_util.as_utc(start),
            dt_util.as_utc(end),
            dt_util.get_default_time_zone(),
        )

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The day's bounds in UTC, as the record of what was sent counts them."""
        return self.utc_start, self.utc_end

    def contains(self, utc_moment: datetime) -> bool:
        """Tell whether a moment falls in this day, in the time zone of now."""
        return (
            self.utc_start <= utc_moment < self.utc_end
            and self.time_zone is dt_util.get_default_time_zone()
        )


class DayClock:
    """Today's local day, and a call when a new one starts (midnight, or a time zone change)."""

    def __init__(self, hass: HomeAssistant, on_new_day: Callable[[], None]) -> None:
        """Start with the day of now; nothing is scheduled until `start`."""
        self._hass = hass
        self._on_new_day = on_new_day
        self._day = LocalDay.of(dt_util.utcnow())
        self._timer: CALLBACK_TYPE | None = None
        self._zone_listener: CALLBACK_TYPE | None = None

    def today(self, now: datetime | None = None) -> LocalDay:
        """Return the local day `now` (default: now) falls in; worked out once a day."""
        now = now or dt_util.utcnow()
        if not self._day.contains(now):
            self._day = LocalDay.of(now)
        return self._day

    @callback
    def async_start(self) -> None:
        """Call `on_new_day` at every local midnight and time zone change from now on."""
        if self._timer is not None:
            return
        self._timer = async_track_point_in_time(
            self._hass, self._async_midnight, self.today().utc_end
        )
        if self._zone_listener is None:
            self._zone_listener = self._hass.bus.async_listen(
                EVENT_CORE_CONFIG_UPDATE, self._async_core_config_updated
            )

    @callback
    def async_stop(self) -> None:
        """Stop calling (no SMS user is attached any more)."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        if self._zone_listener is not None:
            self._zone_listener()
            self._zone_listener = None

    @callback
    def _async_core_config_updated(self, _event: Event[Any]) -> None:
        if self._timer is not None and (
            self._day.time_zone is not dt_util.get_default_time_zone()
        ):
            self._timer()
            self._async_midnight(dt_util.utcnow())

    @callback
    def _async_midnight(self, _now: datetime) -> None:
        self._timer = None
        self.today()
        self._on_new_day()
        self.async_start()
