from .catalog import Category, Product, ProductImage, Store

__all__ = ["Category", "Product", "ProductImage", "Store"]
