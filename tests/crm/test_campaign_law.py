"""정보통신망법 제50조 on campaign messages: "(광고)" first, the mall's name and contact, a one-tap opt-out that works
at once without logging in, and the two-yearly notice of the consents given (⑧)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.services import marketing_opt_out_token
from crm.models import ConsentNotice
from crm.services.consent_notices import consent_notices_send
from feed.models import FeedItem
from tests.accounts.factories import UserFactory
from tests.crm.campaign_helpers import audience, campaign_for

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
AFTERNOON = datetime(2026, 11, 24, 14, 0, tzinfo=SEOUL)


def test_promotional_campaign_item_in_the_feed_starts_with_ad_mark_and_names_the_mall_with_an_opt_out_link(
    client, django_capture_on_commit_callbacks
):
    aud = audience(size=1)
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        campaign_for(aud, control_percent=0)
    customer = aud.users[0]
    client.force_login(customer)
    with time_machine.travel(AFTERNOON + timedelta(minutes=5), tick=False):
        page = client.get(reverse("feed:feed")).content.decode()
    opt_out = reverse("accounts:marketing_opt_out", kwargs={"token": marketing_opt_out_token(user_id=customer.pk)})
    assert '<p class="feed-item__title">(광고) 이번 주 세제 할인</p>' in page
    assert "동네가게 · 고객센터 1588-0000" in page
    assert f'href="{opt_out}"' in page
    assert FeedItem.objects.get(user=customer).shown_at is not None


def test_opt_out_link_withdraws_marketing_and_night_consent_at_once_without_login(client):
    customer = UserFactory(marketing_consented_at=AFTERNOON, night_marketing_consented_at=AFTERNOON)
    url = reverse("accounts:marketing_opt_out", kwargs={"token": marketing_opt_out_token(user_id=customer.pk)})
    response = client.get(url)
    customer.refresh_from_db()
    assert response.status_code == 200
    assert "광고성 정보 수신을 거부했어요" in response.content.decode()
    assert customer.marketing_consented_at is None
    assert customer.night_marketing_consented_at is None
    assert client.post(url).status_code == 200  # one-click POST (mail clients) works too, and repeating is harmless


def test_opt_out_link_with_an_altered_token_changes_nothing(client):
    customer = UserFactory(marketing_consented_at=AFTERNOON)
    token = marketing_opt_out_token(user_id=customer.pk)
    response = client.get(reverse("accounts:marketing_opt_out", kwargs={"token": token[:-2] + "xx"}))
    customer.refresh_from_db()
    assert response.status_code == 400
    assert customer.marketing_consented_at == AFTERNOON


def test_customer_who_opted_out_gets_no_later_campaign(client, django_capture_on_commit_callbacks):
    aud = audience(size=2)
    quitter = aud.users[0]
    client.get(reverse("accounts:marketing_opt_out", kwargs={"token": marketing_opt_out_token(user_id=quitter.pk)}))
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_for(aud, control_percent=0)
    assert list(FeedItem.objects.filter(source=campaign.source).values_list("user_id", flat=True)) == [aud.users[1].pk]


def test_consent_notice_is_sent_once_per_customer_per_two_years():
    consented = datetime(2024, 3, 1, 10, 0, tzinfo=SEOUL)
    customer = UserFactory(marketing_consented_at=consented, night_marketing_consented_at=consented)
    UserFactory(marketing_consented_at=None)  # nothing to tell
    newcomer = UserFactory(marketing_consented_at=datetime(2026, 6, 1, tzinfo=SEOUL))

    with time_machine.travel(datetime(2026, 2, 27, 10, 30, tzinfo=SEOUL), tick=False):
        assert consent_notices_send() == 0  # not two years yet
    with time_machine.travel(datetime(2026, 3, 1, 10, 30, tzinfo=SEOUL), tick=False):
        assert consent_notices_send() == 1
        assert consent_notices_send() == 0
    with time_machine.travel(datetime(2027, 3, 1, 10, 30, tzinfo=SEOUL), tick=False):
        assert consent_notices_send() == 0  # one year later: still within the two years
    with time_machine.travel(datetime(2028, 3, 2, 10, 30, tzinfo=SEOUL), tick=False):
        assert consent_notices_send() == 1

    notices = FeedItem.objects.filter(user=customer, kind=FeedItem.Kind.NOTICE)
    assert notices.count() == 2
    notice = notices.first()
    assert "2024.03.01에" in notice.body
    assert "밤 시간(21시~다음 날 8시) 알림: 동의함" in notice.body
    assert notice.link == reverse("accounts:profile")
    assert not notice.is_promotional
    assert not FeedItem.objects.filter(user=newcomer).exists()
    assert ConsentNotice.objects.get(customer=customer).sent_at == datetime(2028, 3, 2, 10, 30, tzinfo=SEOUL)
    assert User.objects.filter(marketing_consented_at__isnull=True).count() == 1


def test_consent_notice_reads_in_the_readers_language_with_the_customers_nickname():
    consented = datetime(2024, 3, 1, 10, 0, tzinfo=SEOUL)
    customer = UserFactory(nickname="민지", marketing_consented_at=consented, night_marketing_consented_at=None)
    with time_machine.travel(datetime(2026, 3, 1, 10, 30, tzinfo=SEOUL), tick=False), translation.override("ko"):
        assert consent_notices_send() == 1

    notice = FeedItem.objects.get(user=customer, kind=FeedItem.Kind.NOTICE)
    assert notice.message_params == {"date": "2024.03.01", "night": "동의 안 함", "nickname": "민지"}
    assert notice.body.startswith("민지님은 2024.03.01에 동네가게의 할인·이벤트 소식(광고) 받기에 동의하셨어요.")
    with translation.override("en"):
        assert notice.title_text == "Here is what you agreed to receive"
        assert notice.body_text.startswith(
            "민지, on 2024.03.01 you agreed to get Donggeu's deals and events (advertising). "
            "Night-time messages (9 pm to 8 am): Not agreed."
        )


def test_live_toast_of_a_promotional_item_names_the_mall_and_its_contact_after_the_ad_mark(
    django_capture_on_commit_callbacks,
):
    import json

    from feed.services.items import item_payload

    aud = audience(size=1)
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        campaign_for(aud, control_percent=0)
    payload = json.loads(json.dumps(item_payload(FeedItem.objects.get(user=aud.users[0]))))
    assert payload["ad_label"] == "(광고)"
    assert payload["ad_sender"] == "동네가게 · 고객센터 1588-0000"
