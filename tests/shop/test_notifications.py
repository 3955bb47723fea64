"""Order and shipping notices: channels the customer chose, sent once per order+event+channel, 알림톡 against a
local fake provider (no network)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from shop.models import Carrier, NotificationLog, OrderStatus, PaymentMethod
from shop.notifications import AlimtalkNotifier, EmailNotifier, Notice, NotifierUnavailable
from shop.notifications.messages import ALIMTALK_TEMPLATES, ALIMTALK_VARIABLES, EMAIL_SUBJECTS
from shop.services.notifications import notice_for_order, notification_send
from shop.services.orders import order_transition
from shop.services.payments import payment_deposit_confirm
from shop.services.shipping import order_ship
from shop.services.subscriptions import subscription_create
from shop.tasks import notification_send_task, subscriptions_remind_task
from tests.accounts.factories import UserFactory
from tests.fake_http import fake_http_server
from tests.shop.checkout_factories import AddressFactory, order_via_checkout
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

MESSAGES = "/alimtalk/v2.3/appkeys/app-key-1/messages"
ACCEPTED = (
    200,
    {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "success"}, "message": {"requestId": "req-1"}},
)


@pytest.fixture
def alimtalk(settings):
    """A fake 알림톡 provider that accepts every message; tests read `alimtalk.calls("POST", MESSAGES)`."""
    with fake_http_server({("POST", MESSAGES): ACCEPTED}) as fake:
        settings.KAKAO_ALIMTALK_API_URL = fake.url
        settings.KAKAO_ALIMTALK_APP_KEY = "app-key-1"
        settings.KAKAO_ALIMTALK_SECRET_KEY = "secret-1"
        settings.KAKAO_ALIMTALK_SENDER_KEY = "sender-1"
        settings.SITE_URL = "https://donggeu.example"
        yield fake


def paid_order(**kwargs):
    return order_via_checkout(items=[(ProductFactory(name="햇살 세탁세제", price=12900, list_price=None), 1)], **kwargs)


def ship(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return order_ship(order=order, carrier=Carrier.CJ, tracking_number="6123-4567-8901")


# --- the done-when cases --------------------------------------------------------------------------------------------


def test_shipped_order_sends_one_notice_per_channel_even_when_the_task_runs_twice(
    alimtalk, django_capture_on_commit_callbacks
):
    order = paid_order()
    mail.outbox.clear()

    ship(order, django_capture_on_commit_callbacks)
    for channel in ("email", "alimtalk"):  # a retried task or a duplicated queue message
        notification_send_task.apply(kwargs={"event": "order_shipped", "channel": channel, "order_id": order.pk}).get()

    assert len(mail.outbox) == 1
    assert "출발했어요" in mail.outbox[0].subject
    assert len(alimtalk.calls("POST", MESSAGES)) == 1
    rows = NotificationLog.objects.filter(order=order, event="order_shipped")
    assert sorted(rows.values_list("channel", "status")) == [("alimtalk", "sent"), ("email", "sent")]


def test_customer_who_turned_alimtalk_off_gets_nothing_on_it(alimtalk, django_capture_on_commit_callbacks):
    user = UserFactory(notify_by_alimtalk=False)
    order = paid_order(user=user)

    ship(order, django_capture_on_commit_callbacks)

    assert alimtalk.calls("POST", MESSAGES) == []
    assert not NotificationLog.objects.filter(channel="alimtalk").exists()
    assert [m.to for m in mail.outbox if "출발" in m.subject] == [[user.email]]


def test_customer_who_turned_email_off_gets_no_mail(alimtalk, django_capture_on_commit_callbacks):
    order = paid_order(user=UserFactory(notify_by_email=False))
    mail.outbox.clear()

    ship(order, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert len(alimtalk.calls("POST", MESSAGES)) == 1


def test_channel_turned_off_after_queueing_is_not_sent(alimtalk):
    user = UserFactory()
    order = paid_order(user=user)
    user.notify_by_alimtalk = False
    user.save(update_fields=["notify_by_alimtalk"])

    assert notification_send(event="order_paid", channel="alimtalk", order_id=order.pk) is None
    assert alimtalk.calls("POST", MESSAGES) == []


# --- 알림톡 adapter -------------------------------------------------------------------------------------------------


def test_alimtalk_request_names_the_template_and_fills_its_variables(alimtalk, django_capture_on_commit_callbacks):
    order = paid_order()

    ship(order, django_capture_on_commit_callbacks)

    request = alimtalk.calls("POST", MESSAGES)[0]
    assert request.headers["x-secret-key"] == "secret-1"
    body = request.json()
    assert body["senderKey"] == "sender-1"
    assert body["templateCode"] == "DG_ORDER_SHIPPED_01"
    recipient = body["recipientList"][0]
    assert recipient["recipientNo"] == "01012345678"
    params = recipient["templateParameter"]
    assert params["운송장번호"] == "612345678901"
    assert params["택배사"] == "CJ대한통운"
    assert params["배송조회링크"] == "https://trace.cjlogistics.com/next/tracking.html?wblNo=612345678901"
    assert params["상품명"] == "햇살 세탁세제"
    assert set(params) == set(ALIMTALK_TEMPLATES["order_shipped"].variable_names())
    log = NotificationLog.objects.get(channel="alimtalk", event="order_shipped")
    assert (log.provider_ref, log.recipient) == ("req-1", "01012345678")


def test_every_alimtalk_template_uses_only_known_variables_and_renders_completely():
    order_like = dict.fromkeys(ALIMTALK_VARIABLES.values(), "값")
    for template in ALIMTALK_TEMPLATES.values():
        assert set(template.variable_names()) <= set(ALIMTALK_VARIABLES)
        assert "#{" not in template.render(order_like)
        assert len(template.text) <= 1000  # 알림톡's limit on a message


def test_alimtalk_outage_is_retried_and_sent_once(settings):
    """A 503 marks the row failed and raises for Celery's retry (autoretry_for); the retry takes the row back and
    sends; a later duplicate sends nothing."""
    answers = [(503, {"header": {"isSuccessful": False}}), ACCEPTED]
    with fake_http_server({("POST", MESSAGES): lambda request: answers.pop(0)}) as fake:
        settings.KAKAO_ALIMTALK_API_URL = fake.url
        settings.KAKAO_ALIMTALK_APP_KEY, settings.KAKAO_ALIMTALK_SECRET_KEY = "app-key-1", "secret-1"
        settings.KAKAO_ALIMTALK_SENDER_KEY = "sender-1"
        order = paid_order()
        kwargs = {"event": "order_paid", "channel": "alimtalk", "order_id": order.pk}

        with pytest.raises(NotifierUnavailable):
            notification_send(**kwargs)
        assert NotificationLog.objects.get(channel="alimtalk").status == "failed"
        retried = notification_send(**kwargs)
        duplicate = notification_send(**kwargs)

        assert len(fake.calls("POST", MESSAGES)) == 2
    assert NotifierUnavailable in notification_send_task.autoretry_for
    assert (retried.status, retried.attempts) == ("sent", 2)
    assert duplicate.pk == retried.pk


def test_alimtalk_refusal_is_recorded_and_not_retried(settings, django_capture_on_commit_callbacks):
    refused = (200, {"header": {"isSuccessful": False, "resultCode": -3002, "resultMessage": "invalid template"}})
    with fake_http_server({("POST", MESSAGES): refused}) as fake:
        settings.KAKAO_ALIMTALK_API_URL = fake.url
        settings.KAKAO_ALIMTALK_APP_KEY, settings.KAKAO_ALIMTALK_SECRET_KEY = "app-key-1", "secret-1"
        settings.KAKAO_ALIMTALK_SENDER_KEY = "sender-1"
        order = paid_order()

        ship(order, django_capture_on_commit_callbacks)

        assert len(fake.calls("POST", MESSAGES)) == 1
    log = NotificationLog.objects.get(channel="alimtalk", event="order_shipped")
    assert log.status == "failed"
    assert "invalid template" in log.error


def test_alimtalk_is_off_without_keys(settings, django_capture_on_commit_callbacks):
    settings.KAKAO_ALIMTALK_APP_KEY = ""
    order = paid_order()

    ship(order, django_capture_on_commit_callbacks)

    assert list(NotificationLog.objects.values_list("channel", flat=True)) == ["email"]


def test_customer_without_a_phone_is_skipped_on_alimtalk():
    notice = Notice(event="order_paid", nickname="하늘", email="a@example.com", phone="")
    notifier = AlimtalkNotifier(api_url="http://127.0.0.1:9", app_key="a", secret_key="s", sender_key="k")
    assert notifier.recipient(notice) == ""


# --- every event ------------------------------------------------------------------------------------------------------


def test_card_order_sends_paid_notice_and_no_placed_notice(alimtalk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order()

    events = set(NotificationLog.objects.filter(order=order).values_list("event", flat=True))
    assert events == {"order_paid"}
    paid_mail = mail.outbox[-1]
    assert "결제가 끝났어요" in paid_mail.subject
    assert f"{order.total:,}원" in paid_mail.body
    assert "https://donggeu.example/orders/" in paid_mail.body


def test_bank_transfer_order_sends_placed_notice_then_paid_on_deposit(alimtalk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(method=PaymentMethod.BANK_TRANSFER)
    placed = [m for m in mail.outbox if "주문이 접수됐어요" in m.subject]
    assert len(placed) == 1
    assert "입금 계좌" in placed[0].body
    assert alimtalk.calls("POST", MESSAGES)[0].json()["templateCode"] == "DG_ORDER_PLACED_01"

    with django_capture_on_commit_callbacks(execute=True):
        payment_deposit_confirm(order=order)

    events = sorted(NotificationLog.objects.filter(order=order, channel="email").values_list("event", flat=True))
    assert events == ["order_paid", "order_placed"]


def test_delivered_and_refunded_orders_send_their_notices(alimtalk, django_capture_on_commit_callbacks):
    order = paid_order()
    ship(order, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=order, target=OrderStatus.DELIVERED)
        order_transition(order=order, target=OrderStatus.REFUNDED)

    subjects = [m.subject for m in mail.outbox]
    assert any("배송이 끝났어요" in s for s in subjects)
    assert any("환불이 끝났어요" in s for s in subjects)
    codes = [c.json()["templateCode"] for c in alimtalk.calls("POST", MESSAGES)]
    assert codes == ["DG_ORDER_SHIPPED_01", "DG_ORDER_DELIVERED_01", "DG_ORDER_REFUNDED_01"]


def test_subscription_reminder_is_sent_once_per_due_date(alimtalk, django_capture_on_commit_callbacks):
    user = UserFactory()
    product = ProductFactory(name="생수 2L 묶음", is_subscribable=True, stock=50)
    subscription = subscription_create(
        user=user, product=product, interval_weeks=4, address=AddressFactory(user=user), quantity=2
    )
    day_before = timezone.make_aware(
        timezone.datetime.combine(subscription.next_due_date - timedelta(days=1), timezone.datetime.min.time())
    ) + timedelta(hours=12)

    with time_machine.travel(day_before, tick=False), django_capture_on_commit_callbacks(execute=True):
        subscriptions_remind_task.apply().get()
        subscriptions_remind_task.apply().get()

    reminders = [m for m in mail.outbox if "정기배송" in m.subject]
    assert len(reminders) == 1
    assert "생수 2L 묶음 2개" in reminders[0].body
    logs = NotificationLog.objects.filter(subscription=subscription, due_date=subscription.next_due_date)
    assert sorted(logs.values_list("channel", flat=True)) == ["alimtalk", "email"]


def test_notices_carry_no_promotion(alimtalk):
    order = paid_order()
    order.carrier, order.tracking_number = Carrier.HANJIN, "412345678901"
    for event in EMAIL_SUBJECTS:
        if event.startswith("subscription_"):
            continue
        subject, body = EmailNotifier().render(notice_for_order(order=order, event=event))
        for word in ("쿠폰", "할인", "이벤트", "광고", "특가"):
            assert word not in subject
            assert word not in body
        assert "#{" not in ALIMTALK_TEMPLATES[event].render(notice_for_order(order=order, event=event).variables)
