"""Tests for reading http2sms replies in every layout, from OVH's documented examples on."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from hypothesis import given, strategies as st
import pytest

from custom_components.ovh_http2sms.http2sms import (
    Http2SmsInvalidResponseError,
    Reply,
    parse_reply,
    read_credit,
)

# OVH's documented examples, byte for byte (the JSON link is misspelled in the original).
JSON_SUCCESS = '{"status":100,"creditLeft":"1007","SmsIds":["10867690"]}'
JSON_ERROR = '{"status":201,"message":"Missing message. For more informations : http//:guides.ovh.com/httpToSms"}'
XML_SUCCESS = '<?xml version="1.0" encoding="UTF-8" ?><response><status>100</status><creditLeft>1007</creditLeft><smsIds><smsId>10867690</smsId></smsIds></response>'
XML_ERROR = '<?xml version="1.0" encoding="UTF-8" ?><response><status>201</status><message>Missing message. For more informations : http://guides.ovh.com/httpToSms</message></response>'
TEXT_SUCCESS = "OK\n1007\n10867690"
TEXT_ERROR = (
    "KO\nMissing message. For more informations : http://guides.ovh.com/httpToSms"
)
# The head both of the guide's HTML pages share, byte for byte.
XHTML_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    "<HTML>\n"
    "<HEAD>\n"
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" >\n'
    "<title>HTTP2SMS</title>\n"
    "</HEAD>\n"
    "<BODY>\n"
)
XHTML_SUCCESS = XHTML_HEAD + "OK<br>\n1007<br>\n10867690<br>\n</BODY>\n</HTML>"
XHTML_ERROR = (
    XHTML_HEAD
    + "KO<br>Missing message. For more informations : http://guides.ovh.com/httpToSms<br>\n"
    "</BODY>\n"
    "</HTML>"
)
# A lower-case HTML5 page, as some gateways and proxies write it.
HTML5_SUCCESS = (
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>HTTP2SMS</title>\n'
    "</head>\n<body>\nOK<br/>\n230.50<br />\n10867690<br>\n10867691<br>\n</body>\n</html>\n"
)
HTML5_ERROR = (
    '<!doctype html><html lang="fr"><head><title>HTTP2SMS</title></head>'
    "<body><p>KO<br>Sms sender Bad &amp; Co does not exists<br></p></body></html>"
)

MISSING_MESSAGE = (
    "Missing message. For more informations : http://guides.ovh.com/httpToSms"
)
DOCUMENTED_SUCCESS = Reply(
    status=100, reason="", credits_left=Decimal(1007), sms_ids=("10867690",)
)


@pytest.mark.parametrize(
    "body",
    [JSON_SUCCESS, XML_SUCCESS, TEXT_SUCCESS, XHTML_SUCCESS],
    ids=["json", "xml", "text", "xhtml"],
)
def test_documented_success_in_every_layout(body: str) -> None:
    """The guide's success reads the same in every layout."""
    reply = parse_reply(body)

    assert reply == DOCUMENTED_SUCCESS
    assert reply.accepted
    assert isinstance(reply.credits_left, Decimal)


def test_documented_json_error() -> None:
    """The guide's JSON error gives its status and text."""
    reply = parse_reply(JSON_ERROR)

    assert reply == Reply(
        status=201,
        reason="Missing message. For more informations : http//:guides.ovh.com/httpToSms",
        credits_left=None,
        sms_ids=(),
    )
    assert not reply.accepted


def test_documented_xml_error() -> None:
    """The guide's XML error gives its status and text."""
    reply = parse_reply(XML_ERROR)

    assert reply == Reply(
        status=201, reason=MISSING_MESSAGE, credits_left=None, sms_ids=()
    )
    assert not reply.accepted


@pytest.mark.parametrize("body", [TEXT_ERROR, XHTML_ERROR], ids=["text", "xhtml"])
def test_documented_ko_has_a_reason_but_no_status(body: str) -> None:
    """A KO in text or HTML has a reason but no status."""
    reply = parse_reply(body)

    assert reply == Reply(
        status=None, reason=MISSING_MESSAGE, credits_left=None, sms_ids=()
    )
    assert not reply.accepted


def test_lower_case_html5_page() -> None:
    """An HTML5 page with lower-case tags is read."""
    reply = parse_reply(HTML5_SUCCESS)

    assert reply == Reply(
        status=100,
        reason="",
        credits_left=Decimal("230.50"),
        sms_ids=("10867690", "10867691"),
    )


def test_html5_failure_with_entities_and_wrapping_tags() -> None:
    """HTML entities are decoded and wrapping tags ignored."""
    reply = parse_reply(HTML5_ERROR)

    assert reply.status is None
    assert reply.reason == "Sms sender Bad & Co does not exists"


def test_json_smsids_variant() -> None:
    """The lower-case smsIds key is read too."""
    reply = parse_reply('{"status":100,"creditLeft":"1007","smsIds":["10867690"]}')

    assert reply.sms_ids == ("10867690",)


def test_json_decimal_credit_string_is_exact() -> None:
    """A credit given as a string keeps its exact digits."""
    reply = parse_reply('{"status":100,"creditLeft":"230.50","SmsIds":["1"]}')

    assert reply.credits_left == Decimal("230.50")
    assert str(reply.credits_left) == "230.50"


def test_json_number_credit_is_read_as_decimal_not_float() -> None:
    """A credit given as a JSON number is a Decimal, never a float."""
    reply = parse_reply('{"status":100,"creditLeft":53.00,"SmsIds":[1]}')

    assert isinstance(reply.credits_left, Decimal)
    assert reply.credits_left == Decimal("53.00")
    assert reply.sms_ids == ("1",)


def test_json_float_credit_keeps_its_decimal_digits() -> None:
    # 0.1 as a float would be 0.1000000000000000055...; read as Decimal it stays exact.
    """0.1 stays 0.1, without binary rounding."""
    reply = parse_reply('{"status":100,"creditLeft":0.1,"SmsIds":["1"]}')

    assert reply.credits_left == Decimal("0.1")


def test_several_ids_in_every_layout() -> None:
    """Every layout gives one id per recipient."""
    ids = ("10867690", "10867691", "10867692")
    bodies = [
        '{"status":100,"creditLeft":"1004","SmsIds":["10867690","10867691","10867692"]}',
        (
            '<?xml version="1.0" encoding="UTF-8" ?><response><status>100</status>'
            "<creditLeft>1004</creditLeft><smsIds><smsId>10867690</smsId>"
            "<smsId>10867691</smsId><smsId>10867692</smsId></smsIds></response>"
        ),
        "OK\n1004\n10867690\n10867691\n10867692",
        XHTML_SUCCESS.replace("1007<br>", "1004<br>").replace(
            "10867690<br>", "10867690<br>\n10867691<br>\n10867692<br>"
        ),
    ]
    for body in bodies:
        reply = parse_reply(body)
        assert reply.sms_ids == ids, body
        assert reply.credits_left == Decimal(1004), body


def test_status_101_is_accepted_and_others_are_not() -> None:
    """Any 1xx status is a success, nothing else."""
    assert parse_reply('{"status":101,"creditLeft":"1","SmsIds":[]}').accepted
    assert parse_reply('{"status":"199"}').accepted
    assert not parse_reply('{"status":200}').accepted
    assert not parse_reply('{"status":99}').accepted
    assert not parse_reply('{"status":401,"message":"x"}').accepted


def test_text_with_crlf_and_trailing_newline() -> None:
    """CR LF and a final newline do not change a text reply."""
    assert parse_reply("OK\r\n1007\r\n10867690\r\n") == DOCUMENTED_SUCCESS


def test_lower_case_ok_and_ko() -> None:
    """ok and ko are read like OK and KO."""
    assert parse_reply("ok\n1007\n10867690") == DOCUMENTED_SUCCESS
    assert parse_reply("ko\nnope").reason == "nope"


def test_ok_alone_has_no_credit_and_no_ids() -> None:
    """A bare OK is a success without credit or ids."""
    assert parse_reply("OK") == Reply(
        status=100, reason="", credits_left=None, sms_ids=()
    )


def test_unreadable_credit_is_none_not_an_error() -> None:
    # The SMS may have been sent: a bad credit must never become an error worth a retry.
    """A credit that is not a number is unknown: the SMS may have been sent."""
    assert parse_reply("OK\nabc\n1").credits_left is None
    assert (
        parse_reply('{"status":100,"creditLeft":"NaN","SmsIds":["1"]}').credits_left
        is None
    )
    assert parse_reply('{"status":100,"creditLeft":"Infinity"}').credits_left is None
    assert parse_reply('{"status":100,"SmsIds":["1"]}').credits_left is None
    assert parse_reply('{"status":100,"creditLeft":null}').credits_left is None


def test_json_error_without_message() -> None:
    """An error without a message has an empty reason."""
    assert parse_reply('{"status":202}').reason == ""


def test_bom_is_ignored() -> None:
    """A byte order mark does not hide the reply."""
    assert parse_reply("\ufeff" + JSON_SUCCESS) == DOCUMENTED_SUCCESS
    assert parse_reply("\ufeff" + TEXT_SUCCESS) == DOCUMENTED_SUCCESS
    assert parse_reply("\ufeff" + XML_SUCCESS) == DOCUMENTED_SUCCESS


def test_surrounding_whitespace_is_ignored() -> None:
    """Whitespace around the reply is ignored."""
    assert parse_reply(f"\n  {JSON_SUCCESS}\n") == DOCUMENTED_SUCCESS
    assert parse_reply(f"{XML_SUCCESS}\n") == DOCUMENTED_SUCCESS


def test_xml_entities_are_decoded() -> None:
    """XML entities in a reason are decoded."""
    body = (
        '<?xml version="1.0" encoding="UTF-8" ?><response><status>241</status>'
        "<message>Sms sender A&amp;B does not exists</message></response>"
    )
    assert parse_reply(body).reason == "Sms sender A&B does not exists"


def test_xml_without_prologue() -> None:
    """XML without its prologue is read."""
    body = "<response><status>100</status><creditLeft>5</creditLeft><smsIds><smsId>7</smsId></smsIds></response>"
    assert parse_reply(body) == Reply(
        status=100, reason="", credits_left=Decimal(5), sms_ids=("7",)
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("", id="empty"),
        pytest.param("  \r\n\t", id="blank"),
        pytest.param("\ufeff", id="bom-only"),
        pytest.param(JSON_SUCCESS[: len(JSON_SUCCESS) // 2], id="truncated-json"),
        pytest.param(XML_SUCCESS[: len(XML_SUCCESS) // 2], id="truncated-xml"),
        pytest.param("Internal Server Error", id="unknown-layout"),
        pytest.param("<h1>502 Bad Gateway</h1>", id="bare-tag"),
        pytest.param(
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
            "Gateway</h1></center><hr><center>nginx</center></body></html>",
            id="proxy-error-page",
        ),
        pytest.param("<!DOCTYPE html><html><head></head></html>", id="html-no-body"),
        pytest.param("[100, 1007]", id="json-array"),
        pytest.param('"OK"', id="json-string"),
        pytest.param("100", id="json-number"),
        pytest.param('{"creditLeft":"1007","SmsIds":["1"]}', id="json-no-status"),
        pytest.param('{"status":"OK"}', id="json-text-status"),
        pytest.param('{"status":null}', id="json-null-status"),
        pytest.param('{"status":100,"SmsIds":"10867690"}', id="json-ids-not-a-list"),
        pytest.param(
            '<?xml version="1.0" ?><response><creditLeft>1</creditLeft></response>',
            id="xml-no-status",
        ),
        pytest.param(
            '<?xml version="1.0" ?><response><status>abc</status></response>',
            id="xml-bad-status",
        ),
    ],
)
def test_invalid_bodies_are_refused(body: str) -> None:
    """A body in no known layout is an invalid response."""
    with pytest.raises(Http2SmsInvalidResponseError):
        parse_reply(body)


def test_invalid_response_error_is_a_response_error() -> None:
    """An invalid response is caught as a response error."""
    from custom_components.ovh_http2sms.http2sms import Http2SmsResponseError

    with pytest.raises(Http2SmsResponseError):
        parse_reply("")


@pytest.mark.parametrize(
    "figure",
    [
        "1e-999999999",
        "1e400",
        "-1e999999999",
        "1000000000",
        "-1000000000",
        "12.3456",
        "NaN",
        "-Infinity",
        "1" * 5000,
    ],
    ids=lambda figure: figure[:16],
)
def test_insane_credit_figure_is_ignored_in_every_layout(figure: str) -> None:
    """A credit no account can have (non-finite, 10^9 or more, over 3 decimals) reads as none."""
    bodies = [
        f'{{"status":100,"creditLeft":"{figure}","SmsIds":["1"]}}',
        f"OK\n{figure}\n1\n",
        (
            f"<?xml version='1.0'?><response><status>100</status><creditLeft>{figure}"
            "</creditLeft><smsIds><smsId>1</smsId></smsIds></response>"
        ),
    ]
    for body in bodies:
        reply = parse_reply(body)
        assert reply.accepted
        assert reply.credits_left is None, body[:80]
        assert reply.sms_ids == ("1",)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [("999999999.999", "999999999.999"), ("-5.5", "-5.5"), ("12.3400", "12.3400")],
)
def test_sane_credit_figures_at_the_edges_are_kept(figure: str, expected: str) -> None:
    """The sane range's edges: below 10^9, negative (an overdraft), trailing zeros."""
    reply = parse_reply(f'{{"status":100,"creditLeft":"{figure}","SmsIds":[]}}')
    assert reply.credits_left == Decimal(expected)


def test_json_number_credit_out_of_range_is_ignored() -> None:
    """A bare JSON number is checked like a string figure."""
    reply = parse_reply('{"status":100,"creditLeft":1e400,"SmsIds":[]}')
    assert reply.accepted
    assert reply.credits_left is None


def test_brackets_inside_strings_are_not_nesting() -> None:
    """Brackets in a string, even after an escaped quote, do not count as depth."""
    reply = parse_reply(
        '{"status":100,"message":"a \\" [[[[[{{{{{ \\\\","SmsIds":["1"]}'
    )
    assert reply.accepted
    assert reply.reason == 'a " [[[[[{{{{{ \\'
    assert reply.sms_ids == ("1",)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 65_500,
        '{"a":' + "[" * 65_000,
        '{"a":' + '[{"a":' * 10_000,
        '{"status":100,"SmsIds":' + "[" * 30_000 + "]" * 30_000 + "}",
        "<html><body>" + "<" * 65_000,
        "<html><body>" + "\u2039" * 20_000,
        "<html>" + "<body" * 13_000,
        "<?xml version='1.0'?><response>" + "<status>" * 8_000,
        "<response>" + "</response>" + " " * 60_000 + "x",
        '{"status":' + "9" * 60_000 + "}",
    ],
    ids=[
        "deep_brackets",
        "deep_brackets_in_object",
        "deep_objects",
        "deep_ids",
        "html_unclosed_tags",
        "html_angle_quotes",
        "html_body_openers",
        "xml_openers",
        "xml_trailing_space",
        "huge_status",
    ],
)
def test_hostile_bodies_raise_only_the_invalid_response_error(body: str) -> None:
    """Any body within the size cap ends in a reply or the client's own error, nothing else."""
    assert len(body.encode()) <= 64 * 1024 + 16
    with contextlib.suppress(Http2SmsInvalidResponseError):
        parse_reply(body)


@given(st.text(max_size=2000))
def test_arbitrary_text_raises_only_the_invalid_response_error(body: str) -> None:
    """Whatever the text, parsing ends in a reply or Http2SmsInvalidResponseError."""
    try:
        reply = parse_reply(body)
    except Http2SmsInvalidResponseError:
        return
    if reply.credits_left is not None:
        assert reply.credits_left.is_finite()
        assert abs(reply.credits_left) < 10**9


@given(
    st.from_regex(r"-?[0-9]{1,12}(\.[0-9]{0,5})?([eE][-+]?[0-9]{1,3})?", fullmatch=True)
)
def test_every_credit_figure_reads_the_same_however_it_is_written(figure: str) -> None:
    """A figure alone and the same figure padded by spaces read alike: kept, exactly, or none.

    Plain figures ("997", "230.50"), which every reply carries, are read without taking them
    apart; padding makes the same figure go the long way round.
    """
    plain, padded = read_credit(figure), read_credit(f" {figure}\t")
    assert plain == padded
    if plain is not None:
        assert padded is not None
        assert plain.as_tuple() == padded.as_tuple()
