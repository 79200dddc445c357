"""Why a send failed, as people read it later: in the logbook and in the failure repair issue.

Both are read after the fact, by people in their own language. So a failure is named by its
kind, each kind with its own translation key; the placeholders carry only figures, names and
masked numbers, never a sentence (Home Assistant inserts a placeholder as it is, so a sentence
there would stay in the language it was written in).
"""

from __future__ import annotations

from enum import StrEnum

from homeassistant.exceptions import HomeAssistantError

from .errors import Outcome
from .validation import masked_number


class FailureKind(StrEnum):
    """What went wrong, in the words a household needs to act on it."""

    AUTHENTICATION = "authentication"
    BUDGET = "budget"
    PART_LIMIT = "part_limit"
    NUMBER = "number"
    NO_RECIPIENT = "no_recipient"
    CONTACT = "contact"
    SENDER = "sender"
    INPUT = "input"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    NO_ANSWER = "no_answer"
    PARTIAL = "partial"
    STOPPED = "stopped"
    UNEXPECTED = "unexpected"


# Every error a send can raise (its translation key), by kind. A key missing here reads as
# unexpected: the translation tests check that every key of a send is listed.
KIND_OF_ERROR: dict[str, FailureKind] = {
    "authentication_failed": FailureKind.AUTHENTICATION,
    "daily_budget_reached": FailureKind.BUDGET,
    "too_many_parts_gsm7": FailureKind.PART_LIMIT,
    "too_many_parts_unicode": FailureKind.PART_LIMIT,
    "no_recipients": FailureKind.NO_RECIPIENT,
    "invalid_phone_number": FailureKind.NUMBER,
    "national_number_without_country": FailureKind.NUMBER,
    "phone_number_not_in_use": FailureKind.NUMBER,
    "premium_rate_number": FailureKind.NUMBER,
    "shared_cost_number": FailureKind.NUMBER,
    "toll_free_number": FailureKind.NUMBER,
    "voicemail_number": FailureKind.NUMBER,
    "uan_number": FailureKind.NUMBER,
    "contact_number_to_fix": FailureKind.CONTACT,
    "unknown_contact": FailureKind.CONTACT,
    "invalid_sender": FailureKind.SENDER,
    "sender_not_found": FailureKind.SENDER,
    "empty_message": FailureKind.INPUT,
    "not_gsm7": FailureKind.INPUT,
    "message_invalid_character": FailureKind.INPUT,
    "title_invalid_character": FailureKind.INPUT,
    "tag_too_long": FailureKind.INPUT,
    "tag_invalid_character": FailureKind.INPUT,
    "deferred_in_past": FailureKind.INPUT,
    "deferred_out_of_range": FailureKind.INPUT,
    "deferred_nonexistent": FailureKind.INPUT,
    "deferred_ambiguous": FailureKind.INPUT,
    "deferred_ambiguous_in_paris": FailureKind.INPUT,
    "service_refused": FailureKind.REFUSED,
    "invalid_parameter": FailureKind.REFUSED,
    "rate_limited": FailureKind.REFUSED,
    "http_error": FailureKind.REFUSED,
    "cannot_connect": FailureKind.UNREACHABLE,
    "timeout": FailureKind.NO_ANSWER,
    "connection_broken": FailureKind.NO_ANSWER,
    "invalid_response": FailureKind.NO_ANSWER,
    "http_error_unknown_outcome": FailureKind.NO_ANSWER,
    "partially_sent": FailureKind.PARTIAL,
    "stopping": FailureKind.STOPPED,
    "entry_gone": FailureKind.STOPPED,
    "unknown_error": FailureKind.UNEXPECTED,
}

# The placeholders of an error each kind's texts show: figures and names only.
_SHOWN_PLACEHOLDERS: dict[FailureKind, tuple[str, ...]] = {
    FailureKind.BUDGET: ("budget",),
    FailureKind.PART_LIMIT: ("parts", "max_parts"),
    FailureKind.CONTACT: ("contact",),
    FailureKind.PARTIAL: ("accepted", "total"),
}
SEND_FAILED_ISSUE = "send_failed"
# Digits of the longest number there is (E.164: 15), with a 00 prefix.
_LONGEST_NUMBER = 17


def failure_kind(key: str | None, outcome: Outcome = Outcome.NOT_SENT) -> FailureKind:
    """Name the kind of a failed send from its error's key and what it may have done."""
    kind = KIND_OF_ERROR.get(key or "", FailureKind.UNEXPECTED)
    if outcome is Outcome.UNKNOWN and kind is not FailureKind.PARTIAL:
        return FailureKind.NO_ANSWER
    return kind


def failure_issue(err: HomeAssistantError) -> tuple[str, dict[str, str]]:
    """Return the failure repair issue's translation key and placeholders for `err`.

    The caller adds who asked for the SMS and when; nothing here is a sentence, and a phone
    number shows only masked.
    """
    kind = failure_kind(err.translation_key)
    given = err.translation_placeholders or {}
    placeholders = {
        name: str(given.get(name, "?")) for name in _SHOWN_PLACEHOLDERS.get(kind, ())
    }
    if kind is FailureKind.NUMBER:
        placeholders["number"] = masked_typed_number(str(given.get("number", "")))
    return f"{SEND_FAILED_ISSUE}_{kind}", placeholders


def masked_typed_number(typed: str) -> str:
    """Show a number as typed, maybe invalid, so that only its last two digits can be read.

    A number in international form is masked as every stored number is (country, first digit,
    last two); any other shows its last two digits only.
    """
    digits = "".join(char for char in typed if char.isascii() and char.isdigit())
    if typed.lstrip().startswith(("+", "00")) and 6 < len(digits) <= _LONGEST_NUMBER:
        return masked_number("00" + digits.removeprefix("00"))
    return f"•• {digits[-2:]}" if len(digits) >= 2 else "••"
