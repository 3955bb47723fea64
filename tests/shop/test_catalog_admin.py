"""Catalog admin: staff can find, filter and edit products; an edit never overwrites concurrent stock changes."""

import pytest
from django.urls import reverse

from shop.models import Product
from tests.accounts.factories import UserFactory
from tests.shop.factories import ProductFactory, ProductImageFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["category", "store", "product"])
def test_catalog_admin_changelists_load(admin_client, model):
    ProductFactory()
    assert admin_client.get(reverse(f"admin:shop_{model}_changelist")).status_code == 200


def test_product_admin_search_and_filters(admin_client):
    ProductFactory(name="라벤더 세탁세제")
    ProductFactory(name="제주 생수")
    response = admin_client.get(reverse("admin:shop_product_changelist"), {"q": "세탁", "is_active__exact": "1"})
    html = response.content.decode()
    assert "라벤더 세탁세제" in html
    assert "제주 생수" not in html


def test_product_admin_change_page_has_image_inline(admin_client):
    product = ProductFactory()
    ProductImageFactory(product=product)
    html = admin_client.get(reverse("admin:shop_product_change", args=[product.pk])).content.decode()
    assert "images-TOTAL_FORMS" in html


def test_product_admin_edit_keeps_a_stock_change_made_meanwhile(admin_client):
    product = ProductFactory(price=12900, list_price=15900, stock=10)
    url = reverse("admin:shop_product_change", args=[product.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "store": product.store_id,
            "category": product.category_id,
            "name": product.name,
            "description": product.description,
            "price": 11900,
            "list_price": 15900,
            "stock": 10,
            "is_active": "on",
            "initial-price": 12900,
            "initial-list_price": 15900,
            "initial-stock": 10,
            "initial-is_active": "True",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        }
    )
    Product.objects.filter(pk=product.pk).update(stock=7)  # a checkout sold 3 while the editor had the page open
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert (product.price, product.stock) == (11900, 7)


def test_team_admin_shows_members_inline(admin_client):
    store = StoreFactory()
    html = admin_client.get(reverse("admin:crm_team_change", args=[store.team.pk])).content.decode()
    assert "members-TOTAL_FORMS" in html
