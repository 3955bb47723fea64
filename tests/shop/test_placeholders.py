"""Products without a photo show a drawing of what their category is, not one shared picture."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shop.placeholders import FALLBACK_MOTIF, MOTIF_BY_SLUG, placeholder_motif
from tests.shop.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

PLACEHOLDERS = Path(settings.BASE_DIR) / "static" / "img" / "placeholders"


@pytest.mark.parametrize(
    ("slug", "motif"),
    [("detergent", "bottle"), ("toilet-paper", "roll"), ("coffee", "cup"), ("diapers", "diaper"), ("bags", "bag")],
)
def test_category_slug_picks_its_own_motif(slug, motif):
    assert placeholder_motif(slug=slug) == motif


def test_unknown_category_gets_the_generic_parcel():
    assert placeholder_motif(slug="garden-tools") == FALLBACK_MOTIF == "box"


def test_every_motif_has_its_svg():
    for motif in {*MOTIF_BY_SLUG.values(), FALLBACK_MOTIF}:
        drawing = (PLACEHOLDERS / f"{motif}.svg").read_text()
        assert drawing.startswith("<svg")
        assert 'viewBox="0 0 240 240"' in drawing


def test_category_page_cards_without_photos_show_their_categorys_drawing(client):
    detergent = CategoryFactory(slug="detergent")
    tissue = CategoryFactory(slug="toilet-paper")
    ProductFactory(category=detergent, name="라벤더 세탁세제")
    ProductFactory(category=tissue, name="3겹 두루마리 휴지")

    detergent_page = client.get(reverse("shop:category", args=["detergent"])).content.decode()
    tissue_page = client.get(reverse("shop:category", args=["toilet-paper"])).content.decode()

    assert "img/placeholders/bottle" in detergent_page
    assert "img/placeholders/roll" in tissue_page
    assert "img/placeholders/roll" not in detergent_page


def test_product_share_card_keeps_the_png_picture(client):
    product = ProductFactory(category=CategoryFactory(slug="detergent"))

    html = client.get(reverse("shop:product", args=[product.pk])).content.decode()

    assert 'property="og:image"' in html
    assert "/c/detergent/placeholder.png" in html
    assert "img/placeholders/bottle" in html  # the gallery itself shows the drawing
