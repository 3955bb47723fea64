import random

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts import demo
from accounts.models import Household, User
from crm.models import RoundEntry, SegmentSnapshot, SurveyResponse, Team
from crm.selectors.runs import current_run
from feed.models import TrackedEvent

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    """Row counts of every model of our apps, so a re-run that duplicates anything anywhere shows up."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "shop", "feed", "crm"}
    }


def test_accounts_demo_makes_admin_and_customers_in_households():
    logins = demo.seed(rng=random.Random(1), scale=1, log=lambda _m: None)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(demo.ADMIN_PASSWORD)
    customers = User.objects.filter(is_staff=False)
    assert customers.count() >= 50
    assert not customers.filter(household__isnull=True).exists()
    sizes = set(Household.objects.annotate(n=Count("members")).values_list("n", flat=True))
    assert sizes <= {1, 2, 3, 4}
    assert {1, 2, 3} <= sizes
    assert Household.objects.filter(has_children=True).exists()
    assert Household.objects.filter(has_pets=True).exists()
    assert customers.filter(marketing_consented_at__isnull=False).exists()
    assert customers.filter(marketing_consented_at__isnull=True).exists()
    assert customers.filter(night_marketing_consented_at__isnull=False).exists()
    assert not customers.filter(birth_date__isnull=True).exists()
    minji = User.objects.get(username="minji")
    assert minji.check_password(demo.CUSTOMER_PASSWORD)
    assert minji.household == User.objects.get(username="junho").household
    assert ("관리자 (/admin/)", "admin", demo.ADMIN_PASSWORD) in logins


def test_accounts_demo_is_deterministic_for_the_same_rng():
    demo.seed(rng=random.Random(7), scale=1, log=lambda _m: None)
    first = list(User.objects.order_by("username").values_list("username", "nickname", "birth_date", "phone"))
    User.objects.all().delete()
    Household.objects.all().delete()
    demo.seed(rng=random.Random(7), scale=1, log=lambda _m: None)
    second = list(User.objects.order_by("username").values_list("username", "nickname", "birth_date", "phone"))
    assert first == second


def test_seed_demo_twice_gives_the_same_counts_and_prints_logins(capsys, django_capture_on_commit_callbacks):
    """The whole demo (every app's seeder): a second run adds nothing anywhere."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    first_output = capsys.readouterr().out
    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert counts() == first
    assert first["accounts.User"] >= 51
    assert first["shop.Product"] >= 200
    assert "데모 로그인" in first_output
    assert "| admin " in first_output
    assert demo.CUSTOMER_PASSWORD in first_output
    # The back office has figures at once: every demo team owns segments, one full run finished, customers in them.
    run = current_run()
    assert run is not None
    assert run.trigger == "demo"
    snapshots = SegmentSnapshot.objects.filter(run=run)
    assert set(Team.objects.values_list("slug", flat=True)) == set(
        snapshots.values_list("segment__team__slug", flat=True)
    )
    assert snapshots.filter(size__gt=0).count() >= 6
    assert TrackedEvent.objects.filter(user__isnull=False).exists()
    # Surveys and the morning round (crm.demo_engagement): every team asked a segment and heard back; lists exist.
    assert SurveyResponse.objects.values("survey__team").distinct().count() == Team.objects.count()
    assert RoundEntry.objects.filter(day=timezone.localdate()).exists()


def test_seed_demo_rejects_scale_below_one():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "0")
