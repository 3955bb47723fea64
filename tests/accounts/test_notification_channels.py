"""The customer chooses the channels of order and delivery notices on the profile page."""

import re

import pytest
from django.urls import reverse

from accounts import services
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_new_customers_get_notices_by_email_and_alimtalk():
    user = UserFactory()
    assert (user.notify_by_email, user.notify_by_alimtalk) == (True, True)


def test_profile_page_shows_both_notice_channels_ticked_by_default(client):
    client.force_login(UserFactory())
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "주문·배송 알림을 이메일로 받기" in body
    assert "주문·배송 알림을 카카오 알림톡으로 받기" in body
    assert re.search(r'<input[^>]*name="notify_by_email"[^>]*checked', body)


def test_profile_turns_alimtalk_off_and_keeps_marketing_consent_apart(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"nickname": user.nickname, "notify_by_email": "on"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.notify_by_email, user.notify_by_alimtalk) == (True, False)
    assert user.marketing_consented_at is None


def test_notification_channels_set_changes_only_those_fields():
    user = UserFactory(nickname="하늘")
    services.user_notification_channels_set(user=user, email=False, alimtalk=True)
    user.refresh_from_db()
    assert (user.notify_by_email, user.notify_by_alimtalk, user.nickname) == (False, True, "하늘")
