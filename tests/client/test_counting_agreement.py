"""The client and the simulator count SMS parts with two independent implementations.

They are written separately on purpose: if they shared one module, a counting mistake would be
invisible to every test that sends through the simulator. Here they must agree on any text.
"""

from __future__ import annotations

from hypothesis import given, strategies as st

from custom_components.ovh_http2sms.http2sms.encoding import (
    STOP_MENTION_LENGTH,
    Encoding,
    gsm7_septets,
    layout,
    utf16_units,
)
from http2sms_simulator.parts import Coding, count_parts

# Weighted towards what moves the count: extension characters, accents, emoji, CR.
_ALPHABET = st.one_of(
    st.sampled_from(
        "abc XYZ 0123 @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\r"
    ),
    st.sampled_from("€^{}\\[~]|\f"),
    st.sampled_from("’…—«»êçœ"),
    st.sampled_from(["😀", "🔥", "💧", "🚨"]),
    st.characters(codec="utf-16", exclude_categories=("Cs",)),
)


@given(text=st.text(_ALPHABET, min_size=1, max_size=1200), stop_mention=st.booleans())
def test_client_and_simulator_agree_on_the_cost(text: str, stop_mention: bool) -> None:
    """Same encoding, same units, same parts, for any text."""
    ours = layout(text, stop_mention=stop_mention)
    units = gsm7_septets(text) if ours.encoding is Encoding.GSM7 else utf16_units(text)
    theirs = count_parts(text, coding=None, stop_mention=stop_mention)

    assert (ours.encoding is Encoding.GSM7) == (theirs.coding is Coding.GSM7)
    assert ours.parts == theirs.parts
    assert units + (STOP_MENTION_LENGTH if stop_mention else 0) == theirs.units
