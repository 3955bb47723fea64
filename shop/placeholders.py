"""Which drawing stands in for a product without a photo: a motif that says what the category is.

The SVGs live in static/img/placeholders/ (a bottle for 세제, a roll for 휴지, a cup for 커피 …). A category is
matched by its slug (the demo's categories and their parents are all listed); any other gets a parcel box.
Share cards (og:image) keep the generated PNG of shop.images: link previews do not show SVG.
"""

from __future__ import annotations

from functools import cache

from django.templatetags.static import static

MOTIF_BY_SLUG: dict[str, str] = {
    # 세탁·청소
    "detergent": "bottle",
    "fabric-softener": "bottle",
    "dish-soap": "pump",
    "laundry-cleaning": "bottle",
    # 화장지·위생
    "toilet-paper": "roll",
    "wet-wipes": "wipes",
    "diapers": "diaper",
    "paper-hygiene": "roll",
    # 욕실
    "shampoo": "pump",
    "body-wash": "pump",
    "toothpaste": "tube",
    "bath": "pump",
    # 식품·음료
    "water": "water",
    "rice": "sack",
    "coffee": "cup",
    "dessert": "cake",
    "food-drink": "cup",
    # 인테리어
    "interior-goods": "vase",
    "candles": "candle",
    "interior": "vase",
    # 패션
    "bags": "bag",
    "dresses": "dress",
    "accessories": "accessory",
    "fashion": "bag",
}
FALLBACK_MOTIF = "box"


def placeholder_motif(*, slug: str) -> str:
    return MOTIF_BY_SLUG.get(slug, FALLBACK_MOTIF)


@cache
def _motif_url(motif: str) -> str:
    return static(f"img/placeholders/{motif}.svg")


def placeholder_static_url(*, slug: str) -> str:
    """The static URL of the category's drawing (hashed, so browsers keep it, under ManifestStaticFilesStorage)."""
    return _motif_url(placeholder_motif(slug=slug))
