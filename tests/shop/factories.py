import factory

from shop.models import Category, Product, Store
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
