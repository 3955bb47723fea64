"""Placeholder pictures made by the project with Pillow (no stock photos, never a broken image).

- Category placeholders: a soft colour per category with the category name in Korean (Noto Sans CJK when the
  font is installed; otherwise a drawn motif, because Pillow's built-in font has no Hangul glyphs).
- Initials avatars: a coloured circle with the person's first character, for team members without a photo.

Generated files are kept in the default storage so each one is drawn once.
"""

import hashlib
import io
import logging
from functools import lru_cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

CJK_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
# Warm, soft backgrounds with a darker ink of the same hue for text and motifs.
PALETTE: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = (
    ((255, 228, 214), (196, 86, 40)),  # persimmon
    ((225, 240, 222), (62, 120, 60)),  # soft green
    ((222, 234, 248), (48, 96, 160)),  # sky
    ((248, 232, 242), (168, 62, 120)),  # plum
    ((250, 241, 214), (160, 118, 20)),  # honey
    ((230, 228, 248), (92, 80, 170)),  # lavender
    ((220, 242, 240), (30, 128, 120)),  # mint
    ((240, 232, 222), (128, 92, 60)),  # kraft
)
VARIANTS = 3


def palette_for(key: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).digest()
    return PALETTE[digest[0] % len(PALETTE)]


@lru_cache(maxsize=16)
def cjk_font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in CJK_FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return None


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)  # type: ignore[return-value]


def _draw_centered(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str, font, fill) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + (box[2] - box[0] - (right - left)) / 2 - left
    y = box[1] + (box[3] - box[1] - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def category_placeholder_png(*, name: str, key: str, variant: int = 0, size: int = 600) -> bytes:
    """A square product placeholder for a category: soft background, motif, and the Korean name if we can."""
    background, ink = palette_for(key)
    background = _shade(background, 1.0 - 0.04 * (variant % VARIANTS))
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    # A few soft circles so that variants of one category look different from each other.
    accent = _shade(background, 0.92)
    for i in range(3):
        radius = size // (3 + i + variant % VARIANTS)
        cx = (size * (1 + 2 * ((i + variant) % 3))) // 6
        cy = size // 5 + (i * size) // 3
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=accent)
    font = cjk_font(size // max(4, len(name) + 2))
    if font is not None:
        _draw_centered(draw, (0, 0, size, size), name, font, ink)
        small = cjk_font(size // 16)
        if small is not None:
            _draw_centered(draw, (0, size * 3 // 4, size, size * 7 // 8), "동네가게", small, _shade(ink, 1.2))
    else:
        # No Hangul font: a drawn bag shape so the card still reads as "a product of this category".
        w = size // 3
        draw.rounded_rectangle(
            (size // 2 - w // 2, size // 2 - w // 3, size // 2 + w // 2, size // 2 + w // 2),
            radius=size // 30,
            fill=ink,
        )
        draw.arc(
            (size // 2 - w // 4, size // 2 - w // 2 - w // 6, size // 2 + w // 4, size // 2),
            180,
            360,
            fill=ink,
            width=size // 40,
        )
    return _png(image)


def initials_avatar_png(*, text: str, key: str, size: int = 160) -> bytes:
    """A round avatar with the first character of `text` (Korean names: the family name) on a coloured circle."""
    background, ink = palette_for(key)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=ink)
    initial = (text.strip() or "?")[0]
    font = cjk_font(size // 2)
    if font is not None:
        _draw_centered(draw, (0, 0, size, size), initial, font, background)
    else:
        # Without a Hangul font, a simple face: two eyes and a smile.
        e = size // 10
        for cx in (size // 3, 2 * size // 3):
            draw.ellipse((cx - e // 2, size // 3, cx + e // 2, size // 3 + e), fill=background)
        draw.arc(
            (size // 4, size // 3, 3 * size // 4, 3 * size // 4), 20, 160, fill=background, width=max(2, size // 24)
        )
    return _png(image)


def category_placeholder_path(*, slug: str, variant: int = 0) -> str:
    digest = hashlib.sha1(slug.encode(), usedforsecurity=False).hexdigest()[:12]
    return f"placeholders/categories/{digest}-{variant % VARIANTS}.png"


def category_placeholder_ensure(*, slug: str, name: str, variant: int = 0) -> str:
    """Storage path of the category's placeholder, drawing and saving it the first time."""
    path = category_placeholder_path(slug=slug, variant=variant)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(category_placeholder_png(name=name, key=slug, variant=variant)))
        if saved != path:  # another process drew it at the same moment; keep one copy
            default_storage.delete(saved)
    return path
