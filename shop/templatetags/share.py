"""Share cards: absolute URLs for Open Graph / Twitter card tags (카카오톡, 라인 and X read only absolute ones)."""

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    """`path` made absolute against this request's host (or SITE_URL when rendered without a request)."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


@register.simple_tag(takes_context=True)
def share_default_image(context: template.Context) -> str:
    """The mall's own card picture (1200x630 PNG), for pages without a picture of their own."""
    return absolute_url(context, static("img/share-card.png"))
