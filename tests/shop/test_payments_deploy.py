"""The demo provider cannot reach production, and the client may pick a payment outcome only in the demo."""

import secrets
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shop.checks import DEMO_IN_PRODUCTION, TOSS_KEYS_MISSING, payment_provider_check
from shop.models import Order, OrderStatus
from tests.accounts.factories import UserFactory
from tests.config.helpers import clean_env, run_manage
from tests.shop.factories import ProductFactory


def _check_deploy(tmp_path, **env: str):
    """`manage.py check --deploy` as CI runs it: production settings, embedded database."""
    production = clean_env(
        tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="donggeu.example"
    )
    for name in [name for name in production if name.startswith(("SHOP_", "TOSS_"))]:
        del production[name]
    return run_manage("check", "--deploy", "--fail-level", "WARNING", env={**production, **env})


def test_check_deploy_fails_with_the_demo_provider_and_passes_with_the_flag(tmp_path):
    demo = _check_deploy(tmp_path, SHOP_PAYMENT_PROVIDER="demo")
    allowed = _check_deploy(tmp_path, SHOP_PAYMENT_PROVIDER="demo", SHOP_ALLOW_DEMO_PAYMENTS="1")

    assert demo.returncode != 0
    assert DEMO_IN_PRODUCTION in demo.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_provider_check_passes_toss_with_keys_names_missing_keys_and_is_silent_in_development(settings):
    settings.DEBUG = False
    settings.SHOP_ALLOW_DEMO_PAYMENTS = False
    settings.SHOP_PAYMENT_PROVIDER = "toss"
    settings.TOSS_CLIENT_KEY, settings.TOSS_SECRET_KEY = "live_ck_x", "live_sk_x"
    assert payment_provider_check(None) == []
    settings.TOSS_CLIENT_KEY = settings.TOSS_SECRET_KEY = ""
    assert [error.id for error in payment_provider_check(None)] == [TOSS_KEYS_MISSING]
    settings.DEBUG = True
    settings.SHOP_PAYMENT_PROVIDER = "demo"
    assert payment_provider_check(None) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("outcome", "status"), [("approve", OrderStatus.PAID), ("decline", OrderStatus.CANCELLED)])
def test_demo_provider_still_takes_the_clients_outcome(settings, outcome, status):
    settings.SHOP_PAYMENT_PROVIDER = "demo"
    user = UserFactory()
    api = APIClient()
    api.force_authenticate(user)
    api.post(reverse("api-cart"), {"product_id": ProductFactory(stock=3).pk, "quantity": 1}, format="json")
    address = {"recipient_name": "김하늘", "phone": "010-1234-5678", "postal_code": "04524", "address1": "세종대로"}
    body = {"idempotency_key": str(uuid.uuid4()), "address": address, "payment_method": "card", "demo_outcome": outcome}

    response = api.post(reverse("api-checkout"), body, format="json")

    assert response.status_code == 201
    assert Order.objects.get(user=user).status == status


@pytest.mark.django_db
def test_openapi_schema_documents_every_checkout_status_and_retry_after():
    schema = APIClient().get(reverse("api-schema"), {"format": "json"}).json()
    responses = schema["paths"]["/api/checkout/"]["post"]["responses"]

    assert set(responses) >= {"200", "201", "400", "401", "403", "409"}
    assert "Retry-After" in responses["409"]["headers"]
