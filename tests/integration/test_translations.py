"""The translations: en.json is strings.json resolved, every language mirrors it, every key used exists.

Every `translations/<language>.json` present is checked; a new language needs no change here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
import importlib.util
import json
from pathlib import Path
import re
from types import ModuleType
from typing import Any

import pytest

from custom_components.ovh_http2sms import const
from custom_components.ovh_http2sms.const import DOMAIN, SUBENTRY_TYPE_RECIPIENT
from custom_components.ovh_http2sms.reasons import (
    KIND_OF_ERROR,
    SEND_FAILED_ISSUE,
    FailureKind,
)

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "custom_components" / "ovh_http2sms"
TRANSLATIONS = INTEGRATION / "translations"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
REFERENCE = "[%key:"

# Where the frontend looks for the errors of each kind of flow.
CONFIG_ERRORS = ("config", "error")
SUBENTRY_ERRORS = ("config_subentries", SUBENTRY_TYPE_RECIPIENT, "error")
OPTIONS_ERRORS = ("options", "error")
EXCEPTIONS = ("exceptions",)
ISSUES = ("issues",)
SELECTORS = ("selector",)


def _translations_script() -> ModuleType:
    """Import scripts/translations.py, which is not a package, from its path."""
    spec = importlib.util.spec_from_file_location(
        "ovh_http2sms_translations_script", ROOT / "scripts" / "translations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _strings() -> dict[str, Any]:
    return _load(INTEGRATION / "strings.json")


def _en() -> dict[str, Any]:
    return _load(TRANSLATIONS / "en.json")


def _fr() -> dict[str, Any]:
    return _load(TRANSLATIONS / "fr.json")


# Every language shipped, found at collection time: a file added later is covered at once.
LANGUAGES = sorted(path.stem for path in TRANSLATIONS.glob("*.json"))
TRANSLATED = [language for language in LANGUAGES if language != "en"]
# strings.json and every translation file, as paths relative to the integration.
TEXT_FILES = [
    "strings.json",
    *(f"translations/{language}.json" for language in LANGUAGES),
]


def _language(language: str) -> dict[str, Any]:
    return _load(TRANSLATIONS / f"{language}.json")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _strings_resolved() -> dict[str, Any]:
    resolved: dict[str, Any] = _translations_script().resolve(_strings())
    return resolved


def _leaves(tree: dict[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (dotted path, value) for every value that is not an object."""
    for key, value in tree.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            yield from _leaves(value, where)
        else:
            yield where, value


def _shape(tree: dict[str, Any], path: str = "") -> set[str]:
    """Every path of the tree, objects marked with a trailing slash, texts without."""
    paths: set[str] = set()
    for key, value in tree.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            paths.add(f"{where}/")
            paths |= _shape(value, where)
        else:
            paths.add(where)
    return paths


def _has(tree: dict[str, Any], section: tuple[str, ...], key: str) -> bool:
    node: Any = tree
    for part in (*section, key):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


# The top-level categories Home Assistant's translation schema allows in an integration's
# strings.json: `gen_strings_schema` in Home Assistant core's script/hassfest/translations.py
# (2026.10), which hassfest runs. Home Assistant does not expose the list at run time: its
# loader reads any category from the file, so only hassfest would refuse another one.
HOME_ASSISTANT_CATEGORIES = frozenset(
    {
        "title",
        "common",
        "config",
        "config_subentries",
        "options",
        "preview_features",
        "selector",
        "device_automation",
        "system_health",
        "config_panel",
        "application_credentials",
        "issues",
        "entity_component",
        "device",
        "entity",
        "exceptions",
        "services",
        "conditions",
        "triggers",
        "conversation",
    }
)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_every_category_is_one_home_assistant_knows(name: str) -> None:
    """hassfest refuses a top-level category its schema does not list."""
    unknown = sorted(set(_load(INTEGRATION / name)) - HOME_ASSISTANT_CATEGORIES)
    assert not unknown, f"{name}: categories Home Assistant does not know: {unknown}"


def test_en_json_is_strings_json_resolved() -> None:
    """en.json is what scripts/translations.py writes: run it after editing strings.json."""
    resolved = _translations_script().resolve(_strings())
    assert _en() == resolved, "en.json is stale: run scripts/translations.py"
    assert not [path for path, text in _leaves(_en()) if REFERENCE in str(text)]


def test_the_languages_are_found() -> None:
    """The tests below see every shipped language (a wrong folder would make them pass for nothing)."""
    assert {"en", "fr", "es", "it", "pl"} <= set(LANGUAGES), LANGUAGES


@pytest.mark.parametrize("language", TRANSLATED)
def test_language_has_the_keys_of_en_json(language: str) -> None:
    """Each translation has the same tree as en.json: nothing missing, nothing extra."""
    en, other = _shape(_en()), _shape(_language(language))
    assert not en - other, f"missing in {language}.json: {sorted(en - other)}"
    assert not other - en, f"not in en.json: {sorted(other - en)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_keeps_the_placeholders(language: str) -> None:
    """Each text has exactly the placeholders of the same key in strings.json."""
    texts = dict(_leaves(_language(language)))
    mismatches = {
        path: (sorted(_placeholders(text)), sorted(_placeholders(texts[path])))
        for path, text in _leaves(_strings_resolved())
        if isinstance(texts.get(path), str)
        and _placeholders(text) != _placeholders(texts[path])
    }
    assert not mismatches, (
        f"placeholders (strings.json, {language}.json) differ: {mismatches}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_language_keeps_links_and_code(language: str) -> None:
    """Markdown links, URLs and `code` spans are kept as they are in English."""
    kept = re.compile(r"\]\([^)]*\)|https?://[^\s)]+|`[^`]*`")
    texts = dict(_leaves(_language(language)))
    changed = {
        path: sorted(set(kept.findall(text)))
        for path, text in _leaves(_en())
        if isinstance(texts.get(path), str)
        and sorted(kept.findall(text)) != sorted(kept.findall(texts[path]))
    }
    assert not changed, f"links or code changed in {language}.json: {changed}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_language_is_translated(language: str) -> None:
    """No English sentence is left: a text equal to the English one is a single word."""
    texts = dict(_leaves(_language(language)))
    left = [
        path
        for path, text in _leaves(_en())
        if texts.get(path) == text and len(text.split()) > 1
    ]
    assert not left, f"English left in {language}.json: {left}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_language_shares_what_strings_json_shares(language: str) -> None:
    """A text strings.json reuses by reference reads the same at both keys."""
    reference = re.compile(r"^\[%key:component::ovh_http2sms::([^%]+)%\]$")
    texts = dict(_leaves(_language(language)))
    differ = {
        path: target.replace("::", ".")
        for path, text in _leaves(_strings())
        if (match := reference.match(text))
        and (target := match.group(1))
        and path in texts
        and texts[path] != texts.get(target.replace("::", "."))
    }
    assert not differ, (
        f"{language}.json: shared texts differ (key: its source): {differ}"
    )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"duplicate keys: {duplicates}"
    return dict(pairs)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_text_file_is_valid_json(name: str) -> None:
    """Each file is strict UTF-8 JSON: one object, no duplicate key (the last would win)."""
    raw = (INTEGRATION / name).read_bytes()
    data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    assert isinstance(data, dict)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_no_empty_text(name: str) -> None:
    """Every value is a text with something in it (HA shows the raw key otherwise)."""
    bad = [
        path
        for path, text in _leaves(_load(INTEGRATION / name))
        if not isinstance(text, str) or not text.strip()
    ]
    assert not bad, f"empty or not a text in {name}: {bad}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_language_is_written_out(language: str) -> None:
    """A custom integration ships resolved files: no [%key:...%] reference in a translation."""
    assert not [
        path for path, text in _leaves(_language(language)) if REFERENCE in text
    ]


def test_fr_json_typography_is_consistent() -> None:
    """No-break space before : ; ? ! and the typographic apostrophe, everywhere."""
    plain_space = [path for path, text in _leaves(_fr()) if re.search(r" [:;?!]", text)]
    assert not plain_space, f"plain space before : ; ? ! in {plain_space}"
    # An ASCII apostrophe is allowed only as a character shown to the user, not inside a word.
    straight = [path for path, text in _leaves(_fr()) if re.search(r"\w'\w", text)]
    assert not straight, f"straight apostrophe in {straight}"


# --- Translation keys used by the code ------------------------------------------------------


@dataclass(frozen=True)
class KeyUse:
    """A translation key the code uses, and where the frontend looks it up."""

    section: tuple[str, ...]
    key: str
    where: str


def _text(node: ast.expr | None) -> str | None:
    """The text of a literal, or of a name defined in const.py; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        value = getattr(const, node.id, None)
        if isinstance(value, str):
            return value
    return None


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_our_domain(node: ast.expr | None) -> bool:
    return (isinstance(node, ast.Name) and node.id == "DOMAIN") or _text(node) == DOMAIN


def _error_dicts(node: ast.expr | None) -> Iterator[ast.Dict]:
    """The dict literals of errors in an expression: `{...}` or `({...}, other)`."""
    if isinstance(node, ast.Dict):
        yield node
    elif (
        isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Dict)
    ):
        yield node.elts[0]


class _KeyScanner(ast.NodeVisitor):
    """Collect translation keys: exceptions, issues and selectors anywhere, form errors in flows."""

    def __init__(self, filename: str, *, config_flow: bool) -> None:
        self.filename = filename
        self.config_flow = config_flow
        self.uses: list[KeyUse] = []
        self._error_section = CONFIG_ERRORS
        self._function = ""

    def _add(self, section: tuple[str, ...], key: str, node: ast.AST) -> None:
        self.uses.append(
            KeyUse(section, key, f"{self.filename}:{getattr(node, 'lineno', 0)}")
        )

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {
            base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            for base in node.bases
        }
        outer = self._error_section
        if "ConfigSubentryFlow" in bases:
            self._error_section = SUBENTRY_ERRORS
        elif "OptionsFlow" in bases:
            self._error_section = OPTIONS_ERRORS
        self.generic_visit(node)
        self._error_section = outer

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._in_function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._in_function(node)

    def _in_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, self._function = self._function, node.name
        self.generic_visit(node)
        self._function = outer

    def visit_Call(self, node: ast.Call) -> None:
        name = _called(node)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if name in ("_validation_error", "_service_error") and node.args:
            if (key := _text(node.args[0])) is not None:
                self._add(EXCEPTIONS, key, node)
        elif _is_our_domain(keywords.get("translation_domain")) and (
            key := _text(keywords.get("translation_key"))
        ):
            if name.endswith(("Error", "Exception")):
                self._add(EXCEPTIONS, key, node)
            elif name == "async_create_issue":
                self._add(ISSUES, key, node)
        elif name == "SelectSelectorConfig" and (
            key := _text(keywords.get("translation_key"))
        ):
            self._add(SELECTORS, key, node)
        elif (
            name == "async_create_issue"
            and node.args[1:2]
            and _is_our_domain(node.args[1])
        ):
            if key := _text(keywords.get("translation_key")):
                self._add(ISSUES, key, node)
        if self.config_flow and "errors" in keywords:
            self._form_errors(keywords["errors"])
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.config_flow:
            for target in node.targets:
                self._errors_target(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if self.config_flow and node.value is not None:
            self._errors_target(node.target, node.value)
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if self.config_flow:
            if self._function == "_error_key":
                # _error_key returns (field, translation key).
                if isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
                    if (key := _text(node.value.elts[1])) is not None:
                        self._add(self._error_section, key, node)
            else:
                self._form_errors(node.value)
        self.generic_visit(node)

    def _errors_target(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            if target.value.id == "errors" and (key := _text(value)) is not None:
                self._add(self._error_section, key, value)
        elif isinstance(target, ast.Name) and target.id == "errors":
            self._form_errors(value)

    def _form_errors(self, value: ast.expr | None) -> None:
        for errors in _error_dicts(value):
            for item in errors.values:
                if (key := _text(item)) is not None:
                    self._add(self._error_section, key, item)


def _scan(source: str, filename: str) -> list[KeyUse]:
    scanner = _KeyScanner(filename, config_flow=filename.endswith("config_flow.py"))
    scanner.visit(ast.parse(source, filename))
    return scanner.uses


def _integration_uses() -> list[KeyUse]:
    uses: list[KeyUse] = []
    for path in sorted(INTEGRATION.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        uses += _scan(path.read_text(encoding="utf-8"), relative)
    return uses


def _missing(uses: list[KeyUse], strings: dict[str, Any]) -> list[KeyUse]:
    return [use for use in uses if not _has(strings, use.section, use.key)]


def test_the_scanner_finds_every_kind_of_use() -> None:
    """The scanner below sees the patterns the integration uses, and reports absent keys."""
    source = """
from homeassistant.exceptions import HomeAssistantError
def _error_key(err):
    match err:
        case ValueError():
            return "base", "from_error_key"
    return "base", "unknown"
def _format_errors(data):
    errors = {}
    errors["field"] = "from_subscript"
    return errors
class Flow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        errors = {"base": "from_literal"}
        return self.async_show_form(step_id="user", errors={"base": "from_keyword"})
class Contact(ConfigSubentryFlow):
    async def _async_check(self):
        return {CONF_NAME: "from_subentry"}, ""
def fail():
    raise HomeAssistantError(translation_domain=DOMAIN, translation_key="from_raise")
def fail_again():
    raise _validation_error("from_helper", number="1")
def issue(hass):
    ir.async_create_issue(hass, DOMAIN, "id", translation_key="from_issue")
def ignored(hass):
    raise HomeAssistantError(translation_domain="other", translation_key="elsewhere")
"""
    uses = {(use.section, use.key) for use in _scan(source, "config_flow.py")}
    assert uses == {
        (CONFIG_ERRORS, "from_error_key"),
        (CONFIG_ERRORS, "unknown"),
        (CONFIG_ERRORS, "from_subscript"),
        (CONFIG_ERRORS, "from_literal"),
        (CONFIG_ERRORS, "from_keyword"),
        (SUBENTRY_ERRORS, "from_subentry"),
        (EXCEPTIONS, "from_raise"),
        (EXCEPTIONS, "from_helper"),
        (ISSUES, "from_issue"),
    }
    strings = {"config": {"error": {"unknown": "Unexpected error"}}}
    missing = {use.key for use in _missing(_scan(source, "config_flow.py"), strings)}
    assert "from_raise" in missing
    assert "unknown" not in missing


def test_every_translation_key_used_by_the_code_exists() -> None:
    """Each key the code raises, shows in a form or files as an issue is in strings.json."""
    uses = _integration_uses()
    sections = {use.section for use in uses}
    # If a refactoring hid the keys from the scanner, this test would pass for nothing.
    assert {EXCEPTIONS, CONFIG_ERRORS, SUBENTRY_ERRORS} <= sections, sections
    missing = [
        f"{use.where}: {'.'.join(use.section)}.{use.key}"
        for use in _missing(uses, _strings())
    ]
    assert not missing, f"translation keys missing from strings.json: {missing}"


# Abort reasons that Home Assistant's flow helpers produce on this integration's behalf, by the
# helper the flow calls. Each is looked up in the integration's own files: missing in fr.json,
# a French user reads it in English.
HELPER_ABORTS = {
    "_abort_if_unique_id_configured": {"already_configured"},
    "async_update_reload_and_abort": {"reauth_successful", "reconfigure_successful"},
    "async_update_and_abort": {"reconfigure_successful"},
}
FLOW_SECTIONS = {
    "Http2SmsConfigFlow": ("config",),
    "Http2SmsOptionsFlow": ("options",),
    "ContactSubentryFlow": ("config_subentries", SUBENTRY_TYPE_RECIPIENT),
}


def _flow_keys() -> set[tuple[str, ...]]:
    """Every step, menu and abort reason a flow of config_flow.py can show, as key paths."""
    tree = ast.parse((INTEGRATION / "config_flow.py").read_text(encoding="utf-8"))
    keys: set[tuple[str, ...]] = set()
    for flow in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        section = FLOW_SECTIONS[flow.name]
        for call in (n for n in ast.walk(flow) if isinstance(n, ast.Call)):
            name = getattr(call.func, "attr", None)
            for reason in HELPER_ABORTS.get(str(name), set()):
                keys.add((*section, "abort", reason))
            for keyword in call.keywords:
                if not isinstance(keyword.value, ast.Constant):
                    continue
                if keyword.arg == "step_id":
                    keys.add((*section, "step", keyword.value.value))
                if keyword.arg == "reason":
                    keys.add((*section, "abort", keyword.value.value))
    return keys


def test_every_flow_text_home_assistant_may_show_is_in_french() -> None:
    """Steps and abort reasons of the account, options and contact flows exist in both files."""
    keys = _flow_keys()
    # The scan sees the flows: the steps and aborts known to exist.
    assert {
        ("config", "step", "test_sms_sent"),
        ("config", "abort", "already_configured"),
        (
            "config_subentries",
            SUBENTRY_TYPE_RECIPIENT,
            "abort",
            "reconfigure_successful",
        ),
    } <= keys
    for files in (_strings(), _fr()):
        missing = []
        for key in sorted(keys):
            node: Any = files
            for part in key:
                node = node.get(part) if isinstance(node, dict) else None
            if not node:
                missing.append(".".join(key))
        assert not missing, missing
    assert _fr()["config"]["abort"]["already_configured"].startswith("Cet utilisateur")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_key_used_by_the_code_is_translated(language: str) -> None:
    """Each key the code uses is in every language file, not only in strings.json."""
    missing = [
        f"{use.where}: {'.'.join(use.section)}.{use.key}"
        for use in _missing(_integration_uses(), _language(language))
    ]
    assert not missing, f"translation keys missing from {language}.json: {missing}"


# --- What people read later: repair issues and the logbook ------------------------------------

# Home Assistant puts a placeholder's value in the text as it is: a value rendered in advance
# would stay in the language of the server (or of the error) whatever the reader's language.
# So a repair issue or a logbook line takes only figures, names, times, entity ids, masked
# numbers and short tokens.
TOKEN_PLACEHOLDERS = frozenset(
    {
        "account",
        "accepted",
        "budget",
        "caller",
        "contact",
        "credits",
        "delay",
        "digits",
        "encoding",
        "entity_id",
        "max_parts",
        "number",
        "parts",
        "recipients",
        "spent",
        "threshold",
        "total",
        "when",
    }
)
LOGBOOK_PREFIX = "logbook_"


def _read_later_texts(tree: dict[str, Any]) -> dict[str, str]:
    """The texts of repair issues and of logbook lines, by dotted path."""
    texts = {f"issues.{path}": text for path, text in _leaves(tree.get("issues", {}))}
    texts |= {
        f"common.{key}": text
        for key, text in tree.get("common", {}).items()
        if key.startswith(LOGBOOK_PREFIX)
    }
    return texts


@pytest.mark.parametrize("name", TEXT_FILES)
def test_issues_and_logbook_lines_take_no_rendered_sentence(name: str) -> None:
    """Every placeholder of a repair issue or a logbook line is a figure, a name or a token."""
    texts = _read_later_texts(_load(INTEGRATION / name))
    assert any(path.startswith("common.logbook_") for path in texts), sorted(texts)
    assert any(path.startswith("issues.send_failed_") for path in texts), sorted(texts)
    sentences = {
        path: sorted(_placeholders(text) - TOKEN_PLACEHOLDERS)
        for path, text in texts.items()
        if _placeholders(text) - TOKEN_PLACEHOLDERS
    }
    assert not sentences, (
        f"{name}: placeholders that could carry a sentence: {sentences}"
    )


# Errors raised before any send exists (setting an entry up, choosing among accounts): no
# logbook line or failure issue can name them.
NOT_FROM_A_SEND = {"invalid_endpoint", "choose_account"}


def test_every_error_of_a_send_has_a_kind() -> None:
    """A new error must say which logbook line and failure issue it reads as."""
    errors = set(_strings()["exceptions"]) - NOT_FROM_A_SEND
    assert not errors - set(KIND_OF_ERROR), sorted(errors - set(KIND_OF_ERROR))
    assert not set(KIND_OF_ERROR) - errors, sorted(set(KIND_OF_ERROR) - errors)


@pytest.mark.parametrize("kind", list(FailureKind))
def test_every_kind_of_failure_has_its_issue_and_logbook_line(
    kind: FailureKind,
) -> None:
    """Each kind has its own repair issue and its own logbook line (translations mirror these)."""
    strings = _strings_resolved()
    issue = strings["issues"][f"{SEND_FAILED_ISSUE}_{kind}"]
    assert {"caller", "when", "account"} <= _placeholders(issue["description"])
    assert f"{LOGBOOK_PREFIX}failed_{kind}" in strings["common"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_failure_issue_reads_well_whatever_the_automation_s_name(
    language: str,
) -> None:
    """The automation's name stands apart (« Alerte fuite »): no "de Alerte fuite"."""
    caller = "Alerte fuite"
    sample = {
        "caller": caller,
        "when": "2026-12-07 08:30:00",
        "entity_id": "automation.alerte_fuite",
        "account": "sms-ab1234-1",
        "number": "+33 6 • •• •• 78",
        "contact": "Alice",
        "budget": "20",
        "parts": "3",
        "max_parts": "2",
        "accepted": "1",
        "total": "3",
    }
    issues = _language(language)["issues"]
    for kind in FailureKind:
        for text in issues[f"{SEND_FAILED_ISSUE}_{kind}"].values():
            rendered = text.format(**sample)
            assert caller in rendered
            if language == "fr":
                assert f"«\u00a0{caller}\u00a0»" in rendered, rendered
                assert f"de {caller}" not in rendered
