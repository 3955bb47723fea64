import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/accounts/me/"
TOKEN = "/api/accounts/token/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_me_without_login_is_401_json(api):
    response = api.get(ME)
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_me_shows_own_profile_and_household(api):
    user = UserFactory(nickname="서윤")
    services.household_create(user=user, name="서윤네", size=2, has_children=True, has_pets=False)
    api.force_authenticate(user)
    body = api.get(ME).json()
    assert body["nickname"] == "서윤"
    assert body["marketing_consent"] is False
    assert body["household"]["name"] == "서윤네"
    assert body["household"]["has_children"] is True


def test_me_patch_changes_profile_and_consents(api):
    user = UserFactory()
    api.force_authenticate(user)
    response = api.patch(ME, {"nickname": "바뀐닉", "phone": "01055556666", "marketing_consent": True}, format="json")
    assert response.status_code == 200
    assert response.json()["nickname"] == "바뀐닉"
    assert response.json()["marketing_consent"] is True
    user.refresh_from_db()
    assert user.phone == "010-5555-6666"
    assert user.marketing_consented_at is not None


def test_me_patch_night_consent_without_marketing_is_400_with_korean_detail(api):
    user = UserFactory()
    api.force_authenticate(user)
    response = api.patch(ME, {"night_marketing_consent": True}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == services.NIGHT_CONSENT_NEEDS_MARKETING
    user.refresh_from_db()
    assert user.night_marketing_consented_at is None


def test_me_patch_bad_phone_changes_nothing(api):
    user = UserFactory(nickname="원래")
    api.force_authenticate(user)
    response = api.patch(ME, {"nickname": "새것", "phone": "abc"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == services.PHONE_INVALID
    user.refresh_from_db()
    assert user.nickname == "원래"


def test_me_patch_bad_type_is_400_json_not_500(api):
    api.force_authenticate(UserFactory())
    response = api.patch(ME, {"birth_date": "어제"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("birth_date")
    assert "birth_date" in body["errors"]


def test_token_obtain_then_me_with_token(api):
    UserFactory(username="tokenuser")
    response = api.post(TOKEN, {"username": "tokenuser", "password": "test-pass-1234"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(ME).json()["username"] == "tokenuser"


def test_token_obtain_with_wrong_password_is_401_json_with_www_authenticate(api):
    UserFactory(username="tokenuser")
    response = api.post(TOKEN, {"username": "tokenuser", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()
    assert not Token.objects.filter(user__username="tokenuser").exists()
