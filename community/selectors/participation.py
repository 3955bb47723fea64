"""Reads for notices, events and 체험단."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from community.models import Notice, TrialApplication, TrialGroup, TrialReport, TrialReportPhoto


def notices_published(*, kind: str = "") -> QuerySet[Notice]:
    qs = Notice.objects.filter(is_published=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-is_pinned", "-created_at", "-pk")


def notice_get(*, pk: int) -> Notice:
    return Notice.objects.get(pk=pk, is_published=True)


def trial_groups(*, now: datetime) -> QuerySet[TrialGroup]:
    """Recruitments that have started, open ones first (by closing date), then finished ones."""
    return (
        TrialGroup.objects.select_related("product", "product__store", "product__category")
        .filter(apply_starts_at__lte=now)
        .order_by("-apply_ends_at", "-pk")
    )


def trial_group_get(*, pk: int) -> TrialGroup:
    return TrialGroup.objects.select_related("product", "product__store", "product__category").get(pk=pk)


def trial_application_for(*, group: TrialGroup, user) -> TrialApplication | None:
    if user is None or not user.is_authenticated:
        return None
    return TrialApplication.objects.select_related("report").filter(group=group, user=user).first()


def _report_photos() -> Prefetch:
    return Prefetch(
        "photo_links", queryset=TrialReportPhoto.objects.select_related("image").order_by("sort_order", "pk")
    )


def trial_applications(*, group: TrialGroup) -> QuerySet[TrialApplication]:
    """Every application of a group with the applicant and (if written) the report and its photos."""
    return (
        TrialApplication.objects.select_related("user", "report")
        .prefetch_related(Prefetch("report__photo_links", queryset=TrialReportPhoto.objects.select_related("image")))
        .filter(group=group)
        .order_by("created_at", "pk")
    )


def trial_reports_for_product(*, product_id: int) -> QuerySet[TrialReport]:
    """Visible 체험단 후기 of a product, newest first, with author and photos."""
    return (
        TrialReport.objects.select_related("author")
        .prefetch_related(_report_photos())
        .filter(product_id=product_id, is_hidden=False)
        .order_by("-created_at", "-pk")
    )
