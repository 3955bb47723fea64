"""카카오 / 네이버 log-in through allauth, end to end against a local fake provider (no network).

The flow is the real one: our button POSTs to allauth, allauth redirects to the provider with a state, the
provider calls back with a code, allauth swaps it for a token and reads the profile from the fake server.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter
from allauth.socialaccount.providers.naver.views import NaverOAuth2Adapter
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from feed.middleware import VISITOR_COOKIE
from feed.models import FeedItem, TrackedEvent
from shop.models import CartLine
from tests.accounts.factories import UserFactory
from tests.fake_http import fake_http_server
from tests.feed.event_factories import TrackedEventFactory
from tests.feed.factories import FeedItemFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

KAKAO_ID = 4_100_000_001


def kakao_profile(*, email: str = "haneul@kakao.example", verified: bool = True, nickname: str = "하늘") -> dict:
    return {
        "id": KAKAO_ID,
        "properties": {"nickname": nickname},
        "kakao_account": {
            "profile": {"nickname": nickname},
            "email": email,
            "is_email_valid": True,
            "is_email_verified": verified,
        },
    }


@pytest.fixture
def social_keys(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "kakao": {"APPS": [{"client_id": "kakao-test-id", "secret": "kakao-test-secret", "key": ""}]},
        "naver": {"APPS": [{"client_id": "naver-test-id", "secret": "naver-test-secret", "key": ""}]},
    }


@pytest.fixture
def fake_kakao(social_keys, monkeypatch):
    """A fake 카카오: token endpoint and profile API; `fake.profile` is what /v2/user/me answers."""
    routes = {
        ("POST", "/oauth/token"): (200, {"access_token": "kakao-access", "token_type": "bearer", "expires_in": 3600})
    }
    with fake_http_server(routes) as fake:
        fake.profile = kakao_profile()
        fake.routes[("GET", "/v2/user/me")] = lambda request: (200, fake.profile)
        monkeypatch.setattr(KakaoOAuth2Adapter, "access_token_url", f"{fake.url}/oauth/token")
        monkeypatch.setattr(KakaoOAuth2Adapter, "profile_url", f"{fake.url}/v2/user/me")
        yield fake


def social_login(client, provider: str = "kakao"):
    """Press the button, come back from the provider with a code; returns the response of the callback."""
    started = client.post(reverse(f"{provider}_login"), {"process": "login"})
    assert started.status_code == 302
    authorize = urlsplit(started["Location"])
    state = parse_qs(authorize.query)["state"][0]
    return client.get(reverse(f"{provider}_callback"), {"code": "one-time-code", "state": state})


def signup_form(**overrides) -> dict:
    data = {"nickname": "하늘", "email": "haneul@kakao.example", "terms": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- buttons ------------------------------------------------------------------------------------------------------


def test_login_page_without_keys_shows_no_social_buttons(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="social-login"' not in body
    assert "카카오로 시작하기" not in body


def test_login_and_signup_pages_with_keys_show_kakao_and_naver_buttons(client, social_keys):
    for name in ("accounts:login", "accounts:signup"):
        body = client.get(reverse(name)).content.decode()
        assert "카카오로 시작하기" in body
        assert "네이버로 시작하기" in body
        assert reverse("kakao_login") in body


def test_login_page_with_only_kakao_keys_hides_naver(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"kakao": {"APPS": [{"client_id": "k", "secret": "s", "key": ""}]}}
    body = client.get(reverse("accounts:login")).content.decode()
    assert "카카오로 시작하기" in body
    assert "네이버로 시작하기" not in body


# --- sign-up ------------------------------------------------------------------------------------------------------


def test_kakao_first_login_asks_nickname_and_unticked_consents(client, fake_kakao):
    response = social_login(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    page = client.get(response["Location"]).content.decode()
    assert 'value="하늘"' in page  # the nickname 카카오 suggested, editable
    assert "할인·이벤트 소식 받기" in page
    assert "밤 시간" in page
    for name in ("marketing_consent", "night_marketing_consent", "terms"):
        tag = page.split(f'name="{name}"')[0].rsplit("<input", 1)[1] + page.split(f'name="{name}"')[1].split(">")[0]
        assert "checked" not in tag
    assert not User.objects.exists()
    token_call = fake_kakao.calls("POST", "/oauth/token")[0].form()
    assert token_call["code"] == ["one-time-code"]
    assert fake_kakao.calls("GET", "/v2/user/me")[0].headers["authorization"] == "Bearer kakao-access"


def test_kakao_signup_creates_account_with_both_consents_off_until_ticked(client, fake_kakao):
    social_login(client)

    response = client.post(reverse("socialaccount_signup"), signup_form(nickname="하늘이네"))

    assert response.status_code == 302
    user = User.objects.get()
    assert user.nickname == "하늘이네"
    assert user.email == "haneul@kakao.example"
    assert user.marketing_consented_at is None
    assert user.night_marketing_consented_at is None
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).provider == "kakao"
    assert client.get(reverse("accounts:profile")).status_code == 200  # logged in


def test_kakao_signup_records_each_ticked_consent_separately(client, fake_kakao):
    social_login(client)
    before = timezone.now()

    client.post(reverse("socialaccount_signup"), signup_form(marketing_consent="on"))

    user = User.objects.get()
    assert user.marketing_consented_at >= before
    assert user.night_marketing_consented_at is None


def test_kakao_signup_night_consent_without_marketing_is_a_form_error(client, fake_kakao):
    social_login(client)

    response = client.post(reverse("socialaccount_signup"), signup_form(night_marketing_consent="on"))

    assert response.status_code == 200
    assert "마케팅 정보 수신에 동의해야" in response.content.decode()
    assert not User.objects.exists()


def test_kakao_signup_needs_terms_and_a_nickname(client, fake_kakao):
    social_login(client)

    response = client.post(reverse("socialaccount_signup"), signup_form(terms=None, nickname="  "))

    body = response.content.decode()
    assert "필수 약관에 동의해야" in body
    assert "닉네임을 입력해 주세요" in body or "필수 항목" in body
    assert not User.objects.exists()


def test_kakao_second_login_goes_straight_in(client, fake_kakao):
    social_login(client)
    client.post(reverse("socialaccount_signup"), signup_form())
    client.post(reverse("accounts:logout"))

    response = social_login(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:home")
    assert User.objects.count() == 1


# --- linking ------------------------------------------------------------------------------------------------------


def test_kakao_login_with_verified_email_links_the_existing_account(client, fake_kakao):
    existing = UserFactory(email="haneul@kakao.example", nickname="하늘")

    response = social_login(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:home")
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == existing
    # Our sign-up does not verify e-mail addresses, so whoever set this password may not own the address: allauth
    # wipes it (pre-registration hijack defence); the owner logs in with 카카오 from now on.
    existing.refresh_from_db()
    assert not existing.has_usable_password()


def test_kakao_login_with_unverified_email_does_not_link_and_cannot_take_the_address(client, fake_kakao):
    existing = UserFactory(email="haneul@kakao.example")
    fake_kakao.profile = kakao_profile(verified=False)

    response = social_login(client)
    assert response["Location"] == reverse("socialaccount_signup")
    taken = client.post(reverse("socialaccount_signup"), signup_form())

    assert taken.status_code == 200
    assert "이 이메일로 가입한 계정이 이미 있어요" in taken.content.decode()
    assert not SocialAccount.objects.filter(user=existing).exists()
    assert User.objects.count() == 1


def test_naver_first_login_reads_the_response_envelope(client, social_keys, monkeypatch):
    profile = {
        "resultcode": "00",
        "message": "success",
        "response": {"id": "nv-77", "email": "dal@naver.example", "nickname": "달빛"},
    }
    routes = {
        ("POST", "/oauth2.0/token"): (
            200,
            {"access_token": "naver-access", "token_type": "bearer", "expires_in": 3600},
        ),
        ("GET", "/v1/nid/me"): (200, profile),
    }
    with fake_http_server(routes) as fake:
        monkeypatch.setattr(NaverOAuth2Adapter, "access_token_url", f"{fake.url}/oauth2.0/token")
        monkeypatch.setattr(NaverOAuth2Adapter, "profile_url", f"{fake.url}/v1/nid/me")
        response = social_login(client, "naver")
        page = client.get(response["Location"]).content.decode()
        client.post(reverse("socialaccount_signup"), {"nickname": "달빛", "email": "dal@naver.example", "terms": "on"})

    assert 'value="달빛"' in page
    assert "네이버 계정으로 가입해요" in page
    user = User.objects.get()
    assert (user.nickname, user.marketing_consented_at) == ("달빛", None)


# --- what a log-in brings along ------------------------------------------------------------------------------------


def test_visitor_cart_feed_items_and_history_survive_a_social_login(client, fake_kakao):
    """allauth logs in with django.contrib.auth.login, so user_logged_in runs the same merges as the password log-in."""
    existing = UserFactory(email="haneul@kakao.example")
    product = ProductFactory(stock=5)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 2})
    client.get(reverse("shop:home"))
    visitor_id = uuid.UUID(client.cookies[VISITOR_COOKIE].value)
    item = FeedItemFactory(visitor_id=visitor_id, user=None)
    event = TrackedEventFactory(visitor_id=visitor_id, user=None, occurred_at=timezone.now())

    social_login(client)

    assert dict(CartLine.objects.filter(cart__user=existing).values_list("product_id", "quantity")) == {product.pk: 2}
    assert FeedItem.objects.get(pk=item.pk).user == existing
    assert TrackedEvent.objects.filter(pk=event.pk, user=existing).exists()


def test_visitor_cart_survives_a_social_signup(client, fake_kakao):
    product = ProductFactory(stock=5)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 1})

    social_login(client)
    client.post(reverse("socialaccount_signup"), signup_form())

    user = User.objects.get()
    assert CartLine.objects.filter(cart__user=user, product=product, quantity=1).exists()
