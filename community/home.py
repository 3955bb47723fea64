"""What community adds to the shop's home page (registered in CommunityConfig.ready through shop.hooks).

The popular-tours strip is the same for every visitor, so its HTML is kept in the shared cache for STRIP_SECONDS
(popularity moves slowly; a new like shows on the strip within that time). A dead cache renders it fresh.
"""

import logging

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from community.selectors.tours import tours_popular

logger = logging.getLogger(__name__)
STRIP_SECONDS = 60


def popular_tours_section(request: HttpRequest) -> SafeString | str:
    key = f"community:home-tours:{get_language()}"
    try:
        html = cache.get(key)
    except Exception:
        logger.warning("shared cache unavailable for %s", key, exc_info=True)
        html = None
    if html is None:
        tours = tours_popular()
        for tour in tours:
            tour.is_scrapped = False  # the cached strip is the same for everyone; the tour page shows your own state
        html = render_to_string("community/tours/partials/_home_strip.html", {"tours": tours}) if tours else ""
        try:
            cache.set(key, html, STRIP_SECONDS)
        except Exception:
            logger.warning("shared cache unavailable for %s", key, exc_info=True)
    return mark_safe(html)  # noqa: S308 (our own auto-escaped template output)
