"""/privacy/ (개인정보 처리방침) states what behaviour data is kept, for how long, and how to switch it off."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_privacy_page_states_the_configured_event_retention(client, settings):
    settings.FEED_EVENT_RETENTION_DAYS = 45

    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>45일</strong> 동안 보관하고" in html
    assert "90일" not in html


def test_privacy_page_explains_rollups_tracking_switch_and_marketing_consent(client):
    html = client.get("/privacy/").content.decode()

    assert "하루 요약" in html
    assert "회원으로 계시는 동안 보관" in html
    assert "둘러본 상품을 바탕으로 한 추천 끄기" in html  # the profile setting's own label (tracking_opted_out)
    assert reverse("accounts:profile") in html
    assert "마케팅 수신에 동의하신 분께만" in html
    assert "야간 수신에 따로 동의하신 분께만" in html


def test_every_page_footer_links_to_the_privacy_page(client):
    html = client.get("/").content.decode()

    assert f'href="{reverse("privacy")}"' in html
    assert "개인정보 처리방침" in html


def test_privacy_page_refuses_a_post(client):
    assert client.post("/privacy/").status_code == 405
