import pytest
from django.test import override_settings
from rest_framework import serializers
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from config.api import SERVER_ERROR
from config.errors import DomainError

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()


class Boom(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    error: Exception = RuntimeError("boom")

    def get(self, request):
        raise self.error


class NumberSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)


class Validate(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def post(self, request):
        NumberSerializer(data=request.data).is_valid(raise_exception=True)


def call(view_class, **attrs):
    view = view_class.as_view(**attrs)
    return view(factory.get("/api/x/")) if view_class is Boom else view(factory.post("/api/x/", {}, format="json"))


def test_domain_error_is_json_detail_with_its_status():
    response = call(
        Boom, error=DomainError("쿠폰은 30,000원 이상 주문할 때 쓸 수 있어요.", code="min_order", http_status=409)
    )
    assert response.status_code == 409
    assert response.data == {"detail": "쿠폰은 30,000원 이상 주문할 때 쓸 수 있어요.", "code": "min_order"}


def test_validation_error_is_json_detail_naming_the_field():
    response = call(Validate)
    assert response.status_code == 400
    assert response.data["detail"].startswith("quantity: ")
    assert "quantity" in response.data["errors"]


def test_unexpected_error_is_json_500_not_html():
    with override_settings(DEBUG=False):
        response = call(Boom, error=KeyError("secret internals"))
    assert response.status_code == 500
    assert response.data == {"detail": SERVER_ERROR}


def test_unauthenticated_call_answers_with_json_detail(client):
    response = client.get("/api/accounts/me/")
    assert response.status_code in (401, 403)
    assert isinstance(response.json()["detail"], str)


def test_openapi_schema_describes_the_accounts_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/accounts/me/" in schema["paths"]
    assert "/api/accounts/token/" in schema["paths"]
    assert {"patch", "get"} <= set(schema["paths"]["/api/accounts/me/"])


def test_api_docs_are_served_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert "https://" not in body
