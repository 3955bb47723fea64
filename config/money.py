"""Money is an integer number of won; these helpers format it the way Korean malls do."""

from django.utils.translation import gettext


def format_won(amount: int | None) -> str:
    """12900 -> '12,900원' (the usual form on product cards and totals); '₩12,900' in English."""
    return gettext("%(amount)s원") % {"amount": f"{int(amount or 0):,}"}


def format_krw(amount: int | None) -> str:
    """12900 -> '₩12,900' (the compact form, where space is tight)."""
    value = int(amount or 0)
    sign = "-" if value < 0 else ""
    return f"{sign}₩{abs(value):,}"


def discount_rate(*, price: int, list_price: int | None) -> int:
    """Whole-percent discount from list price to price, 0 when there is none."""
    if not list_price or list_price <= price:
        return 0
    return int((list_price - price) * 100 // list_price)
