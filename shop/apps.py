from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("쇼핑")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from config import page_context
        from shop.cart_session import cart_count_context, cart_merge_on_login

        page_context.register(cart_count_context)

        from shop.services.catalog import connect_catalog_cache_signals

        connect_catalog_cache_signals()
        user_logged_in.connect(cart_merge_on_login, dispatch_uid="shop_cart_merge_on_login")

        # Loyalty's product-page panels: the 찜 heart and the 정기배송 sign-up.
        from shop.hooks import register_product_panel
        from shop.views.panels import subscribe_panel, wishlist_panel

        register_product_panel(wishlist_panel)
        register_product_panel(subscribe_panel)
