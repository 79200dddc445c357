"""GSM-7 as TS 23.038 defines it, written independently of the client, and texts to count."""

from hypothesis import strategies as st

# TS 23.038 §6.2.1, written independently of the module: code point -> character.
BASIC = {
    0x00: "@", 0x01: "£", 0x02: "$", 0x03: "¥", 0x04: "è", 0x05: "é", 0x06: "ù", 0x07: "ì",
    0x08: "ò", 0x09: "Ç", 0x0A: "\n", 0x0B: "Ø", 0x0C: "ø", 0x0D: "\r", 0x0E: "Å", 0x0F: "å",
    0x10: "Δ", 0x11: "_", 0x12: "Φ", 0x13: "Γ", 0x14: "Λ", 0x15: "Ω", 0x16: "Π", 0x17: "Ψ",
    0x18: "Σ", 0x19: "Θ", 0x1A: "Ξ", 0x1C: "Æ", 0x1D: "æ", 0x1E: "ß", 0x1F: "É",
    0x20: " ", 0x21: "!", 0x22: '"', 0x23: "#", 0x24: "¤", 0x40: "¡", 0x5B: "Ä", 0x5C: "Ö",
    0x5D: "Ñ", 0x5E: "Ü", 0x5F: "§", 0x60: "¿", 0x7B: "ä", 0x7C: "ö", 0x7D: "ñ", 0x7E: "ü",
    0x7F: "à",
    **{code: chr(code) for code in range(0x25, 0x40)},  # % & ' ( ) * + , - . / 0-9 : ; < = > ?
    **{code: chr(code) for code in range(0x41, 0x5B)},  # A-Z
    **{code: chr(code) for code in range(0x61, 0x7B)},  # a-z
}  # fmt: skip
EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]",
    0x40: "|", 0x65: "€",
}  # fmt: skip
GSM7 = sorted(set(BASIC.values()) | set(EXTENSION.values()))

INTERESTING = [
    *"aZ09 .,'\"\n\ré€{}[]^|~\\\fêçœ’‘“”«»…—–°²³₂µ·•×\t\u00a0\u202f\u200b\u200d\ufe0f\u0301\u20e3",
    *"🔥💧🚨🔋👍🏽🇫🇷火Α",
]
CHARS = st.one_of(
    st.sampled_from(GSM7), st.sampled_from(INTERESTING), st.characters(codec="utf-8")
)
FILLERS = st.sampled_from(["a", "é", "€", "{a", "ê", "🔥", "…", "a🔥", "°C "])
TEXTS = st.one_of(
    st.text(CHARS, max_size=300),
    st.builds(
        lambda head, fill, count, tail: head + fill * count + tail,
        st.text(CHARS, max_size=20),
        FILLERS,
        st.integers(0, 500),
        st.text(CHARS, max_size=20),
    ),
)
GSM7_TEXTS = st.one_of(
    st.text(st.sampled_from(GSM7), max_size=1000),
    st.builds(
        lambda head, fill, count: head + fill * count,
        st.text(st.sampled_from(GSM7), max_size=20),
        st.sampled_from(["a", "€", "a€", "{}"]),
        st.integers(0, 500),
    ),
)
