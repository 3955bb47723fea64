"""Surveys, the morning round and dashboards in a real browser: a customer answers the "생수, 어디서 사세요?" survey
inside the feed on a 390 px phone with three taps; the MD sees the counts and the household's answer; the morning
round works from the keyboard; every dashboard chart is drawn as SVG with its table. Screenshots go to
test-results/<test name>/."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.models import HouseholdEssential, RoundEntry, SegmentSnapshot, Survey, SurveyResponse, TeamMember
from crm.selectors.access import seat_for
from crm.services.surveys import survey_create, survey_essentials_template, survey_send
from feed.models import Exposure, FeedItem
from shop.models import Review
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.feed.factories import BagNudgeRuleFactory
from tests.shop.factories import CategoryFactory, PlacedOrderLineFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-1234"


def _log_in(page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("#content form button[type=submit]").first.click()


def _world():
    """A team with one segment of three households (none buys 생수 here), its history, a nudge and an MD lead."""
    now = timezone.now()
    old = SegmentationRunFactory(finished_at=now - timedelta(days=14))
    middle = SegmentationRunFactory(finished_at=now - timedelta(days=7))
    run = SegmentationRunFactory(finished_at=now - timedelta(hours=2))
    team = TeamFactory(name="생활 MD팀", slug="living")
    segment = SegmentFactory(team=team, name="생수 안 사는 단골")
    sleepy = SegmentFactory(team=team, name="잠든 고객")
    water = CategoryFactory(name="생수", replenishment_days=14)
    detergent = CategoryFactory(name="세탁세제", replenishment_days=30)
    customers = []
    for index, nickname in enumerate(("민지", "서준", "하은")):
        home = HouseholdFactory(name=f"{nickname}네")
        user = UserFactory(username=f"shopper_{index}", nickname=nickname, household=home)
        customer_in_segment(segment=segment, run=run, user=user, household_id=home.pk)
        customers.append(user)
    today = timezone.localdate()
    HouseholdEssential.objects.create(
        run=run,
        household_id=customers[0].household_id,
        category=detergent,
        first_bought_on=today - timedelta(days=90),
        last_bought_on=today - timedelta(days=34),
        due_on=today - timedelta(days=4),
        status=HouseholdEssential.Status.OVERDUE,
    )
    line = PlacedOrderLineFactory(order__user=customers[1], product=ProductFactory(name="대용량 주방세제"))
    Review.objects.create(order_line=line, product=line.product, user=customers[1], rating=2, body="향이 너무 세요")
    customers[2].birth_date = date(1990, today.month, today.day) if (today.month, today.day) != (2, 29) else None
    customers[2].save(update_fields=["birth_date"])
    for snapshot_run, sizes in ((old, (120, 40)), (middle, (135, 36)), (run, (150, 31))):
        for seg, size, share in ((segment, sizes[0], 0.32), (sleepy, sizes[1], 0.18)):
            SegmentSnapshot.objects.create(
                segment=seg,
                run=snapshot_run,
                size=size,
                revenue=size * 41_000,
                orders=size * 2,
                average_order_value=20_500,
                repeat_rate=0.45 if seg == segment else 0.2,
                essentials_share=share + (sizes[0] - 120) / 1000,
            )
    rule = BagNudgeRuleFactory(name="가방 고민 중")
    for index, customer in enumerate(customers * 2):
        Exposure.objects.create(
            rule=rule,
            visitor_id=uuid.uuid4(),
            user=customer,
            bucket=index,
            is_control=index >= 4,
            fired_at=now - timedelta(days=2),
            ordered_at=now - timedelta(days=1) if index in (0, 1) else None,
        )
    lead = TeamMemberFactory(
        team=team, role=TeamMember.Role.MD_LEAD, user__username="md_lead", user__last_name="김", user__first_name="하늘"
    ).user
    return team, segment, water, customers, lead


def test_customer_answers_the_essentials_survey_in_the_feed_on_a_phone(
    phone_page, browser_page, live_server, artifacts_dir
):
    team, segment, water, customers, lead = _world()
    title, intro, questions = survey_essentials_template(category_name=water.name)
    seat = seat_for(user=lead, team=team)
    survey = survey_create(
        seat=seat, segment_id=segment.pk, title=title, intro=intro, questions=questions, essential_category_id=water.pk
    )
    survey_send(seat=seat, survey=survey, now=timezone.now())  # delivered after commit (eager Celery)
    assert FeedItem.objects.filter(user=customers[0]).count() == 1
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    _log_in(page, live_server, "shopper_0", "/feed/")
    form = page.get_by_test_id("survey-form")
    expect(form).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "phone-01-feed-survey.png"), full_page=True)
    form.get_by_role("radio", name="쿠팡").tap()
    form.get_by_role("radio", name="가격").tap()
    page.screenshot(path=str(artifacts_dir / "phone-02-picked.png"), full_page=True)
    form.get_by_test_id("survey-submit").tap()
    expect(page.get_by_test_id("survey-done")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "phone-03-thanks.png"), full_page=True)
    assert SurveyResponse.objects.filter(survey=survey, customer=customers[0]).count() == 1
    assert errors == []

    desk = browser_page
    _log_in(desk, live_server, "md_lead", f"/crm/t/living/surveys/{survey.pk}/")
    expect(desk.get_by_test_id("survey-answered")).to_have_text("1")
    expect(desk.get_by_test_id("survey-option").first).to_contain_text("쿠팡")
    expect(desk.get_by_test_id("survey-count").first).to_have_text("1")
    desk.screenshot(path=str(artifacts_dir / "desktop-04-results.png"), full_page=True)
    desk.goto(f"{live_server.url}/crm/t/living/customers/{customers[0].pk}/")
    expect(desk.get_by_test_id("essentials-answer")).to_have_text("쿠팡에서 사요 · 가격")
    desk.get_by_test_id("household-essentials").screenshot(path=str(artifacts_dir / "desktop-05-household.png"))
    desk.get_by_role("link", name="어디서 사는지 물어보기").first.click()
    expect(desk.get_by_test_id("essentials-template")).to_be_visible()
    expect(desk.locator("input[name=title]")).to_have_value(re.compile(r".+, 어디서 사세요\?"))
    desk.screenshot(path=str(artifacts_dir / "desktop-06-survey-template.png"), full_page=True)
    desk.goto(f"{live_server.url}/crm/t/living/surveys/")
    expect(desk.get_by_test_id("survey-table")).to_contain_text("생수, 어디서 사세요?")
    desk.screenshot(path=str(artifacts_dir / "desktop-07-survey-list.png"), full_page=True)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    expect(page.get_by_test_id("survey-done")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "phone-08-answer-page.png"), full_page=True)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_dashboard_draws_every_chart_with_its_table(device, request, live_server, artifacts_dir):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    team, _segment, _water, customers, lead = _world()
    RoundEntry.objects.create(
        team=team,
        member=lead,
        day=timezone.localdate(),
        customer=customers[0],
        position=1,
        action=RoundEntry.Action.MESSAGE,
        acted_at=timezone.now() - timedelta(days=1),
    )

    _log_in(page, live_server, "md_lead", "/crm/t/living/dashboard/")
    expect(page.locator("figure[data-drawn=true]")).to_have_count(5)
    expect(page.locator("[data-testid=panel-segment_sizes] svg polyline")).to_have_count(2)
    expect(page.locator("[data-testid=panel-nudges] svg rect")).to_have_count(2)
    expect(page.locator("[data-testid=panel-segment_revenue] svg rect")).to_have_count(2)
    expect(page.locator("[data-testid=panel-segment_sizes] .chart__legend")).to_contain_text("생수 안 사는 단골")
    page.screenshot(path=str(artifacts_dir / f"{device}-01-dashboard.png"), full_page=True)
    panel = page.get_by_test_id("panel-segment_revenue")
    panel.get_by_text("표로 보기").click()
    expect(panel.get_by_test_id("table-segment_revenue")).to_contain_text("6,150,000원")
    panel.screenshot(path=str(artifacts_dir / f"{device}-02-panel-with-table.png"))
    with page.expect_download() as download:
        page.get_by_test_id("csv-nudges").click()
    assert download.value.suggested_filename == "living-nudges.csv"
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_morning_round_from_the_keyboard(device, request, live_server, artifacts_dir):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    _team, _segment, _water, customers, _lead = _world()

    _log_in(page, live_server, "md_lead", "/crm/t/living/today/")
    rows = page.get_by_test_id("round-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("대용량 주방세제에 별점 2점")
    expect(page.get_by_test_id("round-list")).to_contain_text("세탁세제 떨어졌을 때예요")
    expect(page.get_by_test_id("round-list")).to_contain_text("오늘 생일이에요")
    page.screenshot(path=str(artifacts_dir / f"{device}-01-today.png"), full_page=True)
    if device == "desktop":
        page.keyboard.press("j")
        page.keyboard.press("m")
        message = rows.first.get_by_role("textbox", name="피드로 보낼 메시지")
        expect(message).to_be_focused()
        message.fill("서준님, 리뷰 잘 읽었어요. 교환해 드릴게요.")
        page.screenshot(path=str(artifacts_dir / f"{device}-02-message-open.png"), full_page=True)
        rows.first.get_by_role("button", name="보내기").click()
    else:
        rows.first.get_by_text("메시지 보내기").tap()
        rows.first.get_by_role("button", name="보내기").tap()
    expect(page.get_by_test_id("round-done").first).to_contain_text("메시지 보냄")
    page.screenshot(path=str(artifacts_dir / f"{device}-03-done.png"), full_page=True)
    assert FeedItem.objects.get(user=customers[1]).title == "김하늘님이 안부를 전해요"


def test_the_survey_editor_adds_and_removes_question_rows(browser_page, live_server, artifacts_dir):
    team = TeamFactory(name="생활 MD팀", slug="living")
    SegmentFactory(team=team, name="생수 안 사는 단골")
    TeamMemberFactory(team=team, role=TeamMember.Role.MD_LEAD, user__username="md_lead")
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    _log_in(page, live_server, "md_lead", "/crm/t/living/surveys/new/")
    page.fill("input[name=title]", "생수, 어디서 사세요?")
    for _ in range(2):
        page.get_by_test_id("survey-add-question").click()
    rows = page.locator("[data-survey-question]:visible")
    expect(rows).to_have_count(3)
    rows.nth(0).locator("input[name$=-prompt]").fill("어디서 사세요?")
    rows.nth(0).locator("textarea").fill("쿠팡\n이마트")
    rows.nth(1).locator("input[name$=-prompt]").fill("빼 버릴 질문")
    rows.nth(2).locator("input[name$=-prompt]").fill("바라는 점이 있나요?")
    rows.nth(2).locator("select").select_option("text")
    rows.nth(1).get_by_role("button").click()
    expect(rows).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / "desktop-survey-editor.png"), full_page=True)
    page.get_by_test_id("survey-create").click()

    expect(page.get_by_text("설문을 만들었어요.")).to_be_visible()
    survey = Survey.objects.get()
    prompts = list(survey.questions.order_by("position").values_list("prompt", flat=True))
    assert prompts == ["어디서 사세요?", "바라는 점이 있나요?"]
    assert errors == []
