"""A person sets up OVHcloud SMS in a real browser, in every language the integration ships.

Debian's Chromium, driven by Playwright, talks to a real Home Assistant process (see hass_testbed)
whose integration points at the http2sms simulator. Everything the test clicks or reads is found
the way a person finds it: by its role and its visible text. The texts come from the files the
UI itself reads, the frontend's translations for Home Assistant's own words and the
integration's `translations/<language>.json` for ours, so each run proves that its language
reaches the screen; on each of our screens (the account form, its error, the test SMS menu, the
contact form, the options) no English text of ours is left.

One simulator and one onboarded Home Assistant serve every language, one after the other: each
run sets the household's and the person's language, starts from no account, adds it, a contact
and options, then checks the logs so far; the last test stops Home Assistant.

A screenshot is saved at each step to `artifacts/browser/<language>/NN-step.png`. With
OVH_HTTP2SMS_REFRESH_DOCS=1 the English runs also refresh the pictures of the documentation
(`docs/screenshots/`); otherwise a test run never changes a tracked file.
Run with `scripts/run python -m pytest tests/e2e/test_browser.py -p no:cacheprovider`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field as dataclass_field
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
import pytest_socket

from demo.__main__ import BUTTON_NAME, DASHBOARD_TITLE, OWNER as DEMO_OWNER, Demo
from hass_testbed import (
    REPO_ROOT,
    Client,
    HomeAssistant,
    Person,
    Simulator,
    login,
    onboard,
)
from hass_testbed.home_assistant import log_records
from hass_testbed.ovh_http2sms import DOMAIN, SKIP_TEST_SMS, credit_sensor_of
from http2sms_simulator import (
    SECOND_ACCOUNT,
    SECOND_LOGIN,
    SECOND_PASSWORD,
    SECOND_SENDER,
)
from tests.e2e.conftest import OWNER

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
LOW_CREDIT_THRESHOLD = 20  # typed in the options form (the default is 10)

# Home Assistant logs this for every platform loaded ("backup.sensor", "ovh_http2sms.notify",
# ...) when the server's language changes, as each run here does: not a word about us.
LANGUAGE_CHANGE_WARNING = re.compile(
    r"Failed to load integration for translation: Invalid domain [\w.]+\.\w+$"
)

TRANSLATIONS = REPO_ROOT / "custom_components" / DOMAIN / "translations"
# Every language the integration ships, English first (its run may refresh the documentation).
LANGUAGES = sorted(
    (path.stem for path in TRANSLATIONS.glob("*.json")),
    key=lambda language: (language != "en", language),
)


# --------------------------------------------------------------------------------------------
# Texts, as the UI shows them
# --------------------------------------------------------------------------------------------


def integration_texts(language: str) -> dict[str, Any]:
    """The integration's translations for `language`, as Home Assistant serves them."""
    path = TRANSLATIONS / f"{language}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _leaves(tree: dict[str, Any], path: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            yield from _leaves(value, where)
        else:
            yield where, str(value)


def _spaced(text: str) -> str:
    """`text` with every run of spaces (no-break ones too) as one plain space."""
    return re.sub(r"\s+", " ", text)


class Speaks:
    """Checks that a screen shows our texts in the person's language and none in English."""

    def __init__(self, language: str) -> None:
        """Read our texts in the person's language and in English."""
        self.language = language
        self.ours = dict(_leaves(integration_texts(language)))
        # Our English texts that this language translates differently (a word the same in both,
        # like "Contact" in French, proves nothing either way).
        self.english = {
            path: text
            for path, text in _leaves(integration_texts("en"))
            if self.ours.get(path) != text
        }

    def check(self, scope: Locator, *prefixes: str) -> None:
        """Every text of ours under `prefixes` is in `scope`, and no English text of ours is.

        `scope`'s accessibility tree is what a person sees (shadow DOM included, hidden parts
        left out), so the check also proves that the expected texts are found at all. Like
        `expect`, it waits for the screen to settle (a form's fields render after its title).
        """
        wanted = [
            path for path in self.ours if any(path.startswith(p) for p in prefixes)
        ]
        assert wanted, f"no text of ours under {prefixes}"
        deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
        while True:
            # The tree shows a no-break space (French typography) as a plain one.
            shown = _spaced(scope.aria_snapshot())
            absent = {
                path: self.ours[path]
                for path in wanted
                if _spaced(self.ours[path]) not in shown
            }
            left = {
                path: text
                for path, text in self.english.items()
                if re.search(rf"(?<!\w){re.escape(_spaced(text))}(?!\w)", shown)
            }
            if (not absent and not left) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert not absent, f"not on the screen ({self.language}): {absent}\n{shown}"
        assert not left, f"English on the screen ({self.language}): {left}\n{shown}"


def frontend_texts(language: str) -> dict[str, str]:
    """Home Assistant frontend's own translations for `language` (flat keys, every fragment)."""
    folder = Path(hass_frontend.where()) / "static" / "translations"
    # <language>-<hash>.json: "es-*.json" alone would also take Latin American "es-419-...".
    name = re.compile(rf"{re.escape(language)}-[0-9a-f]{{32}}\.json")
    texts: dict[str, str] = {}
    for path in sorted(folder.glob(f"**/{language}-*.json")):
        if name.fullmatch(path.name):
            texts.update(json.loads(path.read_text(encoding="utf-8")))
    if not texts:
        raise AssertionError(f"no frontend translations for {language} in {folder}")
    return texts


def field(scope: Locator | Page, label: str) -> Locator:
    """A text field by its label; required fields show a trailing `*`."""
    return scope.get_by_role("textbox", name=re.compile(rf"^{re.escape(label)}\*?$"))


def log_in(page: Page, base_url: str, person: Person) -> None:
    """Log in on the login page, which speaks the browser's language (English) until then."""
    texts = frontend_texts("en")
    form = "ui.panel.page-authorize.form"
    page.goto(f"{base_url}/")
    field(page, texts[f"{form}.providers.homeassistant.step.init.data.username"]).fill(
        person.username
    )
    field(page, texts[f"{form}.providers.homeassistant.step.init.data.password"]).fill(
        person.password
    )
    page.get_by_role("button", name=texts[f"{form}.next"]).click()


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


@dataclass
class Household:
    """The simulator and the onboarded Home Assistant every language's run shares."""

    simulator: Simulator
    home_assistant: HomeAssistant
    owner: Person
    user: Client
    # The credit each run's SMS left on the simulator's account.
    credits_left: set[float] = dataclass_field(default_factory=set)

    def logs(self) -> list[Path]:
        """The log files to show when a test fails."""
        return [self.simulator.log_path, *self.home_assistant.logs]


@pytest.fixture(scope="module")
def household(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Household]:
    """One simulator and one onboarded Home Assistant for every language of this module.

    Starting and onboarding Home Assistant once, rather than once per language, keeps the run
    short; each language's run starts from no account of ours.
    """
    # A module's fixture is set up before the test's `socket_enabled`: allow the loopback
    # connections of the harness here already (pytest-socket disables sockets again per test).
    pytest_socket.enable_socket()
    folder = tmp_path_factory.mktemp("browser")
    simulator = Simulator(folder / "simulator")
    # Offline, as the demo runs it: otherwise onboarding adds Google Translate speech, whose
    # failed card stands behind every screenshot of Devices & services.
    home_assistant = HomeAssistant(folder / "hass-config", offline=True)
    try:
        simulator.start()
        home_assistant.start()
        user = onboard(home_assistant.base_url, OWNER)
        user.wait_running()
        assert user.frontend_problem() is None
        yield Household(simulator, home_assistant, OWNER, user)
    finally:
        home_assistant.stop()
        simulator.stop()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_owner_sets_up_ovh_sms_in_the_browser(
    chromium: Path,
    socket_enabled: None,
    household: Household,
    e2e_logs: list[Callable[[], list[Path]]],
    tmp_path: Path,
    language: str,
) -> None:
    """Log in, add the integration (a mistake first), a contact and options; see the entities."""
    started = time.monotonic()
    e2e_logs.append(household.logs)
    simulator, home_assistant, user = (
        household.simulator,
        household.home_assistant,
        household.user,
    )
    # Each language's household starts without the integration (a failed run may leave one).
    for old in user.config_entries(DOMAIN):
        user.request("DELETE", f"/api/config/config_entries/entry/{old['entry_id']}")
    sent_before = len(simulator.outbox())
    # Home Assistant itself in this language (Settings > System > Home information, what
    # onboarding in that language sets), which is the language of entity names...
    user.ws({"type": "config/core/update", "language": language})
    # ...and the person's own language, what the language menu of their profile page saves.
    # Only this one sets the frontend's language: the browser stays in English.
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
            _story(
                page,
                shots,
                home_assistant.base_url,
                language,
                simulator,
                household.owner,
            )
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
    # No test SMS was asked for: nothing was sent.
    assert simulator.outbox()[sent_before:] == []
    assert _options(user, entry["entry_id"]) == {
        "coding": "gsm7",
        "replace_characters": "replace",
        "max_parts": 6,
        "low_credit_threshold": LOW_CREDIT_THRESHOLD,
        "max_sends_per_second": 5,
        "repeat_window": 2,
        "daily_budget": 0,
    }
    notify_entity = _entity_of(user, entry["entry_id"], "notify", CONTACT_NAME)
    credit_sensor = credit_sensor_of(user, entry["entry_id"])
    # No SMS sent yet: unknown. Unless an earlier run here had a sensor of the same entity id
    # (it comes from the name, "Credits", "Crédits"...): Home Assistant then restores the
    # credit that run's SMS left, as it does for an account removed and added again.
    credit = user.state(credit_sensor)["state"]
    assert credit == "unknown" or float(credit) in household.credits_left, credit
    # The contact typed in the browser works: one SMS to the number as OVHcloud wants it.
    user.call(
        "notify",
        "send_message",
        {"entity_id": notify_entity, "message": "Set up from the browser."},
    )
    (sms,) = simulator.outbox()[sent_before:]
    assert sms["recipient"] == CONTACT_NUMBER_SENT
    assert sms["message"] == "Set up from the browser."
    # The reply's credit reaches the sensor.
    household.credits_left.add(simulator.credit())
    user.wait_for_state(
        credit_sensor,
        lambda state: (
            state["state"] not in ("unknown", "unavailable")
            and float(state["state"]) == simulator.credit()
        ),
    )

    if language == "en" and os.environ.get("OVH_HTTP2SMS_REFRESH_DOCS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            shots.taken["config-form-filled"],
            DOCS_SCREENSHOTS / "config-flow-en.png",
        )
        shutil.copyfile(shots.taken["entities"], DOCS_SCREENSHOTS / "entities-en.png")

    assert home_assistant.unexpected_problems() == []
    assert _records_about_us(home_assistant) == []
    print(  # noqa: T201 - timings, shown with -s
        f"browser story ({language}): {time.monotonic() - started:.1f}s, "
        f"Home Assistant start: {home_assistant.start_durations[0]:.1f}s, "
        f"screenshots in {shots.folder}"
    )


def test_home_assistant_stops_cleanly_after_the_browser_stories(
    socket_enabled: None,
    household: Household,
    e2e_logs: list[Callable[[], list[Path]]],
) -> None:
    """After every language's run, Home Assistant stops at once, with nothing wrong logged."""
    e2e_logs.append(household.logs)
    assert household.home_assistant.stop() == 0
    assert household.home_assistant.unexpected_problems() == []
    assert _records_about_us(household.home_assistant) == []


def _records_about_us(home_assistant: HomeAssistant) -> list[str]:
    """Warnings and errors that mention the integration, but for a change of language."""
    return [
        record
        for record in home_assistant.records_about(DOMAIN)
        if not LANGUAGE_CHANGE_WARNING.search(record.splitlines()[0])
    ]


def _options(user: Client, entry_id: str) -> dict[str, Any]:
    """An entry's options, read as the options form shows them (then closed unsaved)."""
    menu = user.post("/api/config/config_entries/options/flow", {"handler": entry_id})
    form = user.post(
        f"/api/config/config_entries/options/flow/{menu['flow_id']}",
        {"next_step_id": "policy"},
    )
    user.request("DELETE", f"/api/config/config_entries/options/flow/{form['flow_id']}")
    return {item["name"]: item.get("default") for item in form["data_schema"]}


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
    speaks = Speaks(language)
    account_form = (
        "config.step.user.title",
        "config.step.user.description",
        "config.step.user.data.",
        "config.step.user.data_description.",
        "config.step.user.sections.advanced.name",
    )

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
    speaks.check(flow, *account_form)
    shots.take("config-form")
    field(flow, account_step["data"]["account"]).fill(WRONG_ACCOUNT)
    field(flow, account_step["data"]["login"]).fill(simulator.login)
    field(flow, account_step["data"]["password"]).fill(simulator.password)
    field(flow, account_step["data"]["sender"]).fill(simulator.sender)
    flow.get_by_role("button", name=submit).click()
    error = flow.get_by_text(ours["config"]["error"]["invalid_account"], exact=True)
    expect(error).to_be_visible()
    speaks.check(flow, *account_form, "config.error.invalid_account")
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
    speaks.check(flow, *account_form, "config.step.user.sections.advanced.")
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
    menu = (
        "verified"
        if flow.get_by_text(menus[0]["description"]).is_visible()
        else "unverified"
    )
    speaks.check(flow, f"config.step.{menu}.")
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
    speaks.check(flow, "config_subentries.recipient.step.user.")
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
    speaks.check(
        page_body,
        "config_subentries.recipient.entry_type",
        "config_subentries.recipient.initiate_flow.user",
    )
    shots.take("integration-page-with-contact")

    _options_story(page, shots, ui, ours, speaks)

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
    speaks.check(table, "entity.sensor.credits.name")
    shots.take("entities")


def _options_story(
    page: Page,
    shots: Screenshots,
    ui: dict[str, str],
    ours: dict[str, Any],
    speaks: Speaks,
) -> None:
    """The account's options (its ⚙): its menu, then the sending policy read, changed, saved."""
    menu = ours["options"]["step"]["init"]
    options = ours["options"]["step"]["policy"]
    coding = ours["selector"]["coding"]["options"]
    replace = ours["selector"]["replace_characters"]["options"]
    # The account's ⚙ comes first; each contact below it has its own (to edit the contact).
    page.get_by_role(
        "button", name=ui["ui.panel.config.integrations.config_entry.configure"]
    ).first.click()
    flow = page.locator("dialog-data-entry-flow")
    expect(flow.get_by_text(menu["title"], exact=True)).to_be_visible()
    speaks.check(flow, "options.step.init.")
    shots.take("options-menu")
    flow.get_by_text(menu["menu_options"]["policy"], exact=True).click()
    expect(flow.get_by_text(options["title"], exact=True)).to_be_visible()
    expect(flow.get_by_text(options["description"])).to_be_visible()
    form = (
        "options.step.policy.",
        "selector.coding.options.auto",  # the current encoding, in the closed list
        "selector.replace_characters.options.",  # radio buttons: all shown
    )
    speaks.check(flow, *form)
    shots.take("options")

    # The encoding's list, opened: every choice translated. 7-bit only is picked.
    flow.locator("ha-select").click()
    expect(flow.get_by_role("menuitem", name=coding["unicode"])).to_be_visible()
    speaks.check(flow, *form, "selector.coding.options.")
    shots.take("options-encodings")
    flow.get_by_role("menuitem", name=coding["gsm7"]).click()
    flow.get_by_role("radio", name=replace["replace"]).check()
    threshold = flow.get_by_role(
        "spinbutton",
        name=re.compile(rf"^{re.escape(options['data']['low_credit_threshold'])}\*?$"),
    )
    threshold.fill(str(LOW_CREDIT_THRESHOLD))
    expect(flow.locator("ha-select")).to_contain_text(coding["gsm7"])
    # A negative budget stays on the form, refused in the person's language, whole numbers.
    budget = flow.get_by_role(
        "spinbutton",
        name=re.compile(rf"^{re.escape(options['data']['daily_budget'])}\*?$"),
    )
    budget.fill("-3")
    flow.get_by_role(
        "button", name=ui["ui.panel.config.integrations.config_flow.submit"]
    ).click()
    refused = (
        ours["options"]["error"]["daily_budget_out_of_range"]
        .replace("{daily_budget_min}", "0")
        .replace("{daily_budget_max}", "100000")
    )
    expect(flow.get_by_text(refused)).to_be_visible()
    shots.take("options-budget-refused")
    budget.fill("0")
    shots.take("options-changed")
    flow.get_by_role(
        "button", name=ui["ui.panel.config.integrations.config_flow.submit"]
    ).click()
    expect(
        flow.get_by_text(
            ui["ui.panel.config.integrations.config_flow.success"], exact=True
        )
    ).to_be_visible()
    shots.take("options-saved")
    flow.get_by_role("button", name=ui["ui.common.close"]).first.click()
    expect(flow.get_by_role("dialog")).to_have_count(0)


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


# --------------------------------------------------------------------------------------------
# The demo, as a newcomer meets it
# --------------------------------------------------------------------------------------------

# What an integration card says when its entry is not working.
FAILED_STATES = ("setup_error", "setup_retry", "migration_error", "failed_unload")


@pytest.fixture
def demo(socket_enabled: None, tmp_path: Path, e2e_logs: list[Any]) -> Iterator[Demo]:
    """`scripts/demo`'s configuration, on free ports and a fresh folder, stopped afterwards."""
    running = Demo(tmp_path / "demo", ha_port=0, simulator_port=0)
    e2e_logs.append(lambda: [*running.hass.logs, running.simulator.log_path])
    try:
        running.configure()
        yield running
    finally:
        running.shutdown()


def test_the_demo_dashboard_sends_an_sms(
    chromium: Path, demo: Demo, tmp_path: Path
) -> None:
    """Log in to the demo, open its dashboard from the sidebar, press the button, see the SMS.

    Also what a newcomer should not meet: a failed integration card, an error in the log.
    """
    simulator, base_url = demo.simulator, demo.hass.base_url
    credit_before = simulator.credit()
    ui = frontend_texts("en")
    owner = login(base_url, DEMO_OWNER.username, DEMO_OWNER.password)
    (alice_device,) = [
        device["id"]
        for device in owner.ws({"type": "config/device_registry/list"})
        if device["name"] == "Alice"
    ]
    # A French speaker finds a French Assist pipeline beside the English one.
    pipelines = owner.ws({"type": "assist_pipeline/pipeline/list"})["pipelines"]
    assert {"en", "fr"} <= {pipeline["language"] for pipeline in pipelines}
    browser_problems: list[str] = []
    with browser(tmp_path / "chromium-profile") as context:
        page = context.new_page()
        _record_problems(page, browser_problems)
        shots = Screenshots(page, ARTIFACTS / "demo")

        log_in(page, base_url, DEMO_OWNER)

        # After login: the demo's dashboard, which the sidebar lists.
        sidebar_item = page.get_by_role(
            "link", name=re.compile(re.escape(DASHBOARD_TITLE))
        )
        expect(sidebar_item).to_be_visible()
        send = page.get_by_role("button", name=BUTTON_NAME)
        expect(send).to_be_visible()
        shots.take("after-login")

        # Devices & services: every integration set up, no failed card.
        page.get_by_role("link", name=re.compile(re.escape(ui["panel.config"]))).click()
        page.get_by_role(
            "link",
            name=re.compile(re.escape(ui["ui.panel.config.dashboard.devices.main"])),
        ).click()
        cards = page.locator("ha-integration-card")
        expect(cards.filter(has_text=INTEGRATION_NAME)).to_be_visible()
        for state in FAILED_STATES:
            text = ui[f"ui.panel.config.integrations.config_entry.state.{state}"]
            expect(page.get_by_text(text)).to_have_count(0)
        shots.take("devices-and-services")

        # Back to the dashboard the way a person would: its sidebar item.
        sidebar_item.click()
        expect(send).to_be_visible()
        credit_tile = page.locator("hui-tile-card").filter(has_text="SMS credit left")
        expect(credit_tile).to_be_visible()
        send.click()

        # The automation texts Alice and Bob, then sends one more with the action.
        deadline = time.monotonic() + 30
        while len(simulator.outbox()) < 3:
            assert time.monotonic() < deadline, simulator.outbox()
            time.sleep(0.2)
        outbox = simulator.outbox()
        assert sorted(sms["recipient"] for sms in outbox) == [
            "0033612345678",
            "0033612345678",
            "00447911123456",
        ]
        credit_after = simulator.credit()
        assert credit_after == credit_before - 3
        # The dashboard shows the new credit, and the logbook card the contacts' SMS.
        expect(credit_tile).to_contain_text(f"{credit_after:g}")
        logbook = page.locator("hui-logbook-card")
        for name in ("Alice", "Bob"):
            expect(
                logbook.get_by_text(name, exact=True).filter(visible=True).first
            ).to_be_visible()
        shots.take("dashboard-after-send")

        # Alice's device page says which number she is, masked.
        page.goto(f"{base_url}/config/devices/device/{alice_device}")
        expect(page.get_by_text("SMS (+33 6 •• •• •• 78)")).to_be_visible()
        shots.take("contact-device")

    # The demo's notification says it in Home Assistant's language (English here), in words.
    user = login(base_url, DEMO_OWNER.username, DEMO_OWNER.password)
    (notification,) = user.ws({"type": "persistent_notification/get"})
    assert f"{credit_after:g} credits left" in notification["message"]
    assert "7-bit" in notification["message"]
    assert "gsm7" not in notification["message"]
    # The second account docs/simulator.md gives for a try by hand is accepted by the config flow.
    second = user.config_flow(
        DOMAIN,
        {
            "account": SECOND_ACCOUNT,
            "login": SECOND_LOGIN,
            "password": SECOND_PASSWORD,
            "sender": SECOND_SENDER,
            "endpoint": simulator.endpoint,
        },
        steps=SKIP_TEST_SMS,
    )
    assert second["type"] == "create_entry"
    assert all(entry["state"] == "loaded" for entry in user.config_entries())

    if os.environ.get("OVH_HTTP2SMS_REFRESH_DOCS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            shots.taken["dashboard-after-send"],
            DOCS_SCREENSHOTS / "demo-dashboard-en.png",
        )

    assert [p for p in browser_problems if DOMAIN in p] == []
    assert demo.hass.stop() == 0
    assert [
        record
        for level, record in log_records(demo.hass.log_text())
        if level in ("ERROR", "CRITICAL")
    ] == []
