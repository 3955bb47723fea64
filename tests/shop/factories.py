import factory

from shop.models import Category, Product, ProductImage, Store
from tests.crm.factories import TeamFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"세제 {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    kind = Category.Kind.ESSENTIAL
    replenishment_days = 30


class PreferenceCategoryFactory(CategoryFactory):
    name = factory.Sequence(lambda n: f"가방 {n}")
    kind = Category.Kind.PREFERENCE
    replenishment_days = None


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"골목 생활용품점 {n}")
    slug = factory.Sequence(lambda n: f"store-{n}")
    team = factory.SubFactory(TeamFactory)
    greeting = "안녕하세요, 오늘도 좋은 물건으로 찾아뵐게요."


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    store = factory.SubFactory(StoreFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"향기 좋은 세탁세제 {n}")
    description = "부드러운 향의 고농축 세제예요."
    price = 12900
    list_price = 15900
    stock = 100


class ProductImageFactory(factory.django.DjangoModelFactory):
    """A real (tiny) PNG in the test's media root, so templates can ask for its URL."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(color="orange", width=8, height=8, format="PNG")
    alt = factory.LazyAttribute(lambda o: o.product.name)
    sort_order = 0


# --- loyalty: coupons, points, subscriptions, reviews, wishlist ---
from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from shop.models import CouponRule, Order, OrderLine  # noqa: E402
from tests.accounts.factories import UserFactory  # noqa: E402


class CouponRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponRule

    name = factory.Sequence(lambda n: f"단골 감사 쿠폰 {n}")
    discount_kind = CouponRule.DiscountKind.FIXED
    discount_value = 3000
    min_order_amount = 0
    scope = CouponRule.Scope.ALL
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    per_customer_limit = 1


class PlacedOrderFactory(factory.django.DjangoModelFactory):
    """A plain order row for loyalty tests (points, reviews, reorder); totals add up, no lines by default.

    Orders whose invariants matter (stock, payment) come from the checkout service instead.
    """

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"L{n:011d}")
    user = factory.SubFactory(UserFactory)
    status = Order.Status.PAID
    recipient_name = "김하늘"
    phone = "010-1234-5678"
    postal_code = "04524"
    address1 = "서울특별시 중구 세종대로 110"
    subtotal = 30000
    shipping_fee = 0
    coupon_discount = 0
    points_used = 0
    total = factory.LazyAttribute(lambda o: o.subtotal + o.shipping_fee - o.coupon_discount - o.points_used)
    paid_at = factory.LazyFunction(timezone.now)


class PlacedOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(PlacedOrderFactory)
    product = factory.SubFactory(ProductFactory)
    store = factory.SelfAttribute("product.store")
    product_name = factory.SelfAttribute("product.name")
    store_name = factory.SelfAttribute("product.store.name")
    unit_price = factory.SelfAttribute("product.price")
    list_price = factory.SelfAttribute("product.list_price")
    quantity = 1
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)
