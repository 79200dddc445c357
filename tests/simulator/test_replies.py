"""Reply bodies compared byte for byte with the examples of OVH's http2sms guide."""

from __future__ import annotations

from decimal import Decimal

import pytest

from http2sms_simulator import DEFAULT_ACCOUNT, HtmlLayout, SimulatorState
from http2sms_simulator.testing import RunningSimulator

from .conftest import Client, valid_params

# Copied from the OVH guide (seed 000_69e164e858b51e04), success then failure per format.
XML_SUCCESS = (
    '<?xml version="1.0" encoding="UTF-8" ?><response><status>100</status>'
    "<creditLeft>1007</creditLeft><smsIds><smsId>10867690</smsId></smsIds></response>"
)
XML_FAILURE = (
    '<?xml version="1.0" encoding="UTF-8" ?><response><status>201</status>'
    "<message>Missing message. For more informations : http://guides.ovh.com/httpToSms"
    "</message></response>"
)
JSON_SUCCESS = '{"status":100,"creditLeft":"1007","SmsIds":["10867690"]}'
JSON_FAILURE = (
    '{"status":201,"message":"Missing message. For more informations : '
    'http//:guides.ovh.com/httpToSms"}'
)
HTML_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    "<HTML>\n"
    "<HEAD>\n"
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" >\n'
    "<title>HTTP2SMS</title>\n"
    "</HEAD>\n"
    "<BODY>\n"
)
HTML_SUCCESS = HTML_HEAD + "OK<br>\n1007<br>\n10867690<br>\n</BODY>\n</HTML>\n"
HTML_FAILURE = (
    HTML_HEAD
    + "KO<br>Missing message. For more informations : http://guides.ovh.com/httpToSms<br>\n"
    + "</BODY>\n</HTML>\n"
)
TEXT_SUCCESS = "OK\n1007\n10867690"
TEXT_FAILURE = (
    "KO\nMissing message. For more informations : http://guides.ovh.com/httpToSms"
)

EXAMPLES = [
    ("text/xml", XML_SUCCESS, XML_FAILURE),
    ("application/xml", XML_SUCCESS, XML_FAILURE),
    ("text/json", JSON_SUCCESS, JSON_FAILURE),
    ("application/json", JSON_SUCCESS, JSON_FAILURE),
    ("text/html", HTML_SUCCESS, HTML_FAILURE),
    ("text/plain", TEXT_SUCCESS, TEXT_FAILURE),
]


@pytest.fixture
def state() -> SimulatorState:
    """The guide's examples start from a credit of 1008."""
    state = SimulatorState()
    state.set_credit(DEFAULT_ACCOUNT, 1008)
    return state


@pytest.mark.parametrize(("content_type", "success", "failure"), EXAMPLES)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_bodies_match_the_guide(
    client: Client, content_type: str, success: str, failure: str, method: str
) -> None:
    """Replies match the guide's examples byte for byte, in GET and POST."""
    send = client.get if method == "GET" else client.post
    assert await send(contentType=content_type, message=None) == (200, failure)
    assert await send(contentType=content_type) == (200, success)


@pytest.mark.parametrize("content_type", ["text/plain", None, "", "image/png"])
async def test_text_plain_is_the_default(
    client: Client, content_type: str | None
) -> None:
    """Without a known contentType the reply is text."""
    assert await client.get(contentType=content_type) == (200, TEXT_SUCCESS)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/xml",
        "application/xml",
        "text/json",
        "application/json",
        "text/html",
    ],
)
async def test_content_type_header_follows_the_parameter(
    client: Client, simulator: RunningSimulator, content_type: str
) -> None:
    """The reply's Content-Type is the one asked for."""
    async with client.session.get(
        simulator.endpoint, params=valid_params(contentType=content_type)
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == f"{content_type}; charset=utf-8"


async def test_lower_case_json_ids_key(client: Client, state: SimulatorState) -> None:
    """The JSON ids key can be smsIds, as some replies have it."""
    state.json_ids_key = "smsIds"
    assert await client.get(contentType="application/json") == (
        200,
        '{"status":100,"creditLeft":"1007","smsIds":["10867690"]}',
    )


async def test_html5_layout(client: Client, state: SimulatorState) -> None:
    """The HTML5 layout some accounts get."""
    state.html_layout = HtmlLayout.HTML5
    head = (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta charset="utf-8">\n<title>HTTP2SMS</title>\n</head>\n<body>\n'
    )
    assert await client.get(contentType="text/html") == (
        200,
        head + "OK<br>\n1007<br>\n10867690<br>\n</body>\n</html>\n",
    )
    assert await client.get(contentType="text/html", login=None) == (
        200,
        head + "KO<br>Missing login<br>\n</body>\n</html>\n",
    )


MULTI = [
    ("text/plain", "OK\n1006\n10867690\n10867691"),
    (
        "text/json",
        '{"status":100,"creditLeft":"1006","SmsIds":["10867690","10867691"]}',
    ),
    (
        "text/xml",
        (
            '<?xml version="1.0" encoding="UTF-8" ?><response><status>100</status>'
            "<creditLeft>1006</creditLeft><smsIds><smsId>10867690</smsId>"
            "<smsId>10867691</smsId></smsIds></response>"
        ),
    ),
    (
        "text/html",
        HTML_HEAD + "OK<br>\n1006<br>\n10867690<br>\n10867691<br>\n</BODY>\n</HTML>\n",
    ),
]


@pytest.mark.parametrize(("content_type", "body"), MULTI)
async def test_one_id_per_recipient(
    client: Client, content_type: str, body: str
) -> None:
    """Each layout lists one id per recipient."""
    assert await client.get(
        contentType=content_type, to="0033612345678,0033698765432"
    ) == (200, body)


async def test_decimal_credit_is_printed_with_two_decimals(
    client: Client, state: SimulatorState
) -> None:
    """A fractional credit is printed with two decimals."""
    state.set_credit(DEFAULT_ACCOUNT, Decimal("231.5"))
    assert await client.get(contentType="application/json") == (
        200,
        '{"status":100,"creditLeft":"230.50","SmsIds":["10867690"]}',
    )


async def test_error_texts_are_escaped_in_xml_and_html(
    client: Client, state: SimulatorState
) -> None:
    """Error texts are escaped in XML and HTML."""
    sender = "A&B<C>"
    assert await client.get(contentType="text/xml", **{"from": sender}) == (
        200,
        (
            '<?xml version="1.0" encoding="UTF-8" ?><response><status>241</status>'
            "<message>Sms sender A&amp;B&lt;C&gt; does not exists</message></response>"
        ),
    )
    _status, body = await client.get(contentType="text/html", **{"from": sender})
    assert "KO<br>Sms sender A&amp;B&lt;C&gt; does not exists<br>" in body
    assert await client.get(contentType="text/json", **{"from": sender}) == (
        200,
        '{"status":241,"message":"Sms sender A&B<C> does not exists"}',
    )
