from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("쇼핑")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from config import page_context
        from shop import checks  # noqa: F401 (registers the payment provider's deploy check)
        from shop.cart_session import cart_count_context, cart_merge_on_login

        page_context.register(cart_count_context)

        from shop.services.catalog import connect_catalog_cache_signals, connect_product_page_signals

        connect_catalog_cache_signals()
        connect_product_page_signals()
        user_logged_in.connect(cart_merge_on_login, dispatch_uid="shop_cart_merge_on_login")

        # Loyalty's product-page panels: the 찜 heart and the 정기배송 sign-up. What a visitor without an account
        # sees of them changes only with the product, so they share the product page's own stamp.
        from shop.hooks import register_product_panel
        from shop.services.catalog import product_page_stamp_key
        from shop.views.panels import subscribe_panel, wishlist_panel

        register_product_panel(wishlist_panel, visitor_stamp_key=product_page_stamp_key)
        register_product_panel(subscribe_panel, visitor_stamp_key=product_page_stamp_key)

        # Order and shipping notices (e-mail, 카카오 알림톡): queued after commit from shop's own signals.
        from shop import signals
        from shop.services import notifications

        signals.order_placed.connect(notifications.on_order_placed, dispatch_uid="shop_notify_order_placed")
        signals.order_status_changed.connect(
            notifications.on_order_status_changed, dispatch_uid="shop_notify_order_status"
        )
        signals.subscription_reminder_due.connect(
            notifications.on_subscription_reminder_due, dispatch_uid="shop_notify_subscription_reminder"
        )
