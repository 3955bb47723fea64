"""The API's contract: every error is JSON {"detail": ...} and every status code it can answer is in the schema
(make api-check runs schemathesis over all of it; these pin the pieces it relies on)."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_an_api_path_that_matches_no_view_answers_json_404_even_in_production(settings):
    settings.DEBUG = False
    client = APIClient()
    client.force_authenticate(UserFactory())

    response = client.delete("/api/cart/lines/not-a-number/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_page_that_matches_no_view_is_still_the_html_page(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_operation_documents_the_errors_drf_answers_for_it(schema):
    cart_line = schema["paths"]["/api/cart/lines/{line_id}/"]
    assert {"200", "400", "403", "404", "415"} <= set(cart_line["patch"]["responses"])
    assert {"200", "403", "404"} <= set(cart_line["delete"]["responses"])
    products = schema["paths"]["/api/products/"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(products)  # bad filter, page past the end
    assert "403" not in products  # the catalog is public
    assert products["400"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ApiError"


def test_the_token_endpoint_is_public_and_documents_wrong_credentials_and_the_lock(schema):
    token = schema["paths"]["/api/accounts/token/"]["post"]
    assert {} in token["security"]
    assert {"200", "400", "401", "429"} <= set(token["responses"])


def test_an_unset_gender_is_in_the_documented_enum(schema):
    components = schema["components"]["schemas"]
    gender = components["Me"]["properties"]["gender"]
    options = [components[option["$ref"].rsplit("/", 1)[1]] for option in gender["oneOf"]]
    allowed = {value for option in options for value in option["enum"]}
    assert allowed == {"", "F", "M", "O"}


@pytest.mark.parametrize("query", ["kind=", "parent=1&parent=2"])
def test_an_empty_or_repeated_filter_is_refused_not_ignored(query):
    response = APIClient().get(f"/api/categories/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_json_number_is_not_read_as_a_boolean_or_as_text():
    client = APIClient()
    client.force_authenticate(UserFactory())

    as_boolean = client.patch("/api/accounts/me/", {"marketing_consent": 1}, format="json")
    as_text = client.patch("/api/accounts/me/", {"nickname": 7}, format="json")

    assert as_boolean.status_code == 400
    assert as_text.status_code == 400


@pytest.mark.parametrize("query", ["?page=", "?page=1&page=2"])
def test_an_empty_or_repeated_page_number_is_refused_with_json(client, query):
    answer = client.get("/api/community/tours/" + query)

    assert answer.status_code == 400
    assert "page" in answer.json()["errors"]
    assert answer.json()["detail"].startswith("page: ")
