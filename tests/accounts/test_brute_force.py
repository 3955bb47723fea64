"""Passwords and coupon codes cannot be guessed at full speed: 10 failures in a row lock the account (or the
shopper's coupon claims) for 15 minutes with a Korean message and Retry-After; the right password is never slowed."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.shop.factories import CouponRuleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
TOKEN = "/api/accounts/token/"
LOCKED = "시도가 너무 많아요"


@pytest.fixture
def shopper():
    return UserFactory(username="guesswho", password=PASSWORD)


def _wrong_logins(client, url, count, **extra):
    return [client.post(url, {"username": "guesswho", "password": f"wrong-{n}"}, **extra) for n in range(count)]


def test_the_11th_wrong_password_on_the_page_is_refused_with_a_message_and_retry_after(client, shopper):
    url = reverse("accounts:login")
    assert {r.status_code for r in _wrong_logins(client, url, 10)} == {200}  # the form again, "맞지 않아요"

    refused = client.post(url, {"username": "guesswho", "password": PASSWORD})

    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session


def test_the_11th_wrong_password_on_the_token_api_is_refused_json(shopper):
    api = APIClient()
    assert {r.status_code for r in _wrong_logins(api, TOKEN, 10)} == {401}

    refused = api.post(TOKEN, {"username": "guesswho", "password": PASSWORD}, format="json")

    assert refused.status_code == 429
    assert LOCKED in refused.json()["detail"]
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0


def test_after_the_window_the_right_password_logs_in(client, shopper):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _wrong_logins(client, reverse("accounts:login"), 11)
        clock.shift(15 * 60 + 1)

        response = client.post(reverse("accounts:login"), {"username": "guesswho", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(shopper.pk)


def test_a_right_password_clears_the_count_so_typos_never_add_up(client, shopper):
    url = reverse("accounts:login")
    _wrong_logins(client, url, 9)
    assert client.post(url, {"username": "guesswho", "password": PASSWORD}).status_code == 302
    client.logout()

    _wrong_logins(client, url, 9)

    assert client.post(url, {"username": "guesswho", "password": PASSWORD}).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped_per_ip(client, settings):
    UserFactory(username="victim", password=PASSWORD)
    url = reverse("accounts:login")
    for n in range(50):
        client.post(url, {"username": f"nobody{n}", "password": "x"}, REMOTE_ADDR="198.51.100.9")

    refused = client.post(url, {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="198.51.100.9")
    elsewhere = client.post(url, {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")

    assert refused.status_code == 429
    assert elsewhere.status_code == 302


def test_behind_our_proxy_the_limit_counts_the_address_nginx_saw(client, settings):
    settings.PROXY_COUNT = 1
    url = reverse("accounts:login")
    for n in range(50):
        client.post(url, {"username": f"nobody{n}", "password": "x"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")

    other_visitor = client.post(url, {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.5")
    forged_prefix = client.post(
        url, {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.9"
    )

    assert other_visitor.status_code == 200
    assert forged_prefix.status_code == 429


def test_sign_up_is_limited_per_address(client):
    url = reverse("accounts:signup")
    for _ in range(10):
        client.post(url, {"username": ""})

    refused = client.post(url, {"username": ""})

    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert "Retry-After" in refused


def test_password_reset_mails_are_limited_per_address_book_entry(client, mailoutbox):
    UserFactory(email="minji@example.com")
    url = reverse("accounts:password_reset")
    answers = [client.post(url, {"email": "minji@example.com"}).status_code for _ in range(4)]

    assert answers == [302, 302, 302, 429]
    assert len(mailoutbox) == 3


def test_coupon_codes_cannot_be_guessed_on_the_api():
    shopper = UserFactory()
    CouponRuleFactory(code="REALCODE")
    api = APIClient()
    api.force_authenticate(shopper)
    guesses = [api.post("/api/my/coupons/", {"code": f"GUESS{n}"}, format="json").status_code for n in range(10)]

    refused = api.post("/api/my/coupons/", {"code": "REALCODE"}, format="json")

    assert set(guesses) == {404}
    assert refused.status_code == 429
    assert LOCKED in refused.json()["detail"]
    assert "Retry-After" in refused


def test_coupon_codes_cannot_be_guessed_on_the_wallet_page(client):
    shopper = UserFactory()
    client.force_login(shopper)
    for n in range(10):
        client.post(reverse("shop:wallet"), {"code": f"GUESS{n}"})

    refused = client.post(reverse("shop:wallet"), {"code": "ANOTHER"})

    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()


def test_a_real_coupon_code_is_not_counted():
    shopper = UserFactory()
    api = APIClient()
    api.force_authenticate(shopper)
    for n in range(12):
        CouponRuleFactory(code=f"REAL{n}")
        assert api.post("/api/my/coupons/", {"code": f"REAL{n}"}, format="json").status_code == 201
