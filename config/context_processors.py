from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import pgettext

from config import page_context

# The shell's links (template variable -> URL name). They never change while the process runs, so they are
# reversed once per script prefix instead of on every page.
SHELL_URLS = {
    "home_url": "shop:home",
    "categories_url": "shop:categories",
    "search_url": "shop:search",
    "cart_url": "shop:cart",
    "orders_url": "shop:order_list",
    "wallet_url": "shop:wallet",
    "points_url": "shop:points",
    "wishlist_url": "shop:wishlist",
    "frequent_url": "shop:frequent",
    "subscriptions_url": "shop:subscriptions",
    "my_reviews_url": "shop:my_reviews",
    "feed_url": "feed:feed",
    "community_url": "community:home",
    "login_url": "accounts:login",
    "signup_url": "accounts:signup",
    "logout_url": "accounts:logout",
    "profile_url": "accounts:profile",
    "household_url": "accounts:household",
    "admin_url": "admin:index",
    "set_language_url": "set_language",
}


@cache
def _shell_urls(script_prefix: str) -> dict[str, str]:
    urls = {}
    for variable, name in SHELL_URLS.items():
        try:
            urls[variable] = reverse(name)
        except NoReverseMatch:  # an app left out of INSTALLED_APPS: its links are hidden
            urls[variable] = ""
    return urls


def mall(request: HttpRequest) -> dict[str, Any]:
    return {
        "MALL_NAME": pgettext("brand name", "동네가게"),
        **_shell_urls(get_script_prefix()),
        **page_context.collect(request),
    }
