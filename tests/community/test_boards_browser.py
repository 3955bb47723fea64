"""On a phone, a member verifies their 동 from the browser's location (locate.js), writes on the board, and a
neighbour gives 공감 with htmx. The location never reaches the database: only the 동 and the time do."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from community.models import BoardPost, Residency
from tests.accounts.factories import UserFactory
from tests.community.factories import NeighbourhoodFactory, ResidencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-1234"


@pytest.fixture
def chromium(_playwright_browser):
    """The session's browser, for contexts with a geolocation (the page fixtures have none)."""
    return _playwright_browser


def _login(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").last.click()
    page.wait_for_load_state()


def test_phone_member_verifies_by_location_posts_and_neighbour_likes(chromium, live_server, artifacts_dir):
    mangwon = NeighbourhoodFactory(
        name="망원동", slug="mangwon", latitude=Decimal("37.556000"), longitude=Decimal("126.901000")
    )
    UserFactory(username="dongne")
    neighbour = ResidencyFactory(neighbourhood=mangwon, user=UserFactory(username="yeopjib")).user

    context = chromium.new_context(
        locale="ko-KR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 37.5571, "longitude": 126.9024},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server, "dongne")
    page.goto(live_server.url + "/community/dong/verify/?n=mangwon")
    page.get_by_test_id("locate-button").click()
    expect(page.get_by_test_id("locate-status")).to_contain_text("망원동 주민으로 인증됐어요")
    page.screenshot(path=str(artifacts_dir / "1-verified.png"), full_page=True)
    page.wait_for_url("**/community/dong/mangwon/")
    residency = Residency.objects.get(user__username="dongne")
    assert residency.neighbourhood == mangwon

    page.get_by_test_id("write-post").click()
    page.get_by_label("소식").check()
    page.get_by_label("제목").fill("망원시장 앞 붕어빵 트럭이 왔어요")
    page.get_by_label("내용").fill("<script>alert('x')</script> 팥이 가득해요")
    page.get_by_role("button", name="올리기").click()
    expect(page.get_by_test_id("post-detail")).to_contain_text("<script>alert('x')</script> 팥이 가득해요")
    page.screenshot(path=str(artifacts_dir / "2-posted.png"), full_page=True)
    post = BoardPost.objects.get()
    context.close()

    context = chromium.new_context(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server, neighbour.username)
    page.goto(live_server.url + post.get_absolute_url())
    page.get_by_test_id("like-button").click()
    expect(page.get_by_test_id("like-button")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("like-button")).to_contain_text("1")
    page.screenshot(path=str(artifacts_dir / "3-liked.png"), full_page=True)
    context.close()
    post.refresh_from_db()
    assert post.like_count == 1


def test_phone_location_too_far_shows_the_distance(chromium, live_server):
    NeighbourhoodFactory(name="망원동", slug="mangwon", latitude=Decimal("37.556000"), longitude=Decimal("126.901000"))
    UserFactory(username="faraway")
    context = chromium.new_context(
        locale="ko-KR",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 37.5080, "longitude": 127.0830},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, live_server, "faraway")
    page.goto(live_server.url + "/community/dong/verify/?n=mangwon")
    page.get_by_test_id("locate-button").click()
    expect(page.get_by_test_id("locate-status")).to_contain_text("떨어져 있어요")
    context.close()
    assert not Residency.objects.exists()
