from django.urls import path

from shop.views import cart, catalog, checkout, orders, payments
from shop.views import coupons as coupon_views
from shop.views import points as point_views
from shop.views import reorder as reorder_views
from shop.views import reviews as review_views
from shop.views import subscriptions as subscription_views
from shop.views import wishlist as wishlist_views

app_name = "shop"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("categories/", catalog.categories, name="categories"),
    path("c/<str:slug>/", catalog.category, name="category"),
    path("c/<str:slug>/placeholder.png", catalog.category_placeholder, name="category_placeholder"),
    path("p/<int:pk>/", catalog.product, name="product"),
    path("s/<str:slug>/", catalog.store, name="store"),
    path("search/", catalog.search, name="search"),
    # cart, checkout and orders
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove_view, name="cart_line_remove"),
    path("cart/lines/<int:line_id>/select/", cart.cart_line_select_view, name="cart_line_select"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/toss/success/", payments.toss_success, name="toss_success"),
    path("checkout/toss/fail/", payments.toss_fail, name="toss_fail"),
    path("payments/toss/webhook/", payments.toss_webhook, name="toss_webhook"),
    path("my/subscriptions/card/success/", payments.toss_billing_success, name="toss_billing_success"),
    path("my/subscriptions/card/fail/", payments.toss_billing_fail, name="toss_billing_fail"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/complete/", orders.order_complete, name="order_complete"),
    path("orders/<str:number>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<str:number>/refund-account/", orders.order_refund_account_view, name="order_refund_account"),
    # loyalty: coupons, points, subscriptions, wishlist, reorder, reviews
    path("my/coupons/", coupon_views.wallet, name="wallet"),
    path("my/points/", point_views.points, name="points"),
    path("my/subscriptions/", subscription_views.subscriptions, name="subscriptions"),
    path("my/subscriptions/new/", subscription_views.subscription_subscribe, name="subscription_subscribe"),
    path("my/subscriptions/<int:pk>/address/", subscription_views.subscription_address, name="subscription_address"),
    path("my/subscriptions/<int:pk>/<str:action>/", subscription_views.subscription_action, name="subscription_action"),
    path("my/wishlist/", wishlist_views.wishlist, name="wishlist"),
    path("my/wishlist/<int:product_id>/toggle/", wishlist_views.wishlist_toggle_view, name="wishlist_toggle"),
    path("my/frequent/", reorder_views.frequent, name="frequent"),
    path(
        "my/frequent/category/<int:category_id>/reorder/",
        reorder_views.category_reorder_view,
        name="category_reorder",
    ),
    path("orders/<str:number>/reorder/", reorder_views.order_reorder_view, name="order_reorder"),
    path("my/reviews/", review_views.my_reviews, name="my_reviews"),
    path("my/reviews/write/<int:line_id>/", review_views.review_write, name="review_write"),
    path("p/<int:pk>/reviews/", review_views.product_reviews, name="product_reviews"),
    path("reviews/<int:pk>/helpful/", review_views.review_helpful, name="review_helpful"),
    path("reviews/<int:pk>/reply/", review_views.review_reply_view, name="review_reply"),
]
