"""Nothing personal where others can read it.

The gateway's reason, once masked, keeps no number beyond its last two digits and no piece of
the text that was sent; the privacy scan (tests/privacy_scan.py) finds a planted leak in every
place a person or a model reads.
"""

from __future__ import annotations

import pytest

from custom_components.ovh_http2sms.errors import private_reason


@pytest.mark.parametrize(
    ("reason", "sent", "shown"),
    [
        (
            "Invalid receiver 0033612345678 for text Door open",
            ("Door open", "0033612345678"),
            "Invalid receiver …78 for text …",
        ),
        ("Invalid receiver +33 6 12 34 56 78", (), "Invalid receiver …78"),
        ("Invalid receiver 06.12.34.56.78", (), "Invalid receiver …78"),
        ("Invalid sender 33612345678", (), "Invalid sender …78"),
        # The text echoed in another letter case, cut short, or only in part.
        ("Bad text: DOOR OPEN", ("Door open",), "Bad text: …"),
        ("Bad text 'The door is op'", ("The door is open now",), "Bad text '…'"),
        # What OVHcloud writes itself stays readable.
        ("Invalid tag: is too long", ("hi",), "Invalid tag: is too long"),
        ("Missing message", (), "Missing message"),
        ("Invalid deferred time", ("",), "Invalid deferred time"),
        # Letters whose case folding changes the length.
        ("Straße ßß gesperrt", ("STRASSE",), "… ßß gesperrt"),
        ("Bad STRASSE", ("Straße",), "Bad …"),
        ("", ("x",), ""),
    ],
)
def test_the_gateway_s_reason_is_masked(
    reason: str, sent: tuple[str, ...], shown: str
) -> None:
    """Numbers keep their last two digits; what was sent is an ellipsis; OVH's words stay."""
    assert private_reason(reason, sent) == shown


def test_a_huge_echo_is_masked_at_once() -> None:
    """A reason repeating a 1,600-character text is masked whole, without a long loop."""
    text = "la porte est ouverte, " * 73
    masked = private_reason(f"Invalid text {text} 0612345678", (text,))

    assert masked == "Invalid text… …78"
