"""The state file: the outbox and the SMS ids survive a restart; a damaged file never stops it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from http2sms_simulator import SimulatorState, process
from http2sms_simulator.__main__ import build_parser, state_from_args
from http2sms_simulator.config import state_from_json
from http2sms_simulator.delivery import DeliveryOutcome

from .conftest import valid_params


def _send(state: SimulatorState, **params: str | None) -> list[int]:
    reply = process(state, valid_params(**params), method="POST", remote="127.0.0.1")
    assert reply.sent, reply
    return reply.sms_ids


def test_restart_keeps_outbox_and_ids(tmp_path: Path) -> None:
    """A second simulator on the same file shows the same outbox and hands out new ids."""
    path = tmp_path / "simulator.json"
    first = SimulatorState(state_file=path)
    ids = _send(first, to="0033612345678,0033698765432", tag="alarm")
    ids += _send(first, message="Deferred", deferred="125025112019")

    second = SimulatorState(state_file=path)
    assert [sms.to_json() for sms in second.outbox] == [
        sms.to_json() for sms in first.outbox
    ]
    assert _send(second) == [max(ids) + 1]
    assert [sms.sms_id for sms in SimulatorState(state_file=path).outbox] == [
        *ids,
        max(ids) + 1,
    ]


def test_reset_with_a_state_file_never_reuses_ids(tmp_path: Path) -> None:
    """Emptying the outbox forgets the SMS, not the ids already given."""
    state = SimulatorState(state_file=tmp_path / "simulator.json")
    [first] = _send(state)
    state.reset()
    assert state.outbox == []
    assert _send(state) == [first + 1]
    assert [
        sms.sms_id for sms in SimulatorState(state_file=state.state_file).outbox
    ] == [first + 1]


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"next_sms_id": "many", "outbox": []}',
        b'{"next_sms_id": 5, "outbox": [{"id": 1}]}',
        b'{"next_sms_id": 5, "outbox": {}}',
        b"",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_damaged_state_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: bytes
) -> None:
    """A damaged file starts an empty outbox with a warning, and no id given before comes back."""
    path = tmp_path / "simulator.json"
    state = SimulatorState(state_file=path)
    given = _send(state) + _send(state)
    path.write_bytes(damage)
    with caplog.at_level(logging.WARNING):
        restarted = SimulatorState(state_file=path)
    assert "damaged" in caplog.text
    assert restarted.outbox == []
    [new_id] = _send(restarted)
    assert new_id > max(given)
    assert (tmp_path / "simulator.json.damaged").read_bytes() == damage
    assert [sms.sms_id for sms in SimulatorState(state_file=path).outbox] == [new_id]


def test_unwritable_state_file_never_stops_sending(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A state file that cannot be read or written is reported; SMS are still accepted."""
    path = tmp_path / "taken"
    path.mkdir()
    with caplog.at_level(logging.WARNING):
        state = SimulatorState(state_file=path)
        ids = _send(state) + _send(state)
    assert "cannot be read" in caplog.text
    assert "Could not save" in caplog.text
    assert ids[1] == ids[0] + 1
    assert ids[0] > 10867690
    assert len(state.outbox) == 2


def test_missing_state_file_starts_at_the_first_id(tmp_path: Path) -> None:
    """A new file starts where OVH's documented example does."""
    state = SimulatorState(state_file=tmp_path / "new" / "simulator.json")
    assert _send(state) == [10867690]


def test_command_line_options(tmp_path: Path) -> None:
    """Callback URLs, outcomes and the state file from the command line."""
    args = build_parser().parse_args(
        [
            "--callback-url",
            "http://127.0.0.1:8123/api/webhook/abc",
            "--status-callback-url",
            "http://127.0.0.1:8123/status",
            "--reply-url",
            "http://127.0.0.1:8123/reply",
            "--fail-number",
            "+33600000001",
            "--expire-number",
            "0033600000002",
            "--pending-number",
            "0033600000003",
            "--duplicate-reports",
            "--out-of-order-reports",
            "--report-delay",
            "0.25",
            "--expiry",
            "3",
            "--state-file",
            str(tmp_path / "state.json"),
        ]
    )
    state = state_from_args(args)
    [account] = state.accounts.values()
    [user] = account.users.values()
    assert user.callback_url == "http://127.0.0.1:8123/api/webhook/abc"
    assert account.status_callback_url == "http://127.0.0.1:8123/status"
    assert account.reply_url == "http://127.0.0.1:8123/reply"
    assert state.delivery.outcomes == {
        "0033600000001": DeliveryOutcome.FAILED,
        "0033600000002": DeliveryOutcome.EXPIRED,
        "0033600000003": DeliveryOutcome.PENDING,
    }
    assert state.delivery.duplicates
    assert state.delivery.out_of_order
    assert (state.delivery.delay, state.delivery.expiry) == (0.25, 3)
    assert state.state_file == tmp_path / "state.json"


def test_command_line_refuses_a_bad_url() -> None:
    """A callback URL the simulator could not call stops it at once."""
    args = build_parser().parse_args(["--callback-url", "ftp://x"])
    with pytest.raises(ValueError, match="http"):
        state_from_args(args)


def test_config_file_options(tmp_path: Path) -> None:
    """The same settings from a config file."""
    state = state_from_json(
        {
            "accounts": [
                {
                    "name": "sms-xy9876-2",
                    "users": {
                        "alarm": {
                            "password": "Al4rmabc",
                            "callback_url": "https://example.org/dlr",
                        }
                    },
                    "status_callback_url": "https://example.org/status",
                    "reply_url": "https://example.org/reply",
                }
            ],
            "delivery": {
                "outcomes": {"+33600000001": "failed"},
                "duplicates": True,
                "delay": 0,
            },
            "state_file": str(tmp_path / "state.json"),
        }
    )
    account = state.accounts["sms-xy9876-2"]
    assert account.users["alarm"].callback_url == "https://example.org/dlr"
    assert account.status_callback_url == "https://example.org/status"
    assert account.reply_url == "https://example.org/reply"
    assert state.delivery.outcomes == {"0033600000001": DeliveryOutcome.FAILED}
    assert state.delivery.duplicates
    assert not state.delivery.out_of_order
    assert state.delivery.delay == 0
    assert state.state_file == tmp_path / "state.json"
    json.dumps(state.delivery.to_json())


@pytest.mark.parametrize(
    "config",
    [
        {"delivery": {"outcomes": {"+33600000001": "lost"}}},
        {"delivery": {"delay": -1}},
        {"delivery": []},
        {"accounts": [{"name": "sms-xy9876-2", "reply_url": 5}]},
        {"accounts": [{"name": "sms-xy9876-2", "reply_url": "file:///etc/passwd"}]},
        {
            "accounts": [
                {
                    "name": "sms-xy9876-2",
                    "users": {"a": {"password": "x", "callback_url": "nope"}},
                }
            ]
        },
        {"state_file": 3},
    ],
)
def test_bad_config_options(config: dict[str, object]) -> None:
    """Settings that cannot apply are refused when the config is read."""
    with pytest.raises((TypeError, ValueError)):
        state_from_json(config)
