"""An owner of Home Assistant: onboarding, login, and the REST and WebSocket calls of the UI."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
import json
import time
from typing import Any

import aiohttp
import requests

from .processes import HassTestbedError


class FlowError(HassTestbedError):
    """A config flow did not end the way the caller asked."""

    def __init__(self, message: str, result: Mapping[str, Any]) -> None:
        """Keep the last flow result for the assertion message."""
        super().__init__(f"{message}: {json.dumps(result, indent=1, default=str)}")
        self.result = result


@dataclass(frozen=True)
class Person:
    """The owner created at onboarding."""

    name: str
    username: str
    password: str
    language: str = "en"


# What the onboarding core-config page sends: Paris, metric, euro.
DEFAULT_CORE_CONFIG: dict[str, Any] = {
    "location_name": "Home",
    "latitude": 48.8566,
    "longitude": 2.3522,
    "elevation": 35,
    "unit_system": "metric",
    "time_zone": "Europe/Paris",
    "currency": "EUR",
    "country": "FR",
    "language": "en",
}


def client_id(base_url: str) -> str:
    """Return the OAuth client id the frontend uses: the URL it is served from."""
    return f"{base_url}/"


def redirect_uri(base_url: str) -> str:
    """Return the redirect URI the frontend uses."""
    return f"{base_url}/?auth_callback=1"


def onboarding_status(base_url: str) -> dict[str, bool]:
    """{step: done} from the public onboarding endpoint; {} once onboarded (it is gone then)."""
    response = requests.get(f"{base_url}/api/onboarding", timeout=10)
    if response.status_code == 404:
        return {}
    response.raise_for_status()
    return {step["step"]: step["done"] for step in response.json()}


def _exchange_code(base_url: str, code: str) -> dict[str, Any]:
    response = requests.post(
        f"{base_url}/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id(base_url),
        },
        timeout=10,
    )
    _raise_for(response)
    return dict(response.json())


def onboard(
    base_url: str, owner: Person, core_config: Mapping[str, Any] = DEFAULT_CORE_CONFIG
) -> Client:
    """Do every onboarding step the way the onboarding pages do, and return the owner's client.

    1. `POST /api/onboarding/users` creates the owner (and its person) and returns an auth code;
    2. `POST /auth/token` turns it into tokens;
    3. `config/core/update` (WebSocket) stores location, units, time zone, currency, country,
       then `POST /api/onboarding/core_config` (unless the step is already done);
    4. `POST /api/onboarding/analytics` (nothing is shared: analytics stay off);
    5. `POST /api/onboarding/integration` ends onboarding.
    """
    response = requests.post(
        f"{base_url}/api/onboarding/users",
        json={
            "client_id": client_id(base_url),
            "name": owner.name,
            "username": owner.username,
            "password": owner.password,
            "language": owner.language,
        },
        timeout=30,
    )
    _raise_for(response)
    tokens = _exchange_code(base_url, response.json()["auth_code"])
    client = Client(base_url, tokens["access_token"], tokens.get("refresh_token"))
    client.ws({"type": "config/core/update", **core_config})
    # Already done when the testbed left out what this step sets up (HomeAssistant.offline).
    if not onboarding_status(base_url).get("core_config"):
        client.post("/api/onboarding/core_config", {})
    client.post("/api/onboarding/analytics", {})
    client.post(
        "/api/onboarding/integration",
        {"client_id": client_id(base_url), "redirect_uri": redirect_uri(base_url)},
    )
    status = onboarding_status(base_url)
    if status and not all(status.values()):
        raise HassTestbedError(f"onboarding not finished: {status}")
    return client


def login(base_url: str, username: str, password: str) -> Client:
    """Log in through the login flow of the login page, and return a client."""
    response = requests.post(
        f"{base_url}/auth/login_flow",
        json={
            "client_id": client_id(base_url),
            "handler": ["homeassistant", None],
            "redirect_uri": redirect_uri(base_url),
        },
        timeout=10,
    )
    _raise_for(response)
    flow_id = response.json()["flow_id"]
    response = requests.post(
        f"{base_url}/auth/login_flow/{flow_id}",
        json={
            "client_id": client_id(base_url),
            "username": username,
            "password": password,
        },
        timeout=30,
    )
    _raise_for(response)
    result = response.json()
    if result.get("type") != "create_entry":
        raise HassTestbedError(f"login refused: {result}")
    tokens = _exchange_code(base_url, result["result"])
    return Client(base_url, tokens["access_token"], tokens.get("refresh_token"))


def _raise_for(response: requests.Response) -> None:
    if response.status_code >= 400:
        raise HassTestbedError(
            f"{response.request.method} {response.url} -> {response.status_code}: {response.text}"
        )


def fill_form(
    schema: list[dict[str, Any]], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Put `values` where the form wants them, sections (`expandable`) included.

    A value the form has no field for is an error: the contract changed and the caller should know.
    """
    remaining = dict(values)

    def fill(fields: list[dict[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in fields:
            name = item["name"]
            if item.get("type") == "expandable":
                # The frontend always sends a section, empty when nothing in it was filled.
                data[name] = fill(item.get("schema", []))
            elif name in remaining:
                data[name] = remaining.pop(name)
        return data

    data = fill(schema)
    if remaining:
        names = [item["name"] for item in schema]
        raise HassTestbedError(
            f"the form has no field for {sorted(remaining)} (fields: {names})"
        )
    return data


# The frontend's first WebSocket commands include `get_services`, which imports every base entity
# platform (homeassistant/helpers/service.py, _base_components): ai_task, assist_satellite, camera...
# Without the packages below (requirements of those platforms, not of `homeassistant` itself) the
# command fails and the UI stays on "Loading...". pymicro-vad and pyspeex-noise build from source
# on Python 3.14 (they need g++); PyTurboJPEG wants the system's libturbojpeg. Their versions are
# those the Home Assistant release pins: requirements.txt, requirements_newest.txt.
UI_PACKAGES = (
    "hassil",
    "home-assistant-intents",
    "gazetteer-matcher",
    "PyTurboJPEG",
    "mutagen",
    "ha-ffmpeg",
    "pymicro-vad",
    "pyspeex-noise",
)


class Client:
    """An authenticated user of one Home Assistant, over REST and WebSocket."""

    def __init__(
        self, base_url: str, access_token: str, refresh_token: str | None = None
    ) -> None:
        """Keep the tokens; a 401 refreshes the access token once."""
        self.base_url = base_url
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.session = requests.Session()

    # -- REST -------------------------------------------------------------------------------

    def _refresh(self) -> bool:
        if not self.refresh_token:
            return False
        response = requests.post(
            f"{self.base_url}/auth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.refresh_token,
                "client_id": client_id(self.base_url),
            },
            timeout=10,
        )
        if response.status_code != 200:
            return False
        self.access_token = response.json()["access_token"]
        return True

    def request(
        self, method: str, path: str, payload: Any = None, *, timeout: float = 60
    ) -> Any:
        """Call the REST API, return the decoded JSON (or text), raise on HTTP errors."""
        for attempt in (1, 2):
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                json=payload,
                headers={"Authorization": f"Bearer {self.access_token}"},
                timeout=timeout,
            )
            if response.status_code == 401 and attempt == 1 and self._refresh():
                continue
            break
        _raise_for(response)
        if "json" in response.headers.get("Content-Type", ""):
            return response.json()
        return response.text

    def get(self, path: str) -> Any:
        """GET a REST path."""
        return self.request("GET", path)

    def post(self, path: str, payload: Any = None) -> Any:
        """POST a REST path."""
        return self.request("POST", path, payload)

    def wait_running(self, timeout: float = 180) -> None:
        """Wait until the core has finished starting (`/api/config` state RUNNING)."""
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            try:
                state = self.get("/api/config").get("state")
            except (HassTestbedError, requests.RequestException) as err:
                state = str(err)
            if state == "RUNNING":
                return
            time.sleep(0.25)
        raise HassTestbedError(
            f"Home Assistant did not reach RUNNING in {timeout:.0f}s (last: {state})"
        )

    # -- WebSocket --------------------------------------------------------------------------

    def ws(self, *messages: Mapping[str, Any], timeout: float = 60) -> Any:
        """Send WebSocket commands on a fresh connection; return the result (a list if many).

        A private event loop is created and closed here, so no task or thread outlives the call.
        """
        loop = asyncio.new_event_loop()
        try:
            results = loop.run_until_complete(
                asyncio.wait_for(self._ws(list(messages)), timeout)
            )
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
        return results[0] if len(results) == 1 else results

    async def _ws(self, messages: list[Mapping[str, Any]]) -> list[Any]:
        url = f"{self.base_url.replace('http', 'ws', 1)}/api/websocket"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as conn:
            hello = await conn.receive_json()
            if hello.get("type") != "auth_required":
                raise HassTestbedError(f"unexpected WebSocket greeting {hello}")
            await conn.send_json({"type": "auth", "access_token": self.access_token})
            auth = await conn.receive_json()
            if auth.get("type") != "auth_ok":
                raise HassTestbedError(f"WebSocket authentication failed: {auth}")
            results = []
            for number, message in enumerate(messages, start=1):
                await conn.send_json({**message, "id": number})
                while True:
                    reply = await conn.receive_json()
                    if reply.get("id") == number and reply.get("type") == "result":
                        break
                if not reply.get("success"):
                    raise HassTestbedError(
                        f"WebSocket {message.get('type')} failed: {reply.get('error')}"
                    )
                results.append(reply.get("result"))
            return results

    def frontend_problem(self) -> str | None:
        """Say why the UI cannot load (see UI_PACKAGES), or None when it can."""
        try:
            self.ws({"type": "get_services"})
        except HassTestbedError as err:
            return (
                f"{err}: the Home Assistant UI will stay on 'Loading...'. The environment "
                f"lacks packages of Home Assistant's base platforms: {', '.join(UI_PACKAGES)} "
                "(at the versions of requirements.txt or requirements_newest.txt)."
            )
        return None

    # -- Flows ------------------------------------------------------------------------------

    def _run_flow(
        self,
        init_path: str,
        step_path: str,
        init_payload: Mapping[str, Any],
        steps: Mapping[str, Mapping[str, Any]],
        default_step_values: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.post(init_path, dict(init_payload))
        seen: list[str] = []
        while result.get("type") in ("form", "menu"):
            step_id = result["step_id"]
            if result.get("errors"):
                raise FlowError(f"step {step_id!r} answered with errors", result)
            if result["type"] == "menu":
                choice = steps.get(step_id, {}).get("next_step_id")
                if choice not in result["menu_options"]:
                    raise FlowError(
                        f"menu {step_id!r} has no option {choice!r} given by the caller",
                        result,
                    )
                seen.append(step_id)
                result = self.post(
                    f"{step_path}/{result['flow_id']}", {"next_step_id": choice}
                )
                continue
            if step_id in steps:
                values = steps[step_id]
            elif default_step_values is not None and not seen:
                values = default_step_values
            else:
                raise FlowError(f"no values for step {step_id!r}", result)
            if seen.count(step_id) > 2:
                raise FlowError(f"step {step_id!r} keeps coming back", result)
            seen.append(step_id)
            result = self.post(
                f"{step_path}/{result['flow_id']}",
                fill_form(result.get("data_schema") or [], values),
            )
        return result

    def config_flow(
        self,
        domain: str,
        values: Mapping[str, Any],
        *,
        steps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Add an integration like the "Add integration" dialog: returns the final flow result.

        `values` fill the first form; `steps` gives values for later steps by step id, and each
        menu's choice as `{"next_step_id": ...}`: a menu with no choice given is an error.
        """
        return self._run_flow(
            "/api/config/config_entries/flow",
            "/api/config/config_entries/flow",
            {"handler": domain},
            steps or {},
            values,
        )

    def reconfigure_flow(
        self, domain: str, entry_id: str, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Reconfigure an entry like its "Reconfigure" menu item does."""
        return self._run_flow(
            "/api/config/config_entries/flow",
            "/api/config/config_entries/flow",
            {"handler": domain, "entry_id": entry_id},
            {},
            values,
        )

    def options_flow(
        self,
        entry_id: str,
        values: Mapping[str, Any],
        *,
        steps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Change an entry's options like its ⚙ ("Configure") button does.

        `values` fill the first form; what they leave out keeps the form's default. `steps`
        gives values for later steps by step id, and each menu's choice as
        `{"next_step_id": ...}`.
        """
        return self._run_flow(
            "/api/config/config_entries/options/flow",
            "/api/config/config_entries/options/flow",
            {"handler": entry_id},
            steps or {},
            values,
        )

    def subentry_flow(
        self,
        entry_id: str,
        subentry_type: str,
        values: Mapping[str, Any],
        *,
        steps: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Add a subentry (e.g. a contact) like the "Add ..." button of the integration page."""
        return self._run_flow(
            "/api/config/config_entries/subentries/flow",
            "/api/config/config_entries/subentries/flow",
            {"handler": [entry_id, subentry_type]},
            steps or {},
            values,
        )

    def config_entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Config entries (of one domain)."""
        path = "/api/config/config_entries/entry"
        if domain:
            path += f"?domain={domain}"
        return list(self.get(path))

    def subentries(self, entry_id: str) -> list[dict[str, Any]]:
        """Subentries of a config entry."""
        return list(
            self.ws({"type": "config_entries/subentries/list", "entry_id": entry_id})
        )

    # -- Entities, states, actions ----------------------------------------------------------

    def entity_registry(self, platform: str | None = None) -> list[dict[str, Any]]:
        """Entity registry entries (of one integration)."""
        entries = self.ws({"type": "config/entity_registry/list"})
        return [e for e in entries if platform is None or e["platform"] == platform]

    def wait_for_entity_ids(
        self,
        platform: str,
        domain: str,
        *,
        config_entry_id: str | None = None,
        config_subentry_id: str | None = None,
        timeout: float = 30,
    ) -> list[str]:
        """Like `entity_ids`, polling until there is one: entities come after their entry."""
        deadline = time.monotonic() + timeout
        while not (
            found := self.entity_ids(
                platform,
                domain,
                config_entry_id=config_entry_id,
                config_subentry_id=config_subentry_id,
            )
        ):
            if time.monotonic() > deadline:
                raise HassTestbedError(
                    f"no {domain} entity of {platform} for entry {config_entry_id} "
                    f"subentry {config_subentry_id} after {timeout:.0f}s"
                )
            time.sleep(0.2)
        return found

    def entity_ids(
        self,
        platform: str,
        domain: str,
        *,
        config_entry_id: str | None = None,
        config_subentry_id: str | None = None,
    ) -> list[str]:
        """Entity ids an integration registered in one entity domain (sensor, notify...)."""
        return sorted(
            entry["entity_id"]
            for entry in self.entity_registry(platform)
            if entry["entity_id"].startswith(f"{domain}.")
            and (
                config_entry_id is None
                or entry.get("config_entry_id") == config_entry_id
            )
            and (
                config_subentry_id is None
                or entry.get("config_subentry_id") == config_subentry_id
            )
        )

    def state(self, entity_id: str) -> dict[str, Any]:
        """Return the current state object of an entity."""
        return dict(self.get(f"/api/states/{entity_id}"))

    def states(self) -> list[dict[str, Any]]:
        """Every state."""
        return list(self.get("/api/states"))

    def call(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> Any:
        """Perform an action; with `return_response`, return its response."""
        path = f"/api/services/{domain}/{service}"
        if return_response:
            path += "?return_response"
        result = self.post(path, dict(data or {}))
        return result["service_response"] if return_response else result

    def wait_for_state(
        self, entity_id: str, predicate: Any, timeout: float = 30
    ) -> dict[str, Any]:
        """Poll until `predicate(state_object)` is true; return that state object."""
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | str = "never read"
        while time.monotonic() < deadline:
            try:
                last = self.state(entity_id)
            except HassTestbedError as err:
                last = str(err)
            else:
                if predicate(last):
                    return last
            time.sleep(0.2)
        raise HassTestbedError(f"{entity_id} never matched; last: {last}")

    # -- Automations and dashboards -------------------------------------------------------

    def save_automation(self, automation_id: str, config: Mapping[str, Any]) -> Any:
        """Create or replace an automation like the automation editor does."""
        return self.post(f"/api/config/automation/config/{automation_id}", dict(config))

    def save_dashboard(
        self, config: Mapping[str, Any], url_path: str | None = None
    ) -> Any:
        """Save a dashboard's configuration like the dashboard editor does."""
        message: dict[str, Any] = {
            "type": "lovelace/config/save",
            "config": dict(config),
        }
        if url_path:
            message["url_path"] = url_path
        return self.ws(message)

    def dashboard(self, url_path: str | None = None) -> Any:
        """Read a dashboard's configuration."""
        message: dict[str, Any] = {"type": "lovelace/config", "force": True}
        if url_path:
            message["url_path"] = url_path
        return self.ws(message)
