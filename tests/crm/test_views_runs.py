"""Segmentation runs in the back office: the log, who may press 지금 다시 계산, the polite refusal while a run is going,
and the progress panel that htmx polls until the run ends."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import SegmentationRun, SegmentSnapshot, TeamMember
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import SegmentationRunFactory, SegmentFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

Role = TeamMember.Role
Status = SegmentationRun.Status


@pytest.fixture
def people():
    team = TeamFactory(slug="living")
    return SimpleNamespace(
        team=team,
        lead=TeamMemberFactory(team=team, role=Role.MD_LEAD).user,
        marketer=TeamMemberFactory(team=team, role=Role.MARKETER).user,
        cs=TeamMemberFactory(team=team, role=Role.CS).user,
        admin=StaffUserFactory(is_superuser=True),
    )


def _running_run(**fields):
    now = timezone.now()
    defaults = {
        "status": Status.RUNNING,
        "lock": True,
        "started_at": now - timedelta(seconds=12),
        "finished_at": None,
        "heartbeat_at": now,
        "customers_total": 2000,
        "customers_processed": 500,
        "chunks_total": 4,
        "chunks_done": 1,
    }
    return SegmentationRunFactory(**{**defaults, **fields})


def test_run_list_shows_status_duration_customers_and_errors(client, people):
    start = timezone.now() - timedelta(hours=1)
    SegmentationRunFactory(
        started_at=start, finished_at=start + timedelta(seconds=8.5), customers_processed=1234, customers_total=1234
    )
    SegmentationRunFactory(status=Status.FAILED, error="chunk 3: division by zero", requested_by=people.lead)
    client.force_login(people.cs)
    response = client.get(reverse("crm:run_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "완료" in html
    assert "실패" in html
    assert "8.5초" in html
    assert "1,234 / 1,234" in html
    assert "chunk 3: division by zero" in html


@pytest.mark.parametrize(("who", "sees_button"), [("lead", True), ("marketer", True), ("admin", True), ("cs", False)])
def test_run_list_offers_recompute_only_to_people_who_may_manage_segments(client, people, who, sees_button):
    client.force_login(getattr(people, who))
    html = client.get(reverse("crm:run_list")).content.decode()
    assert ('data-testid="run-start"' in html) is sees_button


def test_run_start_by_an_md_lead_creates_a_run_and_opens_its_progress(client, people):
    client.force_login(people.lead)
    response = client.post(reverse("crm:run_start"))
    run = SegmentationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:run_detail", kwargs={"pk": run.pk})
    assert (run.kind, run.requested_by, run.trigger) == (SegmentationRun.Kind.FULL, people.lead, "manual")


def test_run_start_executes_the_run_after_commit_and_finishes(client, people, django_capture_on_commit_callbacks):
    client.force_login(people.marketer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("crm:run_start"))
    run = SegmentationRun.objects.get()
    assert run.status == Status.SUCCEEDED, run.error
    page = client.get(response["Location"])
    assert 'data-testid="run-finished"' in page.content.decode()
    assert "hx-trigger" not in page.content.decode()


def test_run_start_while_a_run_is_going_is_refused_politely(client, people):
    active = _running_run()
    client.force_login(people.lead)
    response = client.post(reverse("crm:run_start"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("crm:run_detail", kwargs={"pk": active.pk})
    assert "이미 계산 중이에요" in response.content.decode()
    assert SegmentationRun.objects.count() == 1


def test_run_start_by_cs_is_denied(client, people):
    client.force_login(people.cs)
    response = client.post(reverse("crm:run_start"))
    assert response.status_code == 403
    assert not SegmentationRun.objects.exists()


def test_run_start_by_a_shopper_is_not_found_and_get_is_not_allowed(client, people):
    client.force_login(UserFactory())
    assert client.post(reverse("crm:run_start")).status_code == 404
    client.force_login(people.lead)
    assert client.get(reverse("crm:run_start")).status_code == 405


def test_run_progress_partial_polls_every_second_while_running(client, people):
    run = _running_run()
    client.force_login(people.cs)
    response = client.get(reverse("crm:run_detail", kwargs={"pk": run.pk}), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="run-progress"')
    assert 'hx-trigger="every 1s"' in html
    assert 'aria-valuenow="25"' in html
    assert "500 / 2,000" in html
    assert "1 / 4" in html
    assert "HX-Request" in response["Vary"]


def test_run_progress_partial_stops_polling_when_the_run_is_done(client, people):
    run = _running_run()
    client.force_login(people.cs)
    SegmentationRun.objects.filter(pk=run.pk).update(
        status=Status.SUCCEEDED, lock=None, finished_at=timezone.now(), customers_processed=2000, chunks_done=4
    )
    html = client.get(reverse("crm:run_detail", kwargs={"pk": run.pk}), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html
    assert 'aria-valuenow="100"' in html
    assert 'data-testid="run-finished"' in html


def test_run_detail_shows_the_failure_and_that_the_previous_result_stands(client, people):
    run = SegmentationRunFactory(status=Status.FAILED, error="boom in chunk 2")
    client.force_login(people.cs)
    html = client.get(reverse("crm:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "이전 계산 결과는 그대로 남아 있고" in html
    assert "boom in chunk 2" in html


def test_run_detail_lists_segment_sizes_of_the_users_teams_only(client, people):
    run = SegmentationRunFactory()
    ours = SegmentFactory(team=people.team, name="우리 단골")
    theirs = SegmentFactory(team=TeamFactory(), name="남의 단골")
    SegmentSnapshot.objects.create(segment=ours, run=run, size=321)
    SegmentSnapshot.objects.create(segment=theirs, run=run, size=654)
    client.force_login(people.cs)
    html = client.get(reverse("crm:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "우리 단골" in html
    assert "321명" in html
    assert "남의 단골" not in html
    client.force_login(people.admin)
    html = client.get(reverse("crm:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "남의 단골" in html


def test_run_detail_of_an_unknown_run_is_not_found(client, people):
    client.force_login(people.admin)
    assert client.get(reverse("crm:run_detail", kwargs={"pk": 987654})).status_code == 404


def test_run_list_keeps_constant_queries(client, people, assert_constant_queries):
    """Guards the run log: one count and one page query (with who requested each run) for 3 or 30 runs."""
    client.force_login(people.lead)
    url = reverse("crm:run_list")

    def add_runs(count: int) -> None:
        for _ in range(count):
            SegmentationRunFactory(requested_by=StaffUserFactory(), customers_processed=10)

    add_runs(3)
    client.get(url)
    assert_constant_queries(lambda: client.get(url), lambda: add_runs(27))
