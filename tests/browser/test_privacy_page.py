"""The privacy page reads well on a desktop and on a 390 px phone, reached from the footer."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _read_privacy(page, live_server, artifacts_dir, prefix):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="개인정보 처리방침").click()
    expect(page).to_have_url(live_server.url + "/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("개인정보 처리방침")
    expect(page.get_by_test_id("retention-days")).to_contain_text("90일")
    page.screenshot(path=str(artifacts_dir / f"{prefix}-privacy.png"), full_page=True)


def test_privacy_page_from_the_footer_on_desktop(browser_page, live_server, artifacts_dir):
    _read_privacy(browser_page, live_server, artifacts_dir, "desktop")


def test_privacy_page_from_the_footer_on_phone(phone_page, live_server, artifacts_dir):
    _read_privacy(phone_page, live_server, artifacts_dir, "phone")
