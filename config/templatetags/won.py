"""Template filters for won amounts, installed as builtins: `{{ price|won }}`, `{{ price|krw }}`."""

from django import template

from config.money import format_krw, format_won

register = template.Library()


@register.filter(name="won")
def won(amount: int | None) -> str:
    return format_won(amount)


@register.filter(name="krw")
def krw(amount: int | None) -> str:
    return format_krw(amount)
