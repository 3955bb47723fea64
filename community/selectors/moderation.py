"""Reads for moderators: the queue of reported content, grouped per item, and the suspensions."""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import CommunityBan, Moderated, Report
from config.errors import DomainError

QUEUE_SIZE = 50

REPORT_UNKNOWN_KIND = gettext_noop("신고할 수 없는 내용이에요.")
REPORT_NOT_FOUND = gettext_noop("이미 지워졌거나 찾을 수 없는 글이에요.")


def reportable_models() -> dict[str, type[Moderated]]:
    """Every concrete community model that carries the moderation fields, by model name ("boardpost", "tour")."""
    return {
        model._meta.model_name: model  # type: ignore[misc]
        for model in apps.get_app_config("community").get_models()
        if issubclass(model, Moderated) and not model._meta.abstract
    }


def reportable_get(*, kind: str, pk: int) -> Moderated:
    """The content a report or a moderator's decision is about; DomainError 404 for an unknown kind or row."""
    model = reportable_models().get(kind)
    if model is None:
        raise DomainError(_(REPORT_UNKNOWN_KIND), code="unknown_kind", http_status=404)
    try:
        return model.objects.get(pk=pk)  # type: ignore[attr-defined]
    except model.DoesNotExist:
        raise DomainError(_(REPORT_NOT_FOUND), code="not_found", http_status=404) from None


def content_author_id(target: Moderated) -> int | None:
    """Who wrote it, whatever the model calls that person."""
    for name in ("author_id", "asker_id", "user_id", "owner_id", "created_by_id"):
        if hasattr(target, name):
            return getattr(target, name)
    return None


@dataclass
class QueueItem:
    kind: str
    kind_label: str
    target: Moderated | None
    report_count: int
    last_reported_at: datetime
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def preview(self) -> str:
        if self.target is None:
            return ""
        for name in ("title", "body", "caption", "name"):
            value = getattr(self.target, name, "")
            if value:
                return str(value)[:140]
        return str(self.target)

    @property
    def url(self) -> str:
        try:
            return self.target.get_absolute_url() if self.target is not None else ""  # type: ignore[attr-defined]
        except Exception:  # a kind without a page of its own
            return ""

    author: object = None


def moderation_queue(*, limit: int = QUEUE_SIZE) -> list[QueueItem]:
    """Reported content still waiting for a decision, most reported first. Queries: one for the groups, one for
    the reasons, one per kind of content present (a fixed handful), whatever the number of reports."""
    groups = list(
        Report.objects.filter(resolution=Report.Resolution.OPEN)
        .values("content_type_id", "object_id")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .order_by("-n", "-last")[:limit]
    )
    if not groups:
        return []
    keys = {(g["content_type_id"], g["object_id"]) for g in groups}
    reasons: dict[tuple[int, int], dict[str, int]] = {}
    for row in (
        Report.objects.filter(resolution=Report.Resolution.OPEN, object_id__in={k[1] for k in keys})
        .values("content_type_id", "object_id", "reason")
        .annotate(n=Count("pk"))
    ):
        key = (row["content_type_id"], row["object_id"])
        if key in keys:
            reasons.setdefault(key, {})[Report.Reason(row["reason"]).label] = row["n"]  # type: ignore[index]
    models = reportable_models()
    by_ct = {ContentType.objects.get_for_model(m).pk: (kind, m) for kind, m in models.items()}
    targets: dict[tuple[int, int], Moderated] = {}
    for ct_id in {g["content_type_id"] for g in groups}:
        if ct_id not in by_ct:
            continue
        kind, model = by_ct[ct_id]
        ids = [g["object_id"] for g in groups if g["content_type_id"] == ct_id]
        for obj in model.objects.filter(pk__in=ids):  # type: ignore[attr-defined]
            targets[(ct_id, obj.pk)] = obj
    author_ids = {content_author_id(t) for t in targets.values()} - {None}
    authors = get_user_model().objects.in_bulk(list(author_ids)) if author_ids else {}
    items = []
    for g in groups:
        key = (g["content_type_id"], g["object_id"])
        kind, model = by_ct.get(g["content_type_id"], ("", None))  # type: ignore[assignment]
        items.append(
            QueueItem(
                kind=kind,
                kind_label=str(model._meta.verbose_name) if model else "",
                target=targets.get(key),
                report_count=g["n"],
                last_reported_at=g["last"],
                reasons=reasons.get(key, {}),
                author=authors.get(content_author_id(targets[key])) if key in targets else None,
            )
        )
    return items


def bans_active(*, now: datetime) -> QuerySet[CommunityBan]:
    return (
        CommunityBan.objects.select_related("user", "created_by")
        .filter(lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-created_at", "-pk")
    )
