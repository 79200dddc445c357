"""Draw the integration's brand images: a rounded speech bubble with three dots.

An original mark in OVHcloud-like blues, not OVHcloud's logo. Home Assistant shows
custom_components/ovh_http2sms/brand/icon.png (256 px), icon@2x.png (512 px) and logo.png.
Run: scripts/run python scripts/brand.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (
    Path(__file__).resolve().parent.parent
    / "custom_components"
    / "ovh_http2sms"
    / "brand"
)
BLUE = (0x00, 0x0E, 0x9C, 255)  # OVHcloud-like dark blue
WHITE = (255, 255, 255, 255)
GRID = 1024  # the drawing is laid out on a 1024 x 1024 grid, then scaled
SUPERSAMPLE = 4  # drawn this many times larger, then reduced: smooth edges


def draw(size: int) -> Image.Image:
    """Return the mark as a size x size RGBA image on a transparent background."""
    canvas = size * SUPERSAMPLE
    scale = canvas / GRID

    def box(left: float, top: float, right: float, bottom: float) -> tuple[float, ...]:
        return (left * scale, top * scale, right * scale, bottom * scale)

    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    # The body, then its tail pointing down to the left, starting inside the body.
    pen.rounded_rectangle(box(88, 112, 936, 752), radius=232 * scale, fill=BLUE)
    tail = [(200, 600), (480, 740), (176, 928)]
    pen.polygon([(x * scale, y * scale) for x, y in tail], fill=BLUE)
    # Three dots: a message being written.
    for centre in (302, 512, 722):
        pen.ellipse(box(centre - 76, 356, centre + 76, 508), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write icon.png, icon@2x.png and logo.png."""
    BRAND.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon.png", 256), ("icon@2x.png", 512), ("logo.png", 256)):
        draw(size).save(BRAND / name, optimize=True)
        print(f"wrote {BRAND / name} ({size}x{size})")


if __name__ == "__main__":
    main()
