"""1:1 문의 in two browsers: a shopper asks about an order from the order page's sheet, the assigned CS member sees
it appear in the inbox without reload and replies, the shopper sees the reply live; then the shopper's socket is
dropped, a reply is sent meanwhile, and the reopened socket shows it exactly once.

Runs against daphne (HTTP + WebSocket) through the feed browser test's fixture, on PostgreSQL.
"""

import shutil
from pathlib import Path

import pytest
from django.test import Client

from crm.models import Conversation, Message
from tests.browser.test_feed_live_nudge import daphne_server  # noqa: F401 (the fixture)
from tests.crm.chat_helpers import chat_world

SHOTS = Path("/work/helpers/shots/chat")


def _context(browser, base: str, user, *, width: int = 1280, height: int = 900):
    client = Client()
    client.force_login(user)
    phone = width < 500
    context = browser.new_context(
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _shot(page, artifacts_dir, name: str) -> None:
    path = artifacts_dir / name
    page.screenshot(path=path)
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / name)


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_shopper_and_cs_member_chat_live_and_a_dropped_socket_misses_nothing(
    daphne_server,  # noqa: F811
    _playwright_browser,  # noqa: PT019
    artifacts_dir,
):
    world = chat_world()
    base = daphne_server
    shopper_context, shopper = _context(_playwright_browser, base, world.shopper)
    staff_context, staff = _context(_playwright_browser, base, world.cs)
    try:
        staff.goto(f"{base}/crm/inbox/")
        staff.wait_for_url(f"**/crm/t/{world.team.slug}/inbox/")
        staff.wait_for_timeout(500)  # the inbox socket is open

        shopper.goto(f"{base}/orders/{world.order.number}/")
        shopper.get_by_test_id("ask-button").click()
        sheet = shopper.frame_locator("#chat-sheet iframe")
        sheet.get_by_test_id("inquiry-body").fill("주문한 세제가 언제 도착하나요?")
        _shot(shopper, artifacts_dir, "widget-sheet-1280.png")
        sheet.get_by_test_id("inquiry-submit").click()
        sheet.get_by_test_id("chat-message").first.wait_for()

        row = staff.get_by_test_id("inbox-row").filter(has_text="주문한 세제가 언제 도착하나요?")
        row.wait_for(timeout=5_000)  # pushed over the inbox socket: the page was never reloaded
        conversation = Conversation.objects.get(customer=world.shopper)
        assert conversation.assignee == world.cs
        row.click()
        staff.get_by_test_id("chat-input").fill("내일 오전에 도착해요. 조금만 기다려 주세요.")
        staff.get_by_test_id("chat-send").click()

        reply = sheet.get_by_test_id("chat-message").filter(has_text="내일 오전에 도착해요")
        reply.wait_for(timeout=5_000)
        _shot(shopper, artifacts_dir, "widget-conversation-1280.png")
        _shot(staff, artifacts_dir, "inbox-1280.png")

        # Drop the shopper's socket (no automatic reconnect), reply meanwhile, then reopen it.
        frame = shopper.frame(url=lambda url: "/inquiries/" in url)
        frame.evaluate(
            "() => { const c = document.querySelector('[data-chat]').chat; c.ws.onclose = null; c.ws.close(); }"
        )
        staff.get_by_test_id("chat-input").fill("배송 기사님 연락처도 알려 드릴게요.")
        staff.get_by_test_id("chat-send").click()
        staff.locator("[data-testid=chat-message]:not(.is-pending)").filter(has_text="배송 기사님").wait_for()
        assert Message.objects.filter(conversation=conversation, body__startswith="배송 기사님").count() == 1
        between = sheet.get_by_test_id("chat-message").filter(has_text="배송 기사님")
        assert between.count() == 0
        frame.evaluate("() => document.querySelector('[data-chat]').chat.connect()")
        between.wait_for(timeout=5_000)
        shopper.wait_for_timeout(500)
        assert between.count() == 1
        seqs = frame.eval_on_selector_all("[data-testid=chat-message]", "els => els.map(e => +e.dataset.seq)")
        assert seqs == sorted(set(seqs))

        shopper.goto(f"{base}/inquiries/{conversation.pk}/")
        _shot(shopper, artifacts_dir, "my-inquiries-1280.png")
    finally:
        shopper_context.close()
        staff_context.close()

    phone_context, phone = _context(_playwright_browser, base, world.shopper, width=390, height=844)
    staff_phone_context, staff_phone = _context(_playwright_browser, base, world.cs, width=390, height=844)
    try:
        phone.goto(f"{base}/orders/{world.order.number}/")
        phone.get_by_test_id("ask-button").click()
        phone.frame_locator("#chat-sheet iframe").get_by_test_id("inquiry-body").wait_for()
        _shot(phone, artifacts_dir, "widget-sheet-390.png")
        phone.goto(f"{base}/inquiries/")
        _shot(phone, artifacts_dir, "my-inquiries-list-390.png")
        phone.goto(f"{base}/inquiries/{conversation.pk}/")
        phone.get_by_test_id("chat-message").first.wait_for()
        _shot(phone, artifacts_dir, "my-inquiries-conversation-390.png")
        staff_phone.goto(f"{base}/crm/t/{world.team.slug}/inbox/{conversation.pk}/")
        _shot(staff_phone, artifacts_dir, "inbox-390.png")
    finally:
        phone_context.close()
        staff_phone_context.close()
