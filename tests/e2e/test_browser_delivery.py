"""In a real browser, on the demo: the URL to paste in OVHcloud, "delivered", and a reply.

The demo (scripts/demo's configuration) has pasted the URL of the account's configure step in the
simulator, as a user pastes it in OVHcloud's Control Panel. A person then opens that step and
sees the URL, presses the demo's button and sees Alice's SMS turn "delivered" beside her on the
dashboard, replies OK as Alice from the simulator's outbox page, and sees the automation made
from the reply blueprint say so. Everything is found by its role and visible text, in English.

Screenshots go to artifacts/browser/delivery/; with OVH_HTTP2SMS_REFRESH_DOCS=1 the run also
refreshes docs/screenshots/delivery-*.png.
Run with `scripts/run --newest python -m pytest tests/e2e/test_browser_delivery.py -p no:cacheprovider`.
"""

from __future__ import annotations

import os
from pathlib import Path
import re
import shutil
import time

from playwright.sync_api import expect
import pytest

from demo.__main__ import (
    BUTTON_NAME,
    DASHBOARD_TITLE,
    OWNER as DEMO_OWNER,
    REPLY_AUTOMATION_ID,
    Demo,
)
from demo.texts import demo_texts
from hass_testbed import login
from hass_testbed.home_assistant import log_records
from hass_testbed.ovh_http2sms import DOMAIN, delivery_sensor_of, delivery_url
from tests.e2e.test_browser import (
    ARTIFACTS,
    DOCS_SCREENSHOTS,
    Screenshots,
    _record_problems,
    browser,
    chromium,  # noqa: F401 - the fixture, shared with the other browser tests
    demo,  # noqa: F401 - the fixture, shared with the other browser tests
    frontend_texts,
    integration_texts,
    log_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(600)]

REPLY = "OK"
# Screenshots that document the feature, under their name in docs/screenshots/.
DOCUMENTED = {
    "configure-step-url": "delivery-reports-url-en.png",
    "dashboard-delivered": "delivery-dashboard-en.png",
    "reply-automation-fired": "delivery-reply-en.png",
}


def test_the_demo_shows_the_url_delivered_and_a_reply(
    chromium: Path,  # noqa: F811
    demo: Demo,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Configure step (the URL), "delivered" beside Alice, her reply firing the automation."""
    simulator, base_url = demo.simulator, demo.hass.base_url
    ui = frontend_texts("en")
    ours = integration_texts("en")
    texts = demo_texts("en")
    menu = ours["options"]["step"]["init"]
    step = ours["options"]["step"]["delivery_reports"]
    delivered = ours["entity"]["sensor"]["delivery"]["state"]["delivered"]
    user = login(base_url, DEMO_OWNER.username, DEMO_OWNER.password)
    entry_id = str(demo.state["entry_id"])
    url = delivery_url(user, entry_id)
    assert url is not None
    alice_sensor = delivery_sensor_of(user, demo.subentry_ids["Alice"])
    alice_sensor_name = user.state(alice_sensor)["attributes"]["friendly_name"]
    reply_automation = next(
        state["entity_id"]
        for state in user.states()
        if state["entity_id"].startswith("automation.")
        and state["attributes"].get("id") == REPLY_AUTOMATION_ID
    )
    assert user.state(reply_automation)["attributes"]["last_triggered"] is None

    problems: list[str] = []
    with browser(tmp_path / "chromium-profile") as context:
        page = context.new_page()
        _record_problems(page, problems)
        shots = Screenshots(page, ARTIFACTS / "delivery")
        log_in(page, base_url, DEMO_OWNER)
        send = page.get_by_role("button", name=BUTTON_NAME)
        expect(send).to_be_visible()

        # The account's ⚙ > Delivery reports and replies: the URL the demo pasted, shown.
        page.goto(f"{base_url}/config/integrations/integration/{DOMAIN}")
        page.get_by_role(
            "button", name=ui["ui.panel.config.integrations.config_entry.configure"]
        ).first.click()
        flow = page.locator("dialog-data-entry-flow")
        flow.get_by_text(menu["menu_options"]["delivery_reports"], exact=True).click()
        expect(flow.get_by_text(step["title"], exact=True)).to_be_visible()
        expect(flow.get_by_text(url, exact=True)).to_be_visible()
        expect(flow.get_by_text(step["menu_options"]["new_url"])).to_be_visible()
        shots.take("configure-step-url")
        flow.get_by_text(step["menu_options"]["done"], exact=True).click()
        expect(
            flow.get_by_text(
                ui["ui.panel.config.integrations.config_flow.success"], exact=True
            )
        ).to_be_visible()
        flow.get_by_role("button", name=ui["ui.common.close"]).first.click()

        # The dashboard: press the button; Alice's last SMS turns "delivered" beside her,
        # and only there (the account's tiles are its credit and its day's parts).
        page.get_by_role("link", name=re.compile(re.escape(DASHBOARD_TITLE))).click()
        tiles = page.locator("hui-tile-card")
        expect(tiles.filter(has_text=texts.credit_card)).to_have_count(1)
        expect(tiles.filter(has_text=texts.spent_card)).to_have_count(1)
        contacts = page.locator("hui-entities-card").filter(
            has_text=texts.contacts_card
        )
        alice_row = contacts.locator("hui-sensor-entity-row").filter(
            has_text=alice_sensor_name
        )
        expect(alice_row).to_be_visible()
        expect(alice_row).not_to_contain_text(delivered)
        send.click()
        expect(alice_row).to_contain_text(delivered)
        shots.take("dashboard-delivered")

        # The simulator's outbox: Alice replies OK to the SMS sent from the short code.
        page.goto(f"{simulator.base_url}/")
        reply_form = page.locator("form.reply")
        expect(reply_form).to_have_count(1)
        reply_form.locator("input[name=message]").fill(REPLY)
        shots.take("outbox-reply")
        reply_form.get_by_role("button", name="Reply as this phone").click()

        # Home Assistant: the automation from the reply blueprint fired, and says so.
        page.goto(f"{base_url}/")
        deadline = time.monotonic() + 30
        while user.state(reply_automation)["attributes"]["last_triggered"] is None:
            assert time.monotonic() < deadline, "the reply automation never fired"
            time.sleep(0.2)
        page.get_by_text(ui["ui.notification_drawer.title"], exact=True).first.click()
        expect(page.get_by_text(texts.reply_notification)).to_be_visible()
        shots.take("reply-automation-fired")

    if os.environ.get("OVH_HTTP2SMS_REFRESH_DOCS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for step_name, doc_name in DOCUMENTED.items():
            shutil.copyfile(shots.taken[step_name], DOCS_SCREENSHOTS / doc_name)

    assert [p for p in problems if DOMAIN in p] == []
    assert demo.hass.stop() == 0
    log = demo.hass.log_text()
    assert url.rsplit("/", 1)[1] not in log
    assert [
        record for level, record in log_records(log) if level in ("ERROR", "CRITICAL")
    ] == []
