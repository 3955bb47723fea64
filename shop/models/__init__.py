from .catalog import Category, Product, ProductImage, Store
from .coupons import CouponRule, IssuedCoupon

__all__ = ["Category", "CouponRule", "IssuedCoupon", "Product", "ProductImage", "Store"]
