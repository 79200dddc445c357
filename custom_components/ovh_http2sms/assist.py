"""Texting a contact by voice or from an LLM: names, exposure, sentences and spoken answers.

An SMS costs money and reaches a person, so only contacts exposed to Assist can be texted this
way; Home Assistant does not expose notify entities by default. The intent (intent.py) and the
LLM tool (llm.py) both find contacts here; the sentences are registered with Home Assistant's
own conversation agent as one sentence trigger, so nobody has to copy a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any, Final
import unicodedata

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    intent,
    translation,
)
from homeassistant.setup import async_when_setup
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .errors import mask_numbers

if TYPE_CHECKING:
    from hassil.recognize import RecognizeResult
    from homeassistant.components.conversation import ConversationInput

INTENT_SEND_SMS: Final = "OvhHttp2SmsSend"
SLOT_CONTACT: Final = "contact"
SLOT_MESSAGE: Final = "message"
# The assistant Home Assistant's own agent and the Assist LLM API expose entities to.
ASSISTANT: Final = "conversation"
# The spoken answers: this integration's shared texts, each key starting with "assist_".
TRANSLATION_CATEGORY: Final = "common"
SPEECH_PREFIX: Final = "assist_"

# One trigger, so a sentence that several templates match sends one SMS. Every list reference
# in a trigger sentence is a wildcard: {sms} is the contact and the message together, split
# here with the contacts' names (two adjacent wildcards cannot be split by the matcher).
# These say "SMS" or "text" outright, so an unknown name gets an answer ("no such contact").
SMS_SENTENCES: Final = {
    "en": [
        "(send|text) [a|an] (SMS|text|text message) to {sms}",
        "send {contact} (a|an) (SMS|text|text message) [saying] {message}",
    ],
    "fr": [
        "(envoie|envoyez|envoyer|envoi|écris|écrivez) [un] (SMS|texto) (à|a|au) {sms}",
        (
            "(envoie|envoyez|envoyer|écris|écrivez) (à|a|au) {contact} [un] (SMS|texto)"
            " [disant] {message}"
        ),
    ],
}
# Shorter ways, which could be about something else ("text me when..."): only with a
# contact's name, listed in the sentence, so anything else goes on to other intents.
# "SMS Alice ..." is said in either language: its answer keeps the request's language (None).
NAMED_SENTENCES: Final[dict[str | None, list[str]]] = {
    None: ["(SMS|message) ({names}) [{message}]"],
    "en": [
        "text [to] ({names}) [{message}]",
        "(SMS|message) to ({names}) [{message}]",
        "(send|text) [a|an] message to ({names}) [{message}]",
    ],
    "fr": [
        "(texte|texto|SMS|message) (à|a|au) ({names}) [{message}]",
        (
            "(envoie|envoyez|envoyer|envoi|écris|écrivez) [un] message (à|a|au) ({names})"
            " [{message}]"
        ),
    ],
}
_NAMED_VERB: Final = re.compile(
    r"^\s*(?:(?:send|text)\s+(?:an?\s+)?message\s+to"
    r"|(?:envoie|envoyez|envoyer|envoi|écris|écrivez)\s+(?:un\s+)?message"
    r"|text|sms|message|texte|texto)\b",
    re.IGNORECASE,
)
_TEMPLATE_UNSAFE: Final = re.compile(r"[^\w\s'’-]")

# Words between a contact's name and the message, longest first.
_SEPARATORS: Final = re.compile(
    r"^(?:saying that|saying|that says|to say that|to say|with the message"
    r"|pour lui dire que|pour lui dire qu['’]|pour lui dire|pour dire que|pour dire qu['’]"
    r"|disant que|disant qu['’]|disant|qui dit que|qui dit qu['’]|qui dit"
    r"|avec le message|le message)(?:(?<=['’])|(?=[\s:,]|$))",
    re.IGNORECASE,
)
_LEADING_PUNCTUATION: Final = re.compile(r"^[\s:,;\-–—]+")
_LEADING_TO: Final = re.compile(r"^(?:to|à|a|au)\s+", re.IGNORECASE)
_WORD: Final = re.compile(r"\w+")
SPOKEN_NAME_LENGTH: Final = 40
# Errors whose placeholders quote the message: spoken with a sentence of their own.
_SPOKEN_APART: Final = frozenset({"not_gsm7"})


def normalize(text: str) -> tuple[str, ...]:
    """Return the words of a name, without case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(_WORD.findall(bare))


def spoken(text: str) -> str:
    """Return what was heard, safe to say back: printable, short, a number masked.

    A phone number said where a name was expected keeps only its last two digits.
    """
    printable = "".join(
        char if not unicodedata.category(char).startswith(("C", "Z")) else " "
        for char in text
    )
    words = mask_numbers(" ".join(printable.split()))
    if len(words) > SPOKEN_NAME_LENGTH:
        return f"{words[: SPOKEN_NAME_LENGTH - 1]}…"
    return words


def carriable(message: str) -> bool:
    """Tell whether a message has only characters a phone can show (no control characters)."""
    return not any(
        (category := unicodedata.category(char)) == "Cs"
        or (category == "Cc" and char not in "\n\r")
        for char in message
    )


@dataclass(frozen=True, slots=True)
class NamedContact:
    """A contact as Assist knows it: its notify entity, display name and every alias."""

    entity_id: str
    name: str
    names: tuple[str, ...]
    exposed: bool


@callback
def async_named_contacts(hass: HomeAssistant, assistant: str) -> list[NamedContact]:
    """Return every contact of every loaded account, with its names and whether it is exposed."""
    registry = er.async_get(hass)
    contacts: list[NamedContact] = []
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        for registry_entry in er.async_entries_for_config_entry(
            registry, entry.entry_id
        ):
            if (
                registry_entry.domain != "notify"
                or registry_entry.config_subentry_id is None
                or (state := hass.states.get(registry_entry.entity_id)) is None
            ):
                continue
            # The name and aliases Assist itself knows the entity by (the user may drop the
            # name from the aliases).
            names = tuple(
                dict.fromkeys(
                    name
                    for name in er.async_get_entity_aliases(
                        hass, registry_entry, allow_empty=False
                    )
                    if name
                )
            )
            contacts.append(
                NamedContact(
                    entity_id=registry_entry.entity_id,
                    name=state.name,
                    names=names or (state.name,),
                    exposed=async_should_expose(
                        hass, assistant, registry_entry.entity_id
                    ),
                )
            )
    return sorted(contacts, key=lambda contact: (contact.name, contact.entity_id))


def find_contacts(contacts: Iterable[NamedContact], name: str) -> list[NamedContact]:
    """Return the contacts a spoken name means: by full name or alias, else by first words."""
    contacts = list(contacts)
    wanted = normalize(name)
    if not wanted:
        return []
    exact = [
        contact
        for contact in contacts
        if contact.entity_id == name.strip()
        or any(normalize(known) == wanted for known in contact.names)
    ]
    if exact:
        return exact
    return [
        contact
        for contact in contacts
        if any(normalize(known)[: len(wanted)] == wanted for known in contact.names)
    ]


def split_request(contacts: Iterable[NamedContact], heard: str) -> tuple[str, str]:
    """Split "Alice: the door is open" into the contact's name and the message.

    The longest known name (or first words of one) at the start wins; otherwise the name is
    what comes before a colon or comma, or the first word.
    """
    heard = _LEADING_PUNCTUATION.sub("", heard)
    name_words = {
        words[:count]
        for contact in contacts
        for known in contact.names
        if (words := normalize(known))
        for count in range(1, len(words) + 1)
    }
    for text in (heard, _LEADING_TO.sub("", heard)):
        matches = list(_WORD.finditer(text))
        for count in range(len(matches), 0, -1):
            end = matches[count - 1].end()
            if normalize(text[:end]) in name_words:
                return text[:end].strip(), _message_after(text[end:])
    if separator := re.search(r"[:,]", heard):
        return heard[: separator.start()].strip(), _message_after(
            heard[separator.start() :]
        )
    first, _, rest = heard.strip().partition(" ")
    return first, _message_after(rest)


def _message_after(rest: str) -> str:
    """Return the message once the separator after the name is gone."""
    rest = _LEADING_PUNCTUATION.sub("", rest)
    rest = _SEPARATORS.sub("", rest)
    return _LEADING_PUNCTUATION.sub("", rest).strip()


def original_tail(text: str, heard: str) -> str:
    """Return the end of `text` that the matcher heard as `heard`, with its punctuation.

    The sentence matcher drops punctuation from what it captures; an SMS should keep it.
    """
    wanted = [char.casefold() for char in heard if not char.isspace()]
    index = len(wanted) - 1
    for position in range(len(text) - 1, -1, -1):
        if index < 0:
            return text[position + 1 :].strip()
        char = text[position]
        if char.casefold() == wanted[index]:
            index -= 1
        elif char.isalnum():
            return heard
    return text.strip() if index < 0 else heard


async def async_speech(
    hass: HomeAssistant, language: str, key: str, **placeholders: str
) -> str:
    """Return a sentence of this integration in the language of the request."""
    return await _async_text(
        hass,
        language,
        TRANSLATION_CATEGORY,
        f"component.{DOMAIN}.{TRANSLATION_CATEGORY}.{SPEECH_PREFIX}{key}",
        placeholders,
    )


async def async_error_speech(
    hass: HomeAssistant, language: str, err: HomeAssistantError, name: str
) -> str:
    """Return a send error in the language of the request (the error carries the server's).

    An error whose placeholders quote the message (`not_gsm7`) has a sentence of its own to
    be spoken, without them.
    """
    if err.translation_domain == DOMAIN and err.translation_key in _SPOKEN_APART:
        return await async_speech(
            hass, language, f"error_{err.translation_key}", name=name
        )
    if err.translation_domain == DOMAIN and err.translation_key:
        placeholders = {
            key: spoken(str(value))
            for key, value in (err.translation_placeholders or {}).items()
        }
        text = await _async_text(
            hass,
            language,
            "exceptions",
            f"component.{DOMAIN}.exceptions.{err.translation_key}.message",
            placeholders,
        )
        if text:
            return text
    return await async_speech(hass, language, "failed", name=name)


async def _async_text(
    hass: HomeAssistant,
    language: str,
    category: str,
    key: str,
    placeholders: Mapping[str, str],
) -> str:
    """Look a text up in the request's language, else its base language, else English.

    Home Assistant answers English for a language this integration does not ship (fr-CA):
    the base language is looked for first.
    """
    shipped = await _async_shipped_languages(hass)
    candidate = next(
        (
            candidate
            for candidate in (language, language.partition("-")[0])
            if candidate in shipped
        ),
        "en",
    )
    texts = await translation.async_get_translations(
        hass, candidate, category, [DOMAIN]
    )
    if text := texts.get(key):
        return text.format(**placeholders)
    return ""


_SHIPPED_LANGUAGES: HassKey[frozenset[str]] = HassKey(f"{DOMAIN}_languages")


async def _async_shipped_languages(hass: HomeAssistant) -> frozenset[str]:
    """Return the languages of this integration's translation files (read once)."""
    if (shipped := hass.data.get(_SHIPPED_LANGUAGES)) is None:
        folder = Path(__file__).parent / "translations"
        shipped = frozenset(
            path.stem
            for path in await hass.async_add_executor_job(
                lambda: list(folder.glob("*.json"))
            )
        )
        hass.data[_SHIPPED_LANGUAGES] = shipped
    return shipped


@callback
def async_setup_assist(hass: HomeAssistant) -> None:
    """Teach Home Assistant's own conversation agent the sentences, once it is set up."""
    async_when_setup(hass, "conversation", _async_register_sentences)


@callback
def async_contact_name_templates(hass: HomeAssistant) -> list[str]:
    """Return every way to say a contact's name, as alternatives safe in a sentence template.

    Names and aliases, their first words ("Paul" for "Paul Martin"), with and without accents.
    """
    alternatives: dict[str, str] = {}
    registry = er.async_get(hass)
    for registry_entry in (
        registry_entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        for registry_entry in er.async_entries_for_config_entry(
            registry, entry.entry_id
        )
    ):
        if registry_entry.domain != "notify" or registry_entry.disabled:
            continue
        for name in er.async_get_entity_aliases(
            hass, registry_entry, allow_empty=False
        ):
            for words in (
                _TEMPLATE_UNSAFE.sub(" ", name).split(),
                list(normalize(name)),
            ):
                for count in range(1, len(words) + 1):
                    variant = " ".join(words[:count])
                    alternatives.setdefault(variant.casefold(), variant)
    return sorted(alternatives.values())


@callback
def async_sentences(hass: HomeAssistant) -> dict[str, str | None]:
    """Return the trigger's sentences for the contacts there are now, with their language."""
    sentences: dict[str, str | None] = {
        sentence: language
        for language, templates in SMS_SENTENCES.items()
        for sentence in templates
    }
    if not (names := async_contact_name_templates(hass)):
        return sentences
    listed = "|".join(names)
    return sentences | {
        sentence.replace("{names}", listed): language
        for language, templates in NAMED_SENTENCES.items()
        for sentence in templates
    }


def answer_language(requested: str, sentence: str | None) -> str:
    """Answer in the language of the sentence that matched, whatever the pipeline's.

    The pipeline's own language is kept when it is a variant of the sentence's (fr-CA for a
    French sentence).
    """
    if sentence is None or requested.partition("-")[0] == sentence:
        return requested
    return sentence


async def _async_register_sentences(hass: HomeAssistant, component: str) -> None:
    """Register the sentences as one conversation trigger, as the conversation trigger does.

    Registered again whenever a contact's name or aliases change, since they are listed in it.
    """
    # Imported here: conversation (and its sentence matcher) is optional for this integration.
    from homeassistant.components.conversation.agent_manager import get_agent_manager  # noqa: PLC0415

    async def async_heard(
        user_input: ConversationInput, result: RecognizeResult
    ) -> str | None:
        """Send what was heard through the intent, and say its answer."""
        language = answer_language(
            user_input.language or hass.config.language,
            registered.get(result.intent_sentence.text or "")
            if result.intent_sentence is not None
            else None,
        )
        name, message = _heard_request(hass, user_input.text, result)
        try:
            response = await intent.async_handle(
                hass,
                ASSISTANT,
                INTENT_SEND_SMS,
                {SLOT_CONTACT: {"value": name}, SLOT_MESSAGE: {"value": message}},
                user_input.text,
                user_input.context,
                language,
                assistant=ASSISTANT,
                device_id=user_input.device_id,
                satellite_id=user_input.satellite_id,
                conversation_agent_id=user_input.agent_id,
            )
        except intent.IntentError:
            return await async_speech(hass, language, "failed", name=spoken(name))
        speech: str = response.speech.get("plain", {}).get("speech", "")
        return speech

    manager = get_agent_manager(hass)
    registered: dict[str, str | None] = {}
    unregister: Callable[[], None] | None = None

    @callback
    def async_update_sentences(_: Event[Any] | None = None) -> None:
        nonlocal registered, unregister
        if (sentences := async_sentences(hass)) == registered:
            return
        if unregister is not None:
            unregister()
        registered = sentences
        unregister = manager.register_trigger(list(sentences), async_heard)

    async_update_sentences()
    # Only what can change a contact's name: a notify entity, a device's name.
    hass.bus.async_listen(
        er.EVENT_ENTITY_REGISTRY_UPDATED,
        async_update_sentences,
        event_filter=_is_notify_entity_change,
    )
    hass.bus.async_listen(
        dr.EVENT_DEVICE_REGISTRY_UPDATED,
        async_update_sentences,
        event_filter=_is_device_rename,
    )


@callback
def _is_notify_entity_change(event_data: er.EventEntityRegistryUpdatedData) -> bool:
    return event_data["entity_id"].startswith("notify.")


@callback
def _is_device_rename(event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
    return event_data["action"] == "update" and bool(
        {"name", "name_by_user"} & event_data["changes"].keys()
    )


def _heard_request(
    hass: HomeAssistant, text: str, result: RecognizeResult
) -> tuple[str, str]:
    """Return the contact's name and the message, punctuation kept, from what was heard."""
    entities = result.entities
    if SLOT_CONTACT in entities:
        heard_message = str(entities[SLOT_MESSAGE].value)
        return str(entities[SLOT_CONTACT].value).strip(), _message_after(
            original_tail(text, heard_message)
        )
    contacts = async_named_contacts(hass, ASSISTANT)
    if "sms" in entities:
        return split_request(contacts, original_tail(text, str(entities["sms"].value)))
    return split_request(contacts, _NAMED_VERB.sub("", text, count=1))
