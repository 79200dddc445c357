"""hacs.json holds only what HACS documents, and says where and on what the integration runs."""

from __future__ import annotations

import json
from pathlib import Path
import re

from awesomeversion import AwesomeVersion

REPO_ROOT = Path(__file__).resolve().parents[2]
# The keys of hacs.json that HACS documents (hacs.xyz, "Publish > Include default repositories");
# HACS's validation rejects any other.
DOCUMENTED_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}
# Where OVHcloud sells SMS: HACS shows the integration to users of these countries only.
OVHCLOUD_SMS_COUNTRIES = {"FR", "GB", "IE", "ES", "IT", "PL"}


def _hacs() -> dict[str, object]:
    return dict(json.loads((REPO_ROOT / "hacs.json").read_text(encoding="utf-8")))


def _pinned_home_assistant() -> str:
    requirements = (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8")
    match = re.search(r"^homeassistant==(\S+)$", requirements, re.MULTILINE)
    assert match, "requirements.txt pins no homeassistant"
    return match.group(1)


def test_only_documented_keys() -> None:
    """An undocumented key makes HACS's validation fail."""
    hacs = _hacs()
    assert set(hacs) <= DOCUMENTED_KEYS, set(hacs) - DOCUMENTED_KEYS
    assert (
        hacs["name"]
        == json.loads(
            (REPO_ROOT / "custom_components/ovh_http2sms/manifest.json").read_text(
                encoding="utf-8"
            )
        )["name"]
    )


def test_countries_are_where_ovhcloud_sells_sms() -> None:
    """HACS offers it in the six countries of OVHcloud's SMS offer, and no other."""
    country = _hacs().get("country")
    assert isinstance(country, list)
    assert set(country) == OVHCLOUD_SMS_COUNTRIES
    assert len(country) == len(OVHCLOUD_SMS_COUNTRIES)


def test_minimum_home_assistant_is_a_tested_release() -> None:
    """HACS refuses to install on an older Home Assistant; the minimum is one the tests ran on.

    The README's install section names the same minimum.
    """
    minimum = _hacs().get("homeassistant")
    assert isinstance(minimum, str)
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", minimum), minimum
    assert AwesomeVersion(minimum) <= AwesomeVersion(_pinned_home_assistant())
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Requires Home Assistant {minimum} or later" in readme
