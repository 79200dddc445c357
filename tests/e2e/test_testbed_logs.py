"""The testbed reads Home Assistant's log the same way on every release (no process started)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hass_testbed import HassTestbedError, HomeAssistant
from hass_testbed.home_assistant import log_records

WARNING_FROM_THE_INTEGRATION = (
    " WARNING (MainThread) [py.warnings] /config/custom_components/ovh_http2sms/entity.py:31: "
    "DeprecationWarning: a deprecation\n"
    "  warnings.warn(...)"
)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-10-30 11:11:15.755",  # up to Home Assistant 2026.10
        "2026-11-30 11:11:15.755+00:00",  # from 2026.11: with the UTC offset
        "2026-11-30 12:11:15.755+01:00",
    ],
)
def test_records_are_read_with_or_without_a_utc_offset(
    tmp_path: Path, timestamp: str
) -> None:
    """Records are found whether Home Assistant writes its timestamps with a UTC offset or not."""
    hass = HomeAssistant(tmp_path)
    hass.logs.append(tmp_path / "hass-run1.log")
    hass.log_path.write_text(
        f"Starting\n{timestamp}{WARNING_FROM_THE_INTEGRATION}\n", encoding="utf-8"
    )

    assert log_records(hass.log_text())[1][0] == "WARNING"
    assert hass.records_about("ovh_http2sms") == [
        f"{timestamp}{WARNING_FROM_THE_INTEGRATION}"
    ]


def test_a_log_with_no_record_recognised_is_an_error(tmp_path: Path) -> None:
    """A log whose records match no known format is an error, not a log with nothing to report."""
    hass = HomeAssistant(tmp_path)
    hass.logs.append(tmp_path / "hass-run1.log")
    hass.log_path.write_text(
        f"30/11/2026 11:11:15{WARNING_FROM_THE_INTEGRATION}\n", encoding="utf-8"
    )

    with pytest.raises(HassTestbedError, match="log format"):
        hass.records_about("ovh_http2sms")
