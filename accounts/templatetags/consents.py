from django import template
from django.urls import reverse

from accounts.services import marketing_opt_out_token

register = template.Library()


@register.simple_tag
def marketing_opt_out_url(user_id: int) -> str:
    """The one-tap opt-out link for the customer `user_id` (signed; works without logging in)."""
    return reverse("accounts:marketing_opt_out", kwargs={"token": marketing_opt_out_token(user_id=user_id)})
