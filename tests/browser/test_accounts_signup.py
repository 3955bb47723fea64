"""A visitor signs up through the real pages, logs out, logs back in and sees their nickname in the header."""

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "동네가게-새-비밀번호-2026"


def _sign_up_log_out_log_in(
    page, live_server, artifacts_dir, *, prefix: str, username: str, nickname: str, phone: bool
):
    page.goto(live_server.url + "/accounts/signup/")
    expect(page.get_by_role("heading", name="회원가입", level=1)).to_be_visible()
    page.get_by_label("아이디").fill(username)
    page.get_by_label("닉네임").fill(nickname)
    page.get_by_label("이메일").fill(f"{username}@example.com")
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD + "x")
    page.get_by_label("(필수) 이용약관과 개인정보 수집·이용에 동의해요").check()
    page.get_by_label("(선택) 할인·이벤트 소식 받기").check()
    page.get_by_role("button", name="가입하기").click()

    # A typo in the confirmation is a field error; what was typed stays.
    expect(page.get_by_text("두 비밀번호가 서로 달라요. 다시 입력해 주세요.")).to_be_visible()
    expect(page.get_by_label("닉네임")).to_have_value(nickname)
    page.screenshot(path=str(artifacts_dir / f"{prefix}-1-signup-error.png"), full_page=True)

    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("(필수) 이용약관과 개인정보 수집·이용에 동의해요").check()
    page.get_by_role("button", name="가입하기").click()

    header_name = page.get_by_test_id("header-nickname")
    if phone:  # the nickname sits behind the avatar on phones; the account menu shows it
        page.locator(".account-menu summary").click()
        expect(page.locator(".account-menu__hello")).to_have_text(f"{nickname}님, 반가워요")
    else:
        expect(header_name).to_have_text(f"{nickname}님")
    expect(page.get_by_text("동네가게에 오신 걸 환영해요")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"{prefix}-2-signed-up.png"), full_page=False)
    user = User.objects.get(username=username)
    assert user.nickname == nickname
    assert user.marketing_consented_at is not None

    if not phone:
        page.locator(".account-menu summary").click()
    page.get_by_role("button", name="로그아웃").click()
    expect(page.get_by_text("로그아웃했어요. 또 만나요.")).to_be_visible()
    expect(header_name).to_have_count(0)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.screenshot(path=str(artifacts_dir / f"{prefix}-3-login.png"), full_page=True)
    page.get_by_role("button", name="로그인").last.click()
    if phone:
        page.locator(".account-menu summary").click()
        expect(page.locator(".account-menu__hello")).to_have_text(f"{nickname}님, 반가워요")
    else:
        expect(header_name).to_have_text(f"{nickname}님")
    page.screenshot(path=str(artifacts_dir / f"{prefix}-4-logged-in.png"), full_page=False)


def test_signup_then_login_shows_nickname_on_desktop(browser_page, live_server, artifacts_dir):
    _sign_up_log_out_log_in(
        browser_page, live_server, artifacts_dir, prefix="desktop", username="haneul", nickname="하늘", phone=False
    )


def test_signup_then_login_shows_nickname_on_phone(phone_page, live_server, artifacts_dir):
    _sign_up_log_out_log_in(
        phone_page, live_server, artifacts_dir, prefix="phone", username="dawon", nickname="다원", phone=True
    )
