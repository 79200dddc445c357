"""What OVHcloud calls back with: delivery reports (GET query) and replies (form POST)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import re
import unicodedata

from hypothesis import given, strategies as st
from multidict import MultiDict
import pytest

from custom_components.ovh_http2sms import http2sms
from custom_components.ovh_http2sms.http2sms.callbacks import (
    FINAL_STATUSES,
    MAX_CALLBACK_BYTES,
    MAX_REPLY_LENGTH,
    DeliveryReport,
    DeliveryStatus,
    IncomingSms,
    normalise_sender,
    parse_delivery_report,
    parse_reply,
)

STATUS_CODES = {
    "0": DeliveryStatus.PENDING,
    "1": DeliveryStatus.DELIVERED,
    "2": DeliveryStatus.FAILED,
    "4": DeliveryStatus.WAITING,
    "8": DeliveryStatus.BUFFERED,
    "16": DeliveryStatus.NOT_BILLED,
}
REPLY = {
    "id": "4021",
    "senderid": "+33612345678",
    "message": "OK",
    "keyword": "OK",
    "shortcode": "36111",
    "tag": "",
}


def test_package_exports() -> None:
    """The package names the reply parser apart from its http2sms body parser."""
    assert http2sms.parse_incoming_sms is parse_reply
    assert http2sms.parse_delivery_report is parse_delivery_report
    assert http2sms.DeliveryStatus is DeliveryStatus


def test_status_values_are_the_ledgers() -> None:
    """The record of what was sent stores these exact values."""
    assert [(status.name, str(status)) for status in DeliveryStatus] == [
        ("PENDING", "pending"),
        ("DELIVERED", "delivered"),
        ("FAILED", "failed"),
        ("WAITING", "waiting"),
        ("BUFFERED", "buffered"),
        ("NOT_BILLED", "not_billed"),
    ]
    assert frozenset(FINAL_STATUSES) == {
        DeliveryStatus.DELIVERED,
        DeliveryStatus.FAILED,
        DeliveryStatus.NOT_BILLED,
    }


@pytest.mark.parametrize("name", ["description", "dlr"])
@pytest.mark.parametrize(("code", "status"), list(STATUS_CODES.items()))
def test_every_status_by_both_names(
    name: str, code: str, status: DeliveryStatus
) -> None:
    """The SMS user's callback says description, the account's says dlr: same values."""
    report = parse_delivery_report(
        {
            "id": "10867690",
            "ptt": "4",
            "date": "2026-12-07 03:14:15",
            name: code,
            "descriptionDlr": "whatever",
        }
    )
    assert report == DeliveryReport(
        sms_id="10867690",
        status=status,
        ptt="4",
        reported_at="2026-12-07 03:14:15",
    )


def test_account_callback_with_only_id_and_dlr() -> None:
    """The account-level callback may carry nothing but id and dlr."""
    assert parse_delivery_report({"id": "10867690", "dlr": "2"}) == DeliveryReport(
        sms_id="10867690", status=DeliveryStatus.FAILED, ptt=None, reported_at=None
    )


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"id": "10867690"},
        {"description": "1"},
        {"id": "", "description": "1"},
        {"id": "abc", "description": "1"},
        {"id": "-5", "description": "1"},
        {"id": "0", "description": "1"},
        {"id": " 10867690", "description": "1"},
        {"id": "1086\u0667690", "description": "1"},
        {"id": "1" * 21, "description": "1"},
        {"id": "10867690", "description": "3"},
        {"id": "10867690", "description": "01"},
        {"id": "10867690", "description": "1.0"},
        {"id": "10867690", "description": "delivered"},
        {"id": "10867690", "description": ""},
        {"id": "10867690", "description": "\ud800"},
        {"id": "10867690", "description": "1", "dlr": "2"},
        {"id": "10867690", "description": "1", "ptt": "4" * 1000},
        {"id": "10867690", "description": "1", "date": "x" * 1000},
        {"id": "10867690", "description": "1", "descriptionDlr": "x" * 5000},
        {"id": "10867690", "description": "1", "padding": "x" * MAX_CALLBACK_BYTES},
    ],
)
def test_garbage_report(fields: dict[str, str]) -> None:
    """Missing or malformed id, unknown or contradicting status, oversized: no report."""
    assert parse_delivery_report(fields) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"id": 10867690, "description": "1"},
        {"id": "10867690", "description": 1},
        {"id": b"10867690", "description": "1"},
        {"id": "10867690", "description": ["1", None]},
        {b"id": "10867690", "description": "1"},
    ],
)
def test_values_that_are_not_text(fields: dict[object, object]) -> None:
    """A mapping of something else than text is garbage, not an exception."""
    assert parse_delivery_report(fields) is None  # type: ignore[arg-type]
    assert parse_reply({**REPLY, **fields}) is None  # type: ignore[dict-item]


def test_same_status_under_both_names() -> None:
    """description and dlr that agree are one report."""
    report = parse_delivery_report({"id": "7", "description": "1", "dlr": "1"})
    assert report is not None
    assert report.status is DeliveryStatus.DELIVERED


def test_unreadable_ptt_and_date_are_dropped_not_the_report() -> None:
    """A delivered SMS stays delivered even when its side fields are unreadable."""
    report = parse_delivery_report(
        {"id": "7", "description": "1", "ptt": "4\x00", "date": "\ud800\x1b[2J"}
    )
    assert report == DeliveryReport(
        sms_id="7", status=DeliveryStatus.DELIVERED, ptt=None, reported_at=None
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (MultiDict([("id", "7"), ("id", "7"), ("dlr", "1")]), DeliveryStatus.DELIVERED),
        (MultiDict([("id", "7"), ("id", "8"), ("dlr", "1")]), None),
        (MultiDict([("id", "7"), ("dlr", "1"), ("dlr", "2")]), None),
        ({"id": ["7", "7"], "description": ["16"]}, DeliveryStatus.NOT_BILLED),
        ({"id": ["7", "8"], "description": "1"}, None),
        ({"id": [], "description": "1"}, None),
        ({"id": "7", "description": ["1", "0"]}, None),
    ],
)
def test_duplicated_fields(
    fields: Mapping[str, str | Sequence[str]], expected: DeliveryStatus | None
) -> None:
    """Repeated names that agree count once; repeated names that disagree are garbage."""
    report = parse_delivery_report(fields)
    assert (report.status if report else None) == expected


@pytest.mark.parametrize(
    "sender",
    [
        "+33612345678",
        " 33612345678",
        "0033612345678",
        "33612345678",
        "0612345678",
        "06 12 34 56 78",
        "+33 6 12-34.56.78",
    ],
)
def test_reply_sender_in_every_form(sender: str) -> None:
    """However OVHcloud writes the sender, it is stored as contacts' numbers are."""
    incoming = parse_reply({**REPLY, "senderid": sender})
    assert incoming == IncomingSms(
        sms_id="4021",
        sender="0033612345678",
        message="OK",
        keyword="OK",
        short_code="36111",
        tag=None,
    )
    assert incoming.sender_international == "+33612345678"


def test_reply_of_a_foreign_number() -> None:
    """A virtual number may receive replies from abroad."""
    incoming = parse_reply({**REPLY, "senderid": "+447911123456"})
    assert incoming is not None
    assert incoming.sender == "00447911123456"
    assert incoming.sender_international == "+447911123456"


def test_reply_keeps_line_breaks_and_drops_other_controls() -> None:
    """What a person typed stays; what no phone types goes, and nothing raises."""
    incoming = parse_reply(
        {**REPLY, "message": "Oui\r\nà 18h\x00\x1b\ud83d 🏠", "tag": "alarm"}
    )
    assert incoming is not None
    assert incoming.message == "Oui\r\nà 18h\ufffd 🏠"
    assert incoming.tag == "alarm"


def test_reply_of_the_longest_length() -> None:
    """A reply of 1600 characters is taken, one more is garbage."""
    assert parse_reply({**REPLY, "message": "a" * MAX_REPLY_LENGTH}) is not None
    assert parse_reply({**REPLY, "message": "a" * (MAX_REPLY_LENGTH + 1)}) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"senderid": None},
        {"senderid": ""},
        {"senderid": "ALICE"},
        {"senderid": "+33"},
        {"senderid": "612345678"},
        {"senderid": "+0612345678"},
        {"senderid": "+3361234567890123"},
        {"senderid": "+33612345678\ud800"},
        {"message": None},
        {"id": None},
        {"id": "x"},
        {"keyword": "k" * 1000},
        {"shortcode": "3" * 1000},
        {"tag": "t" * 1000},
        {"senderid": ["+33612345678", "+33699999999"]},
        {"padding": "x" * MAX_CALLBACK_BYTES},
    ],
)
def test_garbage_reply(changes: dict[str, str | list[str] | None]) -> None:
    """A reply without a readable sender, a message or an id, or oversized, is none."""
    fields: dict[str, str | list[str]] = dict(REPLY)
    for name, value in changes.items():
        if value is None:
            del fields[name]
        else:
            fields[name] = value
    assert parse_reply(fields) is None


def test_reply_with_duplicated_fields_that_agree() -> None:
    """A CGI URL's query repeated in the body gives the same field twice."""
    fields = MultiDict([*REPLY.items(), ("id", "4021"), ("token", "a"), ("token", "b")])
    incoming = parse_reply(fields)
    assert incoming is not None
    assert incoming.sms_id == "4021"


PLAUSIBLE_ID = re.compile(r"[1-9][0-9]{0,18}")
field_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "1", "2", "4", "8", "16", "10867690", "+33612345678"]),
    st.text(max_size=3000),
)
field_values = st.one_of(field_text, st.lists(field_text, max_size=3))
field_names = st.one_of(
    st.sampled_from(
        [
            "id",
            "ptt",
            "date",
            "description",
            "dlr",
            "descriptionDlr",
            "senderid",
            "message",
            "keyword",
            "shortcode",
            "tag",
        ]
    ),
    st.text(max_size=20),
)
changes = st.dictionaries(field_names, field_values, max_size=6)
# Start from nothing, a report or a reply, and change some fields: results and garbage both.
queries = st.builds(
    lambda base, changed: {**base, **changed},
    st.sampled_from([{}, {"id": "10867690", "description": "1", "ptt": "4"}, REPLY]),
    changes,
)


def _one(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[0] if value and len(set(value)) == 1 else None
    return value


@given(queries)
def test_no_report_from_garbage(fields: dict[str, str | list[str]]) -> None:
    """Whatever arrives, parsing never raises, and a report needs an id and a known status."""
    report = parse_delivery_report(fields)
    if report is None:
        return
    sms_id = _one(fields.get("id"))
    assert sms_id is not None
    assert PLAUSIBLE_ID.fullmatch(sms_id)
    assert report.sms_id == sms_id
    codes = {
        code
        for name in ("description", "dlr")
        if (code := _one(fields.get(name))) is not None
    }
    assert codes == {next(k for k, v in STATUS_CODES.items() if v is report.status)}
    for text in (report.ptt, report.reported_at):
        assert text is None or text.isprintable()


@given(queries)
def test_no_reply_from_garbage(fields: dict[str, str | list[str]]) -> None:
    """Whatever arrives, parsing never raises, and a reply needs an id, a sender and a text."""
    incoming = parse_reply(fields)
    if incoming is None:
        return
    sms_id = _one(fields.get("id"))
    assert sms_id is not None
    assert PLAUSIBLE_ID.fullmatch(sms_id)
    assert re.fullmatch(r"00[1-9][0-9]{6,14}", incoming.sender)
    assert len(incoming.message) <= MAX_REPLY_LENGTH
    for text in (incoming.message, incoming.keyword, incoming.short_code, incoming.tag):
        if text is not None:
            text.encode("utf-8")  # raises on a lone surrogate
            assert all(
                char in "\r\n\t" or unicodedata.category(char) != "Cc" for char in text
            )


@given(st.dictionaries(st.text(), st.text(), max_size=5))
def test_arbitrary_text_never_raises(fields: dict[str, str]) -> None:
    """Arbitrary names and values, lone surrogates included, never raise."""
    parse_delivery_report(fields)
    parse_reply(fields)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("+33 (0)6 12 34 56 78", "0033612345678"),
        ("0033 (0) 6 12 34 56 78", "0033612345678"),
        ("+44 (0)7911 123456", "00447911123456"),
        ("+33(0)612345678", "0033612345678"),
    ],
)
def test_a_trunk_zero_in_brackets_after_the_country_code_is_dropped(
    written: str, stored: str
) -> None:
    """`+33 (0)6…` is how many write a French mobile abroad: the (0) is not dialled."""
    assert normalise_sender(written) == stored


def test_a_zero_in_brackets_elsewhere_is_not_dropped() -> None:
    """Only the trunk prefix right after the country code goes; a 0 inside the number stays."""
    assert normalise_sender("+33 6 12 (0)4 56 78") == "0033612045678"
