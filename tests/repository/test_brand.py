"""The icon stands out on Home Assistant's light and dark backgrounds, trimmed, with no fake logo.

Home Assistant shows brand/dark_<image> on its dark theme when it exists, brand/<image>
otherwise, and the icon where there is no logo. WCAG asks 3:1 of the contrast of a graphic with
what surrounds it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PIL import Image
import pytest

BRAND = (
    Path(__file__).resolve().parents[2] / "custom_components" / "ovh_http2sms" / "brand"
)
BACKGROUNDS = {"light": (0xFA, 0xFA, 0xFA), "dark": (0x11, 0x11, 0x11)}
WHITE = (255, 255, 255)


def _luminance(colour: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _shown(theme: str, name: str) -> Path:
    """The file Home Assistant shows for this image in this theme."""
    dark = BRAND / f"dark_{name}"
    return dark if theme == "dark" and dark.exists() else BRAND / name


def _body_colour(path: Path) -> tuple[int, ...]:
    """The mark's main colour: the most frequent fully opaque colour that is not the dots'."""
    with Image.open(path) as image:
        pixels = image.convert("RGBA").get_flattened_data()
        counts = Counter(p[:3] for p in pixels if p[3] == 255 and p[:3] != WHITE)
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("theme", BACKGROUNDS)
@pytest.mark.parametrize("name", ["icon.png", "icon@2x.png"])
def test_brand_images_read_on_each_theme(theme: str, name: str) -> None:
    body = _body_colour(_shown(theme, name))
    assert _contrast(body, BACKGROUNDS[theme]) >= 3, (theme, name, body)
    # The white dots must still read on the bubble.
    assert _contrast(body, WHITE) >= 3, (theme, name, body)


def test_every_dark_image_has_its_light_twin() -> None:
    """A dark_ image without its light twin would leave the light theme without an icon."""
    for dark in BRAND.glob("dark_*.png"):
        assert (BRAND / dark.name.removeprefix("dark_")).exists(), dark.name


def test_a_logo_is_not_a_copy_of_the_icon() -> None:
    """Without a logo Home Assistant shows the icon: a copy would only be a second file to keep."""
    for logo in BRAND.glob("*logo*.png"):
        icon = BRAND / logo.name.replace("logo", "icon")
        assert not icon.exists() or logo.read_bytes() != icon.read_bytes(), logo.name


@pytest.mark.parametrize("path", sorted(BRAND.glob("*.png")), ids=lambda p: p.name)
def test_images_are_trimmed_squares(path: Path) -> None:
    """Home Assistant's brand rules: square, no transparent margin around the mark."""
    with Image.open(path) as image:
        width, height = image.size
        left, top, right, bottom = image.convert("RGBA").getchannel("A").getbbox()
    assert width == height
    assert (left, right) == (0, width) or (top, bottom) == (0, height), path.name
