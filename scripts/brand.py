"""Draw the integration's brand images: a rounded speech bubble with three dots.

An original mark in OVHcloud-like blues, not OVHcloud's logo. Home Assistant shows
custom_components/ovh_http2sms/brand/icon.png (256 px) and icon@2x.png (512 px), and their
dark_ twins on its dark theme, where the dark blue would hardly stand out from the background
(#111111): the twins draw the bubble in a lighter blue. There is no logo: where it would show a
logo, Home Assistant shows the icon (a logo identical to the icon would only be a second file).
Run: scripts/run python scripts/brand.py

`--preview` also writes artifacts/brand/preview.html, every image on Home Assistant's light and
dark backgrounds, for a look in a browser (docs/development.md says how to screenshot it).
"""

from __future__ import annotations

from pathlib import Path
import sys

from PIL import Image, ImageDraw

BRAND = (
    Path(__file__).resolve().parent.parent
    / "custom_components"
    / "ovh_http2sms"
    / "brand"
)
BLUE = (0x00, 0x0E, 0x9C, 255)  # OVHcloud-like dark blue
# On #111111 (Home Assistant's dark background) this blue stands out 4.3:1, and the white dots
# stand out 4.4:1 from it (WCAG asks 3:1 of graphics): the dark blue above only 1.4:1.
DARK_THEME_BLUE = (0x3D, 0x6B, 0xFF, 255)
WHITE = (255, 255, 255, 255)
GRID = 1024  # the drawing is laid out on a 1024 x 1024 grid, then scaled
SUPERSAMPLE = 4  # drawn this many times larger, then reduced: smooth edges


def draw(size: int, body: tuple[int, int, int, int] = BLUE) -> Image.Image:
    """Return the mark as a size x size RGBA image on a transparent background."""
    canvas = size * SUPERSAMPLE
    scale = canvas / GRID

    def box(left: float, top: float, right: float, bottom: float) -> tuple[float, ...]:
        return (left * scale, top * scale, right * scale, bottom * scale)

    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    # The body, then its tail pointing down to the left, starting inside the body.
    pen.rounded_rectangle(box(88, 112, 936, 752), radius=232 * scale, fill=body)
    tail = [(200, 600), (480, 740), (176, 928)]
    pen.polygon([(x * scale, y * scale) for x, y in tail], fill=body)
    # Three dots: a message being written.
    for centre in (302, 512, 722):
        pen.ellipse(box(centre - 76, 356, centre + 76, 508), fill=WHITE)
    # Home Assistant's brand rules: no transparent margin. The mark is wider than tall, so it
    # fills the width and is centred in the height of a square.
    mark = image.crop(image.getbbox())
    side = max(mark.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(mark, ((side - mark.width) // 2, (side - mark.height) // 2))
    return square.resize((size, size), Image.Resampling.LANCZOS)


IMAGES = (
    ("icon.png", 256, BLUE),
    ("icon@2x.png", 512, BLUE),
    ("dark_icon.png", 256, DARK_THEME_BLUE),
    ("dark_icon@2x.png", 512, DARK_THEME_BLUE),
)
PREVIEW = (
    Path(__file__).resolve().parent.parent / "artifacts" / "brand" / "preview.html"
)
# Home Assistant's page backgrounds, light and dark theme.
BACKGROUNDS = (("light", "#fafafa", "#212121"), ("dark", "#111111", "#e1e1e1"))


def write_preview() -> None:
    """Show each theme's images on that theme's background, as Home Assistant picks them."""
    rows = []
    for theme, background, text in BACKGROUNDS:
        prefix = "dark_" if theme == "dark" else ""
        images = "".join(
            f'<img src="{(BRAND / f"{prefix}{name}").as_uri()}" width="128" alt="{prefix}{name}">'
            for name in ("icon.png", "icon@2x.png")
        )
        rows.append(
            f'<div style="background:{background};color:{text};padding:24px;display:flex;'
            f'gap:32px;align-items:center"><span style="width:220px">Home Assistant, {theme} '
            f"theme ({background})</span>{images}</div>"
        )
    PREVIEW.parent.mkdir(parents=True, exist_ok=True)
    PREVIEW.write_text(
        '<!doctype html><html><body style="margin:0;font-family:sans-serif">'
        + "".join(rows)
        + "</body></html>\n",
        encoding="utf-8",
    )
    print(f"wrote {PREVIEW}")


def main() -> None:
    """Write the images; with --preview, the page that shows them on both themes."""
    BRAND.mkdir(parents=True, exist_ok=True)
    for name, size, body in IMAGES:
        draw(size, body).save(BRAND / name, optimize=True)
        print(f"wrote {BRAND / name} ({size}x{size})")
    if "--preview" in sys.argv[1:]:
        write_preview()


if __name__ == "__main__":
    main()
