"""Order-history and points notes are stored as codes and rendered in the reader's language, not the writer's."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shop.history_notes import ORDER_NOTES
from shop.models import Carrier, OrderStatus, OrderStatusEvent, PointEntry
from shop.services.orders import order_cancel, order_transition
from shop.services.points import point_adjust, point_earn_for_order
from shop.services.shipping import order_ship
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import PlacedOrderFactory

pytestmark = pytest.mark.django_db

notes_migration = importlib.import_module("shop.migrations.0009_history_notes_as_codes")


def test_point_earn_written_on_a_korean_page_reads_in_english_for_an_english_reader():
    order = PlacedOrderFactory(total=30000)
    with translation.override("ko"):
        entry = point_earn_for_order(order=order)

    assert (entry.note_code, entry.note) == ("earned_on_purchase", "")
    with translation.override("en"):
        assert entry.note_text == "Earned on purchase"
    with translation.override("ko"):
        assert entry.note_text == "구매 적립"


def test_point_adjust_keeps_an_admins_own_words_as_free_text():
    entry = point_adjust(user=UserFactory(), amount=500, note="배송 지연 사과")

    assert (entry.note_code, entry.note) == ("", "배송 지연 사과")
    with translation.override("en"):
        assert entry.note_text == "배송 지연 사과"


def test_order_cancel_by_customer_stores_a_code_not_korean_text():
    order = order_via_checkout()

    order_cancel(order=order)

    event = order.events.get(current=OrderStatus.CANCELLED)
    assert (event.note_code, event.note) == ("cancelled_by_customer", "")
    assert event.note_text == "고객 요청으로 취소"


def test_shipping_note_keeps_carrier_and_number_as_params():
    order = order_via_checkout()

    order_ship(order=order, carrier=Carrier.HANJIN, tracking_number="412345678901")

    event = order.events.get(current=OrderStatus.SHIPPED)
    assert event.note_code == "shipped_with"
    assert event.note_params == {"carrier": "hanjin", "number": "412345678901"}
    assert event.note_text == "한진택배 운송장 412345678901"


def test_order_note_passed_as_known_korean_text_is_stored_as_its_code():
    order = order_via_checkout()

    order_transition(order=order, target=OrderStatus.CANCELLED, note=ORDER_NOTES["cancelled_by_admin"])

    assert order.events.get(current=OrderStatus.CANCELLED).note_code == "cancelled_by_admin"


def test_data_migration_turns_known_texts_into_codes_and_keeps_unknown_ones():
    order = order_via_checkout()
    user = order.user
    OrderStatusEvent.objects.filter(order=order).update(note="주문 접수")
    OrderStatusEvent.objects.create(order=order, previous="paid", current="shipped", note="CJ대한통운 612345678901")
    OrderStatusEvent.objects.create(order=order, previous="shipped", current="delivered", note="문 앞에 두었어요")
    PointEntry.objects.create(user=user, amount=100, kind="adjust", note="Earned on purchase")
    PointEntry.objects.create(user=user, amount=100, kind="adjust", note="이벤트 당첨")

    notes_migration.notes_to_codes(apps, None)

    events = {e.current: e for e in OrderStatusEvent.objects.filter(order=order)}
    assert (events["pending_payment"].note_code, events["pending_payment"].note) == ("placed", "")
    assert events["shipped"].note_code == "shipped_with"
    assert events["shipped"].note_params == {"carrier": "cj", "number": "612345678901"}
    assert (events["delivered"].note_code, events["delivered"].note) == ("", "문 앞에 두었어요")
    notes = dict(PointEntry.objects.filter(user=user).values_list("note", "note_code"))
    assert notes == {"": "earned_on_purchase", "이벤트 당첨": ""}
    with translation.override("en"):
        assert events["delivered"].note_text == "문 앞에 두었어요"


def test_order_page_renders_history_notes_in_the_readers_language(client):
    order = order_via_checkout()
    order_ship(order=order, carrier=Carrier.CJ, tracking_number="612345678901")
    client.force_login(order.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with translation.override(settings.LANGUAGE_CODE):  # the request activates English; put back the default after
        html = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()

    assert "CJ Logistics" in html
    assert "612345678901" in html
    assert "CJ대한통운" not in html
