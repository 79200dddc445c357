"""Who made a send: the automation or script running it, or nobody a trace would name.

A person who calls the action sees its error there and then; an automation's error lands in
a trace nobody reads, so the send path names the caller to raise a repair issue instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.trace import trace_id_get, variables_cv

_CALLER_DOMAINS = ("automation", "script")


@dataclass(frozen=True, slots=True)
class Caller:
    """The automation or script a send was made by."""

    entity_id: str | None
    name: str


def current_caller(hass: HomeAssistant) -> Caller | None:
    """Name the automation or script running this send, or None for a person or voice.

    Every automation and script run sets Home Assistant's trace id (`automation.<id>` or
    `script.<key>`, its unique id) in a context variable that the actions it calls inherit;
    nothing else sets it. An automation without an id has no unique id: its own state, which
    the run's variables hold as `this`, names it instead.
    """
    if (trace_id := trace_id_get()) is None:
        return None
    domain, _, item_id = trace_id[0].partition(".")
    if domain not in _CALLER_DOMAINS:
        return None
    entity_id = er.async_get(hass).async_get_entity_id(domain, domain, item_id)
    if entity_id is None:
        this = (variables_cv.get() or {}).get("this")
        if isinstance(this, dict) and isinstance(this.get("entity_id"), str):
            entity_id = this["entity_id"]
    if entity_id is not None and (state := hass.states.get(entity_id)) is not None:
        return Caller(entity_id, state.name)
    return Caller(entity_id, entity_id or domain)
