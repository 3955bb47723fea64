"""System checks for payments: the demo provider must not reach production by accident.

`manage.py check --deploy` (and the server's start-up checks with DJANGO_DEBUG=0) fail while the demo provider,
which lets anyone "pay" without money, is configured, unless SHOP_ALLOW_DEMO_PAYMENTS=1 says it is meant (a demo
site, CI). A real provider without its keys fails too.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from shop.payments import demo_payments_configured, payment_provider_path

DEMO_IN_PRODUCTION = "shop.E001"
TOSS_KEYS_MISSING = "shop.E002"


@register(Tags.security, deploy=True)
def payment_provider_check(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    if demo_payments_configured() and not settings.SHOP_ALLOW_DEMO_PAYMENTS:
        return [
            Error(
                "The demo payment provider is configured with DJANGO_DEBUG=0: anyone could order without paying.",
                hint="Set SHOP_PAYMENT_PROVIDER=toss with TOSS_CLIENT_KEY and TOSS_SECRET_KEY, or set "
                "SHOP_ALLOW_DEMO_PAYMENTS=1 for a demo site on purpose.",
                id=DEMO_IN_PRODUCTION,
            )
        ]
    if payment_provider_path().endswith("TossPaymentProvider") and not (
        settings.TOSS_CLIENT_KEY and settings.TOSS_SECRET_KEY
    ):
        return [
            Error(
                "SHOP_PAYMENT_PROVIDER=toss needs TOSS_CLIENT_KEY and TOSS_SECRET_KEY.",
                hint="Copy both keys from the Toss Payments developer centre (live_ck_…, live_sk_…).",
                id=TOSS_KEYS_MISSING,
            )
        ]
    return []
