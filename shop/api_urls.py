from django.urls import path
from rest_framework.routers import SimpleRouter

from shop.api import cart, catalog, loyalty, orders

router = SimpleRouter()
router.register("categories", catalog.CategoryViewSet, basename="api-category")
router.register("products", catalog.ProductViewSet, basename="api-product")
router.register("stores", catalog.StoreViewSet, basename="api-store")
router.register("orders", orders.OrderViewSet, basename="api-order")

urlpatterns: list = [
    *router.urls,
    path("cart/", cart.CartView.as_view(), name="api-cart"),
    path("cart/lines/<int:line_id>/", cart.CartLineView.as_view(), name="api-cart-line"),
    path("checkout/", orders.CheckoutView.as_view(), name="api-checkout"),
    path("my/coupons/", loyalty.CouponWalletView.as_view(), name="api-coupons"),
    path("my/points/", loyalty.PointEntryListView.as_view(), name="api-points"),
    path("my/wishlist/", loyalty.WishlistView.as_view(), name="api-wishlist"),
    path("my/subscriptions/", loyalty.SubscriptionListView.as_view(), name="api-subscriptions"),
]
