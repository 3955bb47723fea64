"""Context for templates rendered into copies that many visitors share (shop.views.catalog)."""

from django.http import HttpRequest


def shared_copy(request: HttpRequest) -> dict[str, str]:
    """While a shared copy is rendered, {% csrf_token %} writes a placeholder that each response replaces with its
    own visitor's token, instead of the token of the visitor whose request happened to render the copy."""
    placeholder = getattr(request, "csrf_token_placeholder", None)
    return {"csrf_token": placeholder} if placeholder else {}
