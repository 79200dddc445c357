"""One scan of everything a person or a model reads, for anything personal or secret.

Places: spoken answers, LLM tool results, repair issues (title and description, rendered in
every language), logbook entries, event data, diagnostics, log records at INFO and above, and
the messages of errors raised to a caller. What must never be there: a phone number used in the
test beyond its last two digits, the text of a message the test sent, the login, the password,
a webhook id or any other secret the test names (in any letter case, URL- or form-encoded).

An error is read as its caller reads it (its text, arguments and translation placeholders); the
chain of causes behind it holds the details for debug logs, and reaches an INFO record only if
something logs it with its traceback, which the log scan then reads.

One exception, narrow on purpose: the event of an SMS received carries its sender's number and
its text, for automations that act on a reply ("OK", "STOP") and on who sent it; only those two
fields of that one event are not scanned (its logbook line is, as every other field).

`PrivacyWatch` (tests/integration/conftest.py turns it on for every integration test) records
each place as the test runs; `find_leaks` is the scan itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
import contextlib
from dataclasses import dataclass, field
from functools import cache
import json
import logging
from pathlib import Path
import re
from types import SimpleNamespace
from typing import Any
import unicodedata
from urllib.parse import quote, quote_plus

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir, translation
from homeassistant.helpers.json import json_dumps

import custom_components.ovh_http2sms as integration
from custom_components.ovh_http2sms.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.ovh_http2sms.logbook import async_describe_events

DOMAIN = "ovh_http2sms"
LANGUAGES = ("en", "fr", "es", "it", "pl")
SPOKEN = "spoken answer"
LLM = "LLM tool result"
ISSUE = "repair issue"
LOGBOOK = "logbook entry"
EVENT = "event data"
DIAGNOSTICS = "diagnostics"
LOG = "log record"
ERROR = "error message"
PLACES = (SPOKEN, LLM, ISSUE, LOGBOOK, EVENT, DIAGNOSTICS, LOG, ERROR)

# Six digits or more of any script on one line, with at most a few signs and no letter between
# them (spaces, dots, dashes of any kind, slashes, commas, parentheses), maybe after + or (;
# not inside a word (an id like ACCOUNT00000000 is not a number).
_DIGIT_RUN = re.compile(r"(?<![^\W_])[(+]{0,2}\d(?:[^\w\r\n]{0,3}\d){5,}(?![^\W_])")
_SHOWN_DIGITS = 6
# A piece of a message this long (with this many letters or digits) can only be that message.
_MESSAGE_WINDOW = 12
_MESSAGE_MIN_WORD_CHARS = 6
_WORD_CHAR = re.compile(r"\w")
_TWO_WORDS = re.compile(r"\w\s+\w")
_SQL_ECHO = "sqlalchemy."
# The test client's server logs each request at INFO; Home Assistant sets this logger to WARNING.
_ACCESS_LOG = "aiohttp.access"
# Home Assistant's webhook component names an id that is no longer registered (a dead URL, after
# a new one was made or the entry was removed) at INFO: its line, not ours, and the id is dead.
_DEAD_WEBHOOK_LOG = "homeassistant.components.webhook"
_DEAD_WEBHOOK_MESSAGE = "Received message for unregistered webhook"
# The characters before an example number of the translations that make it that example.
_EXAMPLE_CONTEXT = 12


@dataclass(frozen=True)
class Leak:
    """Something personal or secret found in a place."""

    place: str
    what: str
    text: str

    def __str__(self) -> str:
        """The place, what was found, and where in the text."""
        return f"{self.place}: {self.what} in {self.text[:300]!r}"


@dataclass
class Private:
    """What a test used that nobody may read: numbers, message texts, secrets."""

    numbers: set[str] = field(default_factory=set)
    messages: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)

    def add_number(self, text: object) -> None:
        """Remember a phone number as typed or stored, even one that cannot exist.

        A number typed wrong is still someone's: any six digits or more are kept.
        """
        if isinstance(text, str) and len(digits := ascii_digits(text)) >= _SHOWN_DIGITS:
            self.numbers.add(digits)

    def add_message(self, text: object) -> None:
        """Remember a message's text, if it is long enough to be told from ordinary words."""
        if isinstance(text, str) and _is_telling(text):
            self.messages.add(text)

    def number_grams(self) -> set[str]:
        """Every run of six digits of every number: showing one shows the number.

        Runs of one or two digits (000000, 100000) say nothing of whose number it is, and
        are any figure's (a credit of 1000000): Hypothesis draws such numbers often.
        """
        return {
            gram
            for digits in self.numbers
            for start in range(len(digits) - _SHOWN_DIGITS + 1)
            if len(set(gram := digits[start : start + _SHOWN_DIGITS])) > 2
        }

    def message_pieces(self) -> set[str]:
        """The message, or every telling piece of it, case folded."""
        pieces: set[str] = set()
        for message in self.messages:
            folded = message.casefold()
            # A script written without spaces says as much in fewer characters.
            window = (
                _MESSAGE_WINDOW
                if _TWO_WORDS.search(folded)
                else _MESSAGE_MIN_WORD_CHARS
            )
            if len(folded) <= window:
                pieces.add(folded)
                continue
            pieces.update(
                piece
                for start in range(len(folded) - window + 1)
                if _is_telling(piece := folded[start : start + window])
            )
        return pieces


def _is_telling(text: str) -> bool:
    """Tell whether a text is someone's: word characters enough, and two words or a script.

    One ASCII word ("phone_number", which Hypothesis draws from the code's own constants)
    could be any field's name; one word of another script (我家的门开着, written without
    spaces) is a sentence.
    """
    if len(_WORD_CHAR.findall(text)) < _MESSAGE_MIN_WORD_CHARS:
        return False
    return bool(_TWO_WORDS.search(text)) or not text.isascii()


def ascii_digits(text: str) -> str:
    """The digits of a text, of any script, written 0-9."""
    return "".join(
        str(digit)
        for char in text
        if (digit := unicodedata.digit(char, None)) is not None
    )


def _translation_strings() -> Iterator[str]:
    """Every text of the integration's strings.json and translations, in every language."""
    root = Path(integration.__file__).parent
    pending: list[Any] = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in [root / "strings.json", *sorted(root.glob("translations/*.json"))]
    ]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += value.values()
        elif isinstance(value, str):
            yield value


@cache
def _template_words() -> re.Pattern[str]:
    """The fixed words of every translated text, between its placeholders.

    A message that happens to be those words ("Sent to Alice." texted to Alice, as Hypothesis
    may draw it from the tests' own constants) is not a leak when an answer says them.
    """
    fragments = {
        fragment.casefold()
        for text in _translation_strings()
        for fragment in re.split(r"\{[^}]*\}", text)
        if len(fragment.strip()) >= 4
    }
    return re.compile(
        "|".join(map(re.escape, sorted(fragments, key=len, reverse=True)))
    )


@cache
def translation_examples() -> tuple[str, ...]:
    """Example numbers written in the integration's texts, each with the words before it.

    "like +33 6 12 34 56 78" is the translations' own example, not a leak, even though the
    tests' Alice has that number; the same digits anywhere else are.
    """
    examples = {
        text[max(0, run.start() - _EXAMPLE_CONTEXT) : run.end()]
        for text in _translation_strings()
        for run in _DIGIT_RUN.finditer(text)
    }
    return tuple(sorted(examples, key=len, reverse=True))


def find_leaks(places: Iterable[tuple[str, str]], private: Private) -> list[Leak]:
    """Every number beyond its last two digits, message text or secret in the places' texts."""
    grams = private.number_grams()
    pieces = private.message_pieces()
    secrets = {
        form.casefold()
        for secret in private.secrets
        if secret
        for form in (secret, quote(secret, safe=""), quote_plus(secret))
    }
    found: list[Leak] = []
    for place, shown in places:
        text = shown
        for example in translation_examples():
            text = text.replace(example, "")
        folded = text.casefold()
        for run in _DIGIT_RUN.finditer(text):
            digits = ascii_digits(run[0])
            if any(
                digits[start : start + _SHOWN_DIGITS] in grams
                for start in range(len(digits) - _SHOWN_DIGITS + 1)
            ):
                found.append(Leak(place, f"phone number {run[0]!r}", text))
        unworded = _template_words().sub("\0", folded) if pieces else folded
        found += [
            Leak(place, f"message text {piece!r}", text)
            for piece in sorted(pieces)
            if piece in unworded
        ][:1]
        found += [
            Leak(place, "a secret", text) for secret in secrets if secret in folded
        ]
    return found


# The fields an event carries on purpose for automations, by event: not scanned.
_MEANT_FOR_AUTOMATIONS: Mapping[str, frozenset[str]] = {
    f"{DOMAIN}_sms_received": frozenset({"sender", "message"}),
}


# --- How each place is read ------------------------------------------------------------------


def error_texts(err: BaseException) -> list[str]:
    """An error as its caller reads it: its text, its arguments, its placeholders."""
    texts = [str(err), repr(err.args)]
    if isinstance(err, HomeAssistantError) and err.translation_placeholders:
        texts.append(json_dumps(err.translation_placeholders))
    return texts


def record_texts(records: Iterable[logging.LogRecord]) -> list[str]:
    """Records at INFO and above, as a log file shows them.

    Not the SQL the test harness's recorder echoes at INFO (every event row, the action calls
    a test makes included): a trace that no Home Assistant writes unless asked, as debug is.
    Nor the test server's access lines (each webhook URL): Home Assistant keeps only warnings of
    that logger.
    """
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts: list[str] = []
    for record in records:
        if record.levelno < logging.INFO or record.name.startswith(_SQL_ECHO):
            continue
        if record.name == _ACCESS_LOG and record.levelno < logging.WARNING:
            continue
        if record.name == _DEAD_WEBHOOK_LOG and record.getMessage().startswith(
            _DEAD_WEBHOOK_MESSAGE
        ):
            continue
        # With its traceback, causes included, as the log file shows it.
        texts.append(formatter.format(record))
    return texts


def as_json(value: Any) -> str:
    """The texts of a result, an event or diagnostics: every key and every string in it.

    Figures (a credit of 999999, a count) are not phone numbers; a number is a string.
    """
    texts: list[str] = []
    pending: list[Any] = [json.loads(json_dumps(value))]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            texts += map(str, item)
            pending += item.values()
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str):
            texts.append(item)
    return "\n".join(texts)


async def async_issue_texts(
    hass: HomeAssistant, issues: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Each issue's title and description as Home Assistant shows them, in every language."""
    texts: list[str] = []
    for language in LANGUAGES:
        strings = await translation.async_get_translations(
            hass, language, "issues", [DOMAIN]
        )
        for issue in issues:
            placeholders = issue.get("translation_placeholders") or {}
            texts.append(json_dumps(placeholders))
            for part in ("title", "description"):
                key = f"component.{DOMAIN}.issues.{issue['translation_key']}.{part}"
                if (template := strings.get(key)) is not None:
                    texts.append(render(template, placeholders))
    return texts


def render(template: str, placeholders: Mapping[str, Any]) -> str:
    """Fill `{name}` placeholders as the frontend does; an unknown one is left as written."""
    return re.sub(
        r"\{(\w+)\}",
        lambda match: str(placeholders.get(match[1], match[0])),
        template,
    )


def event_texts(event_type: str, data: Mapping[str, Any]) -> str:
    """An event's data as automations and the event log read it, but for what it carries on purpose."""
    meant = _MEANT_FOR_AUTOMATIONS.get(event_type, frozenset())
    return as_json({key: value for key, value in data.items() if key not in meant})


def logbook_texts(
    hass: HomeAssistant, event_type: str, data: Mapping[str, Any]
) -> list[str]:
    """The logbook entry this integration describes for an event (its name and message)."""
    describers: dict[str, Callable[[Any], dict[str, Any]]] = {}

    def describe(domain: str, kind: str, describer: Callable[[Any], Any]) -> None:
        describers[kind] = describer

    async_describe_events(hass, describe)
    if (describer := describers.get(event_type)) is None:
        return []
    # The describers read only the event's data.
    return [as_json(describer(SimpleNamespace(data=data)))]


# --- Watching a test --------------------------------------------------------------------------


class _InfoRecords(logging.Handler):
    """Keeps every record at INFO and above, whatever the test sets its loggers to."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class PrivacyWatch:
    """What a person or a model could read during one test, place by place."""

    private: Private = field(default_factory=Private)
    texts: list[tuple[str, str]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    _records: _InfoRecords = field(default_factory=_InfoRecords)

    def add(self, place: str, texts: Iterable[str]) -> None:
        """Record texts read in `place`."""
        self.texts += [(place, text) for text in texts]

    @property
    def records(self) -> list[logging.LogRecord]:
        """The records at INFO and above kept so far."""
        return self._records.records

    def forget(self) -> None:
        """Drop everything recorded so far (after a leak planted on purpose was found)."""
        self.texts.clear()
        self.issues.clear()
        self._records.records.clear()

    def add_error(self, err: BaseException) -> None:
        """Record an error raised to a caller."""
        self.add(ERROR, error_texts(err))

    def note_call(self, data: Mapping[str, Any] | None) -> None:
        """Remember the numbers and the text of a send, from its call's data."""
        if not isinstance(data, Mapping):
            return
        for key in ("message", "title"):
            self.private.add_message(data.get(key))
        recipients = data.get("recipients")
        for number in [recipients] if isinstance(recipients, str) else recipients or []:
            self.private.add_number(number)

    @contextlib.contextmanager
    def logging(self) -> Iterator[None]:
        """Keep every record at INFO and above while the block runs."""
        root = logging.getLogger()
        root.addHandler(self._records)
        try:
            yield
        finally:
            root.removeHandler(self._records)

    @callback
    def async_listen(self, hass: HomeAssistant) -> Callable[[], None]:
        """Record this integration's events, their logbook entries and its repair issues."""

        @callback
        def on_event(event: Event[Any]) -> None:
            if event.event_type.startswith(f"{DOMAIN}_"):
                self.add(EVENT, [event_texts(event.event_type, event.data)])
                self.add(LOGBOOK, logbook_texts(hass, event.event_type, event.data))
            elif event.event_type == ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED:
                if event.data.get("domain") != DOMAIN:
                    return
                issue = ir.async_get(hass).async_get_issue(
                    DOMAIN, event.data["issue_id"]
                )
                if issue is not None and issue.translation_key:
                    self.issues.append(
                        {
                            "translation_key": issue.translation_key,
                            "translation_placeholders": dict(
                                issue.translation_placeholders or {}
                            ),
                        }
                    )

        return hass.bus.async_listen("*", on_event)

    async def async_read_entries(self, hass: HomeAssistant) -> None:
        """Record the diagnostics of every loaded entry, its contacts' numbers, its webhooks."""
        self.private.secrets.update(
            webhook_id
            for webhook_id, handler in hass.data.get("webhook", {}).items()
            if getattr(handler, "domain", None) == DOMAIN
        )
        for entry in hass.config_entries.async_entries(DOMAIN):
            for key in ("webhook_id", "cloudhook_url"):
                if isinstance(secret := entry.data.get(key), str):
                    self.private.secrets.add(secret)
            for subentry in entry.subentries.values():
                self.private.add_number(subentry.data.get("phone_number"))
                self.private.add_number(subentry.unique_id)
            # Read again just before each unload (the state says so by then).
            if entry.state in (
                ConfigEntryState.LOADED,
                ConfigEntryState.UNLOAD_IN_PROGRESS,
            ):
                diagnostics = await async_get_config_entry_diagnostics(hass, entry)
                self.add(DIAGNOSTICS, [as_json(diagnostics)])

    async def async_leaks(self, hass: HomeAssistant | None) -> list[Leak]:
        """Scan everything recorded (issues rendered in every language, records at INFO+)."""
        texts = list(self.texts)
        if hass is not None and self.issues:
            texts += [
                (ISSUE, text) for text in await async_issue_texts(hass, self.issues)
            ]
        texts += [(LOG, text) for text in record_texts(self._records.records)]
        return find_leaks(texts, self.private)
