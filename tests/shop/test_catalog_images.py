"""Generated pictures: one per category and variant, drawn once, and never a crash when the font is missing."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from shop import images


def test_category_placeholder_is_a_square_png_coloured_per_category():
    first = Image.open(io.BytesIO(images.category_placeholder_png(name="세탁세제", key="detergent", size=120)))
    second = Image.open(io.BytesIO(images.category_placeholder_png(name="커피", key="coffee", size=120)))
    assert first.size == (120, 120)
    assert first.format == "PNG"
    assert images.palette_for("detergent") != images.palette_for("coffee")
    assert first.getpixel((119, 0)) != second.getpixel((119, 0))


def test_placeholders_and_avatars_are_drawn_without_the_cjk_font(monkeypatch):
    monkeypatch.setattr(images, "CJK_FONT_PATHS", ("/nonexistent/font.ttc",))
    images.cjk_font.cache_clear()
    try:
        assert images.cjk_font(40) is None
        placeholder = images.category_placeholder_png(name="기저귀", key="diapers", size=80)
        avatar = images.initials_avatar_png(text="김하늘", key="kim", size=64)
    finally:
        images.cjk_font.cache_clear()
    assert Image.open(io.BytesIO(placeholder)).size == (80, 80)
    assert Image.open(io.BytesIO(avatar)).size == (64, 64)


@pytest.mark.django_db
def test_category_placeholder_ensure_draws_once_and_reuses_the_file():
    path = images.category_placeholder_ensure(slug="water", name="생수", variant=1)
    assert default_storage.exists(path)
    mtime = default_storage.get_modified_time(path)
    assert images.category_placeholder_ensure(slug="water", name="생수", variant=1) == path
    assert default_storage.get_modified_time(path) == mtime
    assert images.category_placeholder_ensure(slug="water", name="생수", variant=2) != path
