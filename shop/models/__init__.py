from .addresses import Address
from .billing import BillingKey
from .cart import Cart, CartLine
from .catalog import Category, Product, ProductImage, Store
from .coupons import CouponRule, IssuedCoupon
from .notifications import NotificationChannel, NotificationEvent, NotificationLog
from .orders import ORDER_TRANSITIONS, TRACKING_URLS, Carrier, Order, OrderLine, OrderStatus, OrderStatusEvent
from .payments import BANK_CHOICES, Payment, PaymentMethod, PaymentStatus
from .points import PointAccount, PointEntry
from .reviews import Review, ReviewHelpfulVote, ReviewPhoto, ReviewReply
from .subscriptions import Subscription, SubscriptionRun
from .wishlist import WishlistItem

__all__ = [
    "BANK_CHOICES",
    "ORDER_TRANSITIONS",
    "TRACKING_URLS",
    "Address",
    "BillingKey",
    "Carrier",
    "Cart",
    "CartLine",
    "Category",
    "CouponRule",
    "IssuedCoupon",
    "NotificationChannel",
    "NotificationEvent",
    "NotificationLog",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderStatusEvent",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "PointAccount",
    "PointEntry",
    "Product",
    "ProductImage",
    "Review",
    "ReviewHelpfulVote",
    "ReviewPhoto",
    "ReviewReply",
    "Store",
    "Subscription",
    "SubscriptionRun",
    "WishlistItem",
]
