from rest_framework.routers import SimpleRouter

from shop.api import catalog

router = SimpleRouter()
router.register("categories", catalog.CategoryViewSet, basename="api-category")
router.register("products", catalog.ProductViewSet, basename="api-product")
router.register("stores", catalog.StoreViewSet, basename="api-store")

urlpatterns: list = [*router.urls]
