"""A person sets up OVHcloud SMS in a real browser, in English and in French.

Debian's Chromium, driven by Playwright, talks to a real Home Assistant process (see hass_testbed)
whose integration points at the http2sms simulator. Everything the test clicks or reads is found
the way a person finds it: by its role and its visible text. The texts come from the files the
UI itself reads, the frontend's translations for Home Assistant's own words and the
integration's `translations/<language>.json` for ours, so the French run proves that the
French texts reach the screen.

A screenshot is saved at each step to `artifacts/browser/<language>/NN-step.png`. With
OVH_HTTP2SMS_REFRESH_DOCS=1 the English run also refreshes the two pictures of the documentation
(`docs/screenshots/`); otherwise a test run never changes a tracked file.
Run with `scripts/run python -m pytest tests/e2e/test_browser.py -p no:cacheprovider`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import json
import os
from pathlib import Path
import re
import shutil
import time
from typing import Any

import hass_frontend
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Error as PlaywrightError,
    Locator,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)
import pytest

from hass_testbed import REPO_ROOT, Client, HomeAssistant, Person, Simulator, onboard
from hass_testbed.ovh_http2sms import DOMAIN

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(600)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
DOCS_SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
INTEGRATION_NAME = "OVHcloud SMS (http2sms)"  # manifest.json: a name, never translated
# How long a visible text may take to appear (a form submit checks the account with the gateway).
UI_TIMEOUT_MS = 30_000

CONTACT_NAME = "Alice"
CONTACT_NUMBER_TYPED, CONTACT_NUMBER_SENT = "06 12 34 56 78", "0033612345678"
WRONG_ACCOUNT = "ab1234"  # the middle of the account name only: a likely mistake


# --------------------------------------------------------------------------------------------
# Texts, as the UI shows them
# --------------------------------------------------------------------------------------------


def integration_texts(language: str) -> dict[str, Any]:
    """The integration's translations for `language`, as Home Assistant serves them."""
    path = (
        REPO_ROOT / "custom_components" / DOMAIN / "translations" / f"{language}.json"
    )
    return dict(json.loads(path.read_text(encoding="utf-8")))


def frontend_texts(language: str) -> dict[str, str]:
    """Home Assistant frontend's own translations for `language` (flat keys, every fragment)."""
    folder = Path(hass_frontend.where()) / "static" / "translations"
    texts: dict[str, str] = {}
    for path in sorted(folder.glob(f"**/{language}-*.json")):
        texts.update(json.loads(path.read_text(encoding="utf-8")))
    if not texts:
        raise AssertionError(f"no frontend translations for {language} in {folder}")
    return texts


def field(scope: Locator | Page, label: str) -> Locator:
    """A text field by its label; required fields show a trailing `*`."""
    return scope.get_by_role("textbox", name=re.compile(rf"^{re.escape(label)}\*?$"))


class Screenshots:
    """Numbered screenshots of one run: artifacts/browser/<language>/NN-step.png."""

    def __init__(self, page: Page, folder: Path) -> None:
        """Start from an empty folder, so that no picture of an older run is left."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.page = page
        self.folder = folder
        self.taken: dict[str, Path] = {}

    def take(self, step: str) -> Path:
        """Save the viewport as the next numbered picture."""
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        self.page.screenshot(path=path, animations="disabled", caret="initial")
        self.taken[step] = path
        return path


# --------------------------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------------------------


def _launch(playwright: Playwright, profile: Path) -> BrowserContext:
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale="en-US",
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    return context


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Debian's Chromium, once checked to start; the tests are skipped only if it cannot."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: there is no browser to drive")
    with sync_playwright() as playwright:
        try:
            _launch(playwright, tmp_path_factory.mktemp("chromium-check")).close()
        except PlaywrightError as err:
            pytest.skip(f"{CHROMIUM} cannot start: {err}")
    return CHROMIUM


@contextmanager
def browser(profile: Path) -> Iterator[BrowserContext]:
    """Chromium, headless, on a fresh profile, closed (with Playwright) on the way out.

    Playwright's synchronous API runs an event loop in this thread while it is open, so the
    testbed's WebSocket calls (which run their own loop) must be made before or after it.
    """
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as playwright:
        context = _launch(playwright, profile)
        try:
            yield context
        finally:
            context.close()


# --------------------------------------------------------------------------------------------
# The story
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_owner_sets_up_ovh_sms_in_the_browser(
    chromium: Path,
    simulator: Simulator,
    home_assistant: HomeAssistant,
    owner: Person,
    tmp_path: Path,
    language: str,
) -> None:
    """Log in, add the integration (with a mistake first), add a contact, see the entities."""
    started = time.monotonic()
    user = onboard(home_assistant.base_url, owner)
    user.wait_running()
    assert user.frontend_problem() is None
    if language != "en":
        # A French household: Home Assistant itself in French (Settings > System > General,
        # what onboarding in French sets), which is the language of entity names...
        user.ws({"type": "config/core/update", "language": language})
        # ...and the person's own language, what the language menu of their profile page
        # saves. Only this one makes the frontend French: the browser stays in English.
        user.ws(
            {
                "type": "frontend/set_user_data",
                "key": "language",
                "value": {"language": language},
            }
        )

    browser_problems: list[str] = []
    with browser(tmp_path / "chromium-profile") as context:
        page = context.new_page()
        _record_problems(page, browser_problems)
        shots = Screenshots(page, ARTIFACTS / language)
        try:
            _story(page, shots, home_assistant.base_url, language, simulator, owner)
        finally:
            # For a person reading the artifacts: what the browser complained about.
            (shots.folder / "browser-problems.txt").write_text(
                "".join(f"{line}\n" for line in browser_problems), encoding="utf-8"
            )

    # The browser had nothing to say about the integration (its brand icon is served locally;
    # Home Assistant's own brand icons come from the internet, absent here).
    assert [problem for problem in browser_problems if DOMAIN in problem] == []

    # What the screens showed is what Home Assistant holds.
    (entry,) = user.config_entries(DOMAIN)
    assert entry["title"] == simulator.account
    assert simulator.outbox() == []  # no test SMS was asked for: nothing was sent
    notify_entity = _entity_of(user, entry["entry_id"], "notify", CONTACT_NAME)
    (credit_sensor,) = [
        entity_id
        for entity_id in user.entity_ids(
            DOMAIN, "sensor", config_entry_id=entry["entry_id"]
        )
        if entity_id.endswith("_credits")  # the other one is today's spend
    ]
    assert user.state(credit_sensor)["state"] == "unknown"  # no SMS sent yet
    # The contact typed in the browser works: one SMS to the number as OVHcloud wants it.
    user.call(
        "notify",
        "send_message",
        {"entity_id": notify_entity, "message": "Set up from the browser."},
    )
    (sms,) = simulator.outbox()
    assert sms["recipient"] == CONTACT_NUMBER_SENT
    assert sms["message"] == "Set up from the browser."

    if language == "en" and os.environ.get("OVH_HTTP2SMS_REFRESH_DOCS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            shots.taken["config-form-filled"],
            DOCS_SCREENSHOTS / "config-flow-en.png",
        )
        shutil.copyfile(shots.taken["entities"], DOCS_SCREENSHOTS / "entities-en.png")

    assert home_assistant.stop() == 0
    assert home_assistant.unexpected_problems() == []
    assert home_assistant.records_about(DOMAIN) == []
    print(  # noqa: T201 - timings, shown with -s
        f"browser story ({language}): {time.monotonic() - started:.1f}s, "
        f"Home Assistant start: {home_assistant.start_durations[0]:.1f}s, "
        f"screenshots in {shots.folder}"
    )


def _story(
    page: Page,
    shots: Screenshots,
    base_url: str,
    language: str,
    simulator: Simulator,
    owner: Person,
) -> None:
    """What the person does and sees, screen by screen."""
    ui = frontend_texts(language)
    ours = integration_texts(language)
    account_step = ours["config"]["step"]["user"]
    advanced = account_step["sections"]["advanced"]
    contact_step = ours["config_subentries"]["recipient"]["step"]["user"]
    submit = ui["ui.panel.config.integrations.config_flow.submit"]

    # The login page speaks the browser's language (English here) until someone logs in.
    login = frontend_texts("en")
    page.goto(f"{base_url}/")
    authorize = "ui.panel.page-authorize.form"
    username = field(
        page, login[f"{authorize}.providers.homeassistant.step.init.data.username"]
    )
    expect(username).to_be_visible()
    shots.take("login")
    username.fill(owner.username)
    field(
        page, login[f"{authorize}.providers.homeassistant.step.init.data.password"]
    ).fill(owner.password)
    page.get_by_role("button", name=login[f"{authorize}.next"]).click()

    # Settings > Devices & services, in the person's language.
    settings = page.get_by_role("link", name=re.compile(re.escape(ui["panel.config"])))
    expect(settings).to_be_visible()
    shots.take("logged-in")
    settings.click()
    page.get_by_role(
        "link", name=re.compile(re.escape(ui["ui.panel.config.dashboard.devices.main"]))
    ).click()
    add_integration = page.get_by_role(
        "button", name=ui["ui.panel.config.integrations.add_integration"]
    )
    expect(add_integration).to_be_visible()
    shots.take("devices-and-services")

    # Add integration: search the brand, pick it.
    add_integration.click()
    brands = page.locator("dialog-add-integration")
    brands.get_by_role("textbox").fill(INTEGRATION_NAME)
    brand = brands.get_by_role("button", name=INTEGRATION_NAME, exact=True)
    expect(brand).to_be_visible()
    shots.take("add-integration-search")
    brand.click()

    # The account form, filled with a malformed account first.
    flow = page.locator("dialog-data-entry-flow")
    expect(flow.get_by_text(account_step["title"], exact=True)).to_be_visible()
    expect(flow.get_by_text(account_step["description"])).to_be_visible()
    expect(
        flow.get_by_text(account_step["data_description"]["account"])
    ).to_be_visible()
    shots.take("config-form")
    field(flow, account_step["data"]["account"]).fill(WRONG_ACCOUNT)
    field(flow, account_step["data"]["login"]).fill(simulator.login)
    field(flow, account_step["data"]["password"]).fill(simulator.password)
    field(flow, account_step["data"]["sender"]).fill(simulator.sender)
    flow.get_by_role("button", name=submit).click()
    error = flow.get_by_text(ours["config"]["error"]["invalid_account"], exact=True)
    expect(error).to_be_visible()
    shots.take("config-form-error")

    # Corrected, with the simulator's URL in the collapsed "Advanced settings". The form comes
    # back without the password (the integration never suggests it), so it is typed again.
    field(flow, account_step["data"]["account"]).fill(simulator.account)
    field(flow, account_step["data"]["password"]).fill(simulator.password)
    endpoint = field(flow, advanced["data"]["endpoint"])
    expect(endpoint).to_be_hidden()
    flow.get_by_role("button", name=advanced["name"]).click()
    expect(flow.get_by_text(advanced["data_description"]["endpoint"])).to_be_visible()
    endpoint.fill(simulator.endpoint)
    shots.take("config-form-corrected")
    flow.get_by_role("button", name=submit).click()

    # The optional test SMS: the menu's "finish" option, so nothing is sent.
    menus = [ours["config"]["step"][step] for step in ("verified", "unverified")]
    expect(
        flow.get_by_text(menus[0]["description"]).or_(
            flow.get_by_text(menus[1]["description"])
        )
    ).to_be_visible()
    expect(flow.get_by_text(menus[0]["menu_options"]["test_sms"])).to_be_visible()
    shots.take("test-sms")
    flow.get_by_text(menus[0]["menu_options"]["finish"]).click()

    # Created: Home Assistant offers to name the account's device and give it an area.
    expect(
        flow.get_by_text(ui["ui.panel.config.integrations.config_flow.device_created"])
    ).to_be_visible()
    expect(
        field(flow, ui["ui.panel.config.integrations.config_flow.device_name"])
    ).to_have_value(simulator.account)
    shots.take("account-created")
    flow.get_by_role(
        "button", name=ui["ui.panel.config.integrations.config_flow.finish_skip"]
    ).click()
    expect(flow.get_by_role("dialog")).to_have_count(0)

    # The integration's page.
    page.get_by_role("link", name=re.compile(re.escape(INTEGRATION_NAME))).click()
    expect(page.get_by_role("heading", name=INTEGRATION_NAME, level=1)).to_be_visible()
    add_contact = page.get_by_role(
        "button", name=ours["config_subentries"]["recipient"]["initiate_flow"]["user"]
    )
    expect(add_contact).to_be_visible()
    shots.take("integration-page")

    # Add a contact: a name and a phone number, switches left as they are.
    add_contact.click()
    expect(flow.get_by_text(contact_step["title"], exact=True)).to_be_visible()
    expect(
        flow.get_by_text(contact_step["data_description"]["phone_number"])
    ).to_be_visible()
    field(flow, contact_step["data"]["name"]).fill(CONTACT_NAME)
    field(flow, contact_step["data"]["phone_number"]).fill(CONTACT_NUMBER_TYPED)
    shots.take("contact-form")
    flow.get_by_role("button", name=submit).click()
    expect(
        flow.get_by_text(
            ui["ui.panel.config.integrations.config_flow.success"], exact=True
        )
    ).to_be_visible()
    shots.take("contact-created")
    flow.get_by_role(
        "button", name=ui["ui.panel.config.integrations.config_flow.finish"]
    ).click()
    expect(flow.get_by_role("dialog")).to_have_count(0)
    page_body = page.locator("ha-config-integration-page")
    expect(page_body.get_by_text(CONTACT_NAME, exact=True).first).to_be_visible()
    expect(
        page_body.get_by_text(
            ours["config_subentries"]["recipient"]["entry_type"], exact=True
        )
    ).to_be_visible()
    shots.take("integration-page-with-contact")

    if language == "en":
        # For the documentation: the form as someone with an OVHcloud account fills it (no
        # error, "Advanced settings" left closed), opened from the page's "Add service", where
        # a second account would start. Closed without submitting.
        page.get_by_role(
            "button",
            name=ui["ui.panel.config.integrations.integration_page.add_service"],
        ).click()
        field(flow, account_step["data"]["account"]).fill(simulator.account)
        field(flow, account_step["data"]["login"]).fill(simulator.login)
        field(flow, account_step["data"]["password"]).fill(simulator.password)
        field(flow, account_step["data"]["sender"]).fill(simulator.sender)
        field(flow, account_step["data"]["sender"]).blur()
        flow.get_by_text(account_step["description"]).scroll_into_view_if_needed()
        shots.take("config-form-filled")
        flow.get_by_role("button", name=ui["ui.common.close"]).first.click()
        expect(flow.get_by_role("dialog")).to_have_count(0)

    # The integration's entities: the contact's notify entity and the account's credit sensor.
    page.locator(f'a[href*="/config/entities"][href*="domain={DOMAIN}"]').first.click()
    table = page.get_by_role("table")
    expect(
        table.get_by_role("rowheader", name=CONTACT_NAME, exact=True)
    ).to_be_visible()
    expect(
        table.get_by_role(
            "rowheader", name=ours["entity"]["sensor"]["credits"]["name"], exact=True
        )
    ).to_be_visible()
    shots.take("entities")


def _record_problems(page: Page, problems: list[str]) -> None:
    """Collect console errors, page errors and failed requests of the page."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location['url']})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", on_response)


def _entity_of(user: Client, entry_id: str, domain: str, subentry_title: str) -> str:
    """The entity of a contact, found through its subentry, waiting for it to be registered."""
    (subentry,) = [s for s in user.subentries(entry_id) if s["title"] == subentry_title]
    deadline = time.monotonic() + 30
    while not (
        found := user.entity_ids(
            DOMAIN, domain, config_subentry_id=subentry["subentry_id"]
        )
    ):
        assert time.monotonic() < deadline, f"no {domain} entity for {subentry_title}"
        time.sleep(0.2)
    (entity_id,) = found
    return entity_id
