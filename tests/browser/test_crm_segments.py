"""The back office in a real browser: an MD lead builds a segment with two conditions while the live count follows,
saves it, recomputes, watches the progress and the result, and opens a customer's 360 page from the segment. A
second test screenshots every back-office page at 1280 px and 390 px. Screenshots go to test-results/<test name>/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from crm.models import AuditLog, LifecycleThresholds, Segment, SegmentationRun, TeamMember
from crm.services.runs import segmentation_run_start
from crm.services.segments import segment_create
from shop.models import Order
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import TeamFactory, TeamMemberFactory
from tests.shop.factories import PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory, StoreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-1234"


def _mall():
    """One team with a shop, six shoppers (four bought 1-4 times at 30,000원 each) and a finished first run."""
    team = TeamFactory(name="생활 MD팀", slug="living", introduction="매일 쓰는 물건을 꼼꼼히 골라요.")
    store = StoreFactory(team=team, name="망원 생활상점", tagline="세제부터 휴지까지")
    product = ProductFactory(store=store, name="라벤더 세탁세제 2.5L", price=30000, list_price=None)
    lead = TeamMemberFactory(
        team=team, role=TeamMember.Role.MD_LEAD, user__username="md_lead", user__last_name="김", user__first_name="하늘"
    ).user
    TeamMemberFactory(team=team, role=TeamMember.Role.CS, user__last_name="박", user__first_name="서연")
    TeamMemberFactory(team=team, role=TeamMember.Role.MARKETER, user__last_name="이", user__first_name="도윤")
    names = ["민지", "서준", "하은", "지호", "수아", "도현"]
    for index, nickname in enumerate(names):
        shopper = UserFactory(username=f"shopper_{index}", nickname=nickname)
        for _ in range(4 - index if index < 4 else 0):
            order = PlacedOrderFactory(user=shopper, status=Order.Status.DELIVERED, subtotal=30000)
            PlacedOrderLineFactory(order=order, product=product)
    segmentation_run_start(kind=SegmentationRun.Kind.FULL, trigger="test")  # runs at once (eager, autocommit)
    first = SegmentationRun.objects.get()
    assert first.status == SegmentationRun.Status.SUCCEEDED, first.error
    return team, lead


def _log_in(page, live_server, username: str, next_url: str = "/crm/") -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("#content form button[type=submit]").first.click()


def _pick(row, *, field: str, op: str, value: str) -> None:
    row.locator(".crm-builder__field").select_option(field)
    row.locator(".crm-builder__op").select_option(op)
    row.locator(".crm-builder__number").first.fill(value)


def test_md_lead_builds_a_segment_recomputes_and_opens_a_customer(browser_page, live_server, artifacts_dir):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    team, lead = _mall()
    shot = 0

    def snap(name: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(artifacts_dir / f"{shot:02d}-{name}.png"), full_page=True)

    _log_in(page, live_server, lead.username)
    expect(page).to_have_url(re.compile(r"/crm/t/living/$"))
    expect(page.locator("[data-testid=crm-user-role]")).to_have_text("MD 리더")

    page.locator(".crm-nav__links").get_by_role("link", name="세그먼트").click()
    expect(page).to_have_url(re.compile(r"/crm/t/living/segments/$"))
    page.wait_for_load_state("load")  # crm.js binds "/" once the new page has loaded
    page.keyboard.press("/")  # the list's search box takes the focus, as in most admin tools
    expect(page.locator("[data-crm-search]")).to_be_focused()
    page.locator("[data-testid=new-segment]").click()
    expect(page.locator("[data-testid=condition-builder]")).to_be_visible()
    expect(page.locator("[data-crm-json-fallback]")).to_be_hidden()
    page.fill("input[name=name]", "두 번 넘게 산 단골")
    page.fill("input[name=description]", "9만 원 넘게 산 분들")

    page.locator("[data-testid=add-condition]").click()
    _pick(page.locator("[data-testid=condition-row]").nth(0), field="frequency", op="gte", value="2")
    expect(page.locator("[data-testid=count-preview]")).to_contain_text("예상 고객 3명")

    page.locator("[data-testid=add-condition]").click()
    _pick(page.locator("[data-testid=condition-row]").nth(1), field="monetary", op="gte", value="90000")
    expect(page.locator("[data-testid=count-preview]")).to_contain_text("예상 고객 2명")
    snap("segment-editor")

    page.locator("[data-testid=save-segment]").click()
    segment = Segment.objects.get(team=team, name="두 번 넘게 산 단골")
    assert segment.definition == {
        "match": "all",
        "conditions": [
            {"field": "frequency", "op": "gte", "value": 2},
            {"field": "monetary", "op": "gte", "value": 90000},
        ],
    }
    expect(page).to_have_url(re.compile(rf"/crm/t/living/segments/{segment.pk}/$"))
    expect(page.locator("[data-testid=segment-waiting]")).to_be_visible()
    expect(page.locator("[data-testid=segment-definition]")).to_contain_text("주문 수: 2번 이상")

    # While another run is going, 지금 다시 계산 is refused politely and shows that run's live progress.
    busy = SegmentationRun.objects.create(
        kind=SegmentationRun.Kind.INCREMENTAL,
        status=SegmentationRun.Status.RUNNING,
        lock=True,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        customers_total=6,
        customers_processed=2,
        chunks_total=3,
        chunks_done=1,
    )
    page.locator(".crm-nav__links").get_by_role("link", name="계산 기록").click()
    page.locator("[data-testid=run-start]").click()
    expect(page).to_have_url(re.compile(rf"/crm/runs/{busy.pk}/$"))
    expect(page.get_by_text("이미 계산 중이에요")).to_be_visible()
    expect(page.locator("[data-testid=run-percent]")).to_have_text("33%")
    snap("run-progress-running")
    SegmentationRun.objects.filter(pk=busy.pk).update(customers_processed=5, chunks_done=2, heartbeat_at=timezone.now())
    expect(page.locator("[data-testid=run-percent]")).to_have_text("83%")  # htmx polled the new figures
    expect(page.locator("[data-testid=run-processed]")).to_have_text("5 / 6")
    SegmentationRun.objects.filter(pk=busy.pk).update(
        status=SegmentationRun.Status.SUCCEEDED, lock=None, finished_at=timezone.now(), customers_processed=6
    )
    expect(page.locator("[data-testid=run-finished]")).to_be_visible()
    expect(page.locator("#run-progress")).not_to_have_attribute("hx-trigger", re.compile(".*"))  # polling stopped

    # Now the real recompute: it runs and its page shows the result with the new segment's size.
    page.locator(".crm-nav__links").get_by_role("link", name="계산 기록").click()
    page.locator("[data-testid=run-start]").click()
    run = SegmentationRun.objects.filter(kind=SegmentationRun.Kind.FULL).latest("pk")
    expect(page).to_have_url(re.compile(rf"/crm/runs/{run.pk}/$"))
    expect(page.locator("[data-testid=run-finished]")).to_be_visible()
    expect(page.locator("[data-testid=run-percent]")).to_have_text("100%")
    results = page.locator("[data-testid=run-results]")
    expect(results).to_contain_text("두 번 넘게 산 단골")
    expect(results).to_contain_text("2명")
    snap("run-finished")

    results.get_by_role("link", name="두 번 넘게 산 단골").click()
    expect(page.locator("[data-testid=segment-size]")).to_have_text("2명")
    rows = page.locator("[data-testid=customer-row]")
    expect(rows).to_have_count(2)
    snap("segment-detail")
    rows.first.locator("a.crm-strong-link").first.click()
    expect(page).to_have_url(re.compile(r"/crm/t/living/customers/\d+/$"))
    expect(page.locator("[data-testid=customer-name]")).to_be_visible()
    assert AuditLog.objects.filter(actor=lead, action=AuditLog.Action.CUSTOMER_VIEW).exists()
    snap("customer-360")
    assert not errors, errors


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_back_office_page_renders_on_laptop_and_phone(device, request, live_server, artifacts_dir):
    """Not a behaviour check beyond "renders without errors": it leaves screenshots of every page to look at."""
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    team, lead = _mall()
    other = TeamFactory(name="주방 MD팀", slug="kitchen")
    TeamMemberFactory(team=other, user=lead, role=TeamMember.Role.ANALYST)
    segment = segment_create(
        team=team,
        name="세제 떨어질 때 된 단골",
        description="주문 2번 이상, 마케팅 수신 동의",
        definition={
            "match": "all",
            "conditions": [
                {"field": "frequency", "op": "gte", "value": 2},
                {
                    "match": "any",
                    "conditions": [{"field": "lifecycle", "op": "in", "value": ["new", "regular", "vip"]}],
                },
            ],
        },
        created_by=lead,
    )
    product = ProductFactory(store=team.stores.get(), name="3겹 화장지 30롤", price=18900, list_price=None)
    for newcomer in ("", "shopper_4", "shopper_5"):  # the segment grows run by run: a sparkline with a slope
        if newcomer:
            for _ in range(2):
                order = PlacedOrderFactory(user=User.objects.get(username=newcomer), status=Order.Status.DELIVERED)
                PlacedOrderLineFactory(order=order, product=product)
        segmentation_run_start(kind=SegmentationRun.Kind.FULL, requested_by=lead)
    admin = StaffUserFactory(username="admin_screens", is_superuser=True, nickname="운영자")
    LifecycleThresholds.objects.create(pk=1, updated_by=admin)
    AuditLog.objects.create(actor=lead, action=AuditLog.Action.CUSTOMER_VIEW, customer=UserFactory(), team=team)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def visit(path: str, name: str) -> None:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts_dir / f"{device}-{name}.png"), full_page=True)

    _log_in(page, live_server, lead.username)
    expect(page).to_have_url(re.compile(r"/crm/t/"))
    visit("/crm/t/living/", "01-team")
    visit("/crm/t/living/segments/", "02-segment-list")
    visit(f"/crm/t/living/segments/{segment.pk}/", "03-segment-detail")
    visit(f"/crm/t/living/segments/{segment.pk}/edit/", "04-segment-edit")
    visit("/crm/t/living/segments/new/", "05-segment-new")
    visit("/crm/runs/", "06-run-list")
    visit(f"/crm/runs/{SegmentationRun.objects.latest('pk').pk}/", "07-run-detail")
    page.context.clear_cookies()
    _log_in(page, live_server, admin.username)
    visit("/crm/", "08-admin-home")
    visit("/crm/settings/lifecycle/", "09-lifecycle")
    visit("/crm/audit/", "10-audit")
    assert not errors, errors
