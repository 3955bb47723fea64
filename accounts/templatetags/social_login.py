from django import template

from accounts.social import PROVIDER_LABELS

register = template.Library()


@register.filter
def provider_label(provider_id: str) -> str:
    """'kakao' -> '카카오': the name Korean shoppers know the provider by."""
    return str(PROVIDER_LABELS.get(provider_id, provider_id))
