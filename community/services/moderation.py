"""Moderation for every kind of community content, and the checks every community write shares.

- `text_clean`: user text is stored as plain text (templates escape it); NULs and stray whitespace go.
- `write_check`: a suspended user (CommunityBan) cannot post, comment, review, ask or apply.
- `rate_check`: per-user limits on posts, comments and reports (community.ratelimit), tunable with the
  COMMUNITY_RATE_LIMITS setting: {"post": (limit, window_seconds), ...}.
- Reports: any concrete community model that inherits Moderated can be reported; it is known by its model name
  ("boardpost", "boardcomment", "tour", ...). COMMUNITY_AUTO_HIDE_REPORTS reports hide it until a moderator decides.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import CommunityBan, Moderated, ProductQuestion, Report, Tour, TourComment, TrialReport
from community.ratelimit import ratelimit_hit
from community.selectors.moderation import content_author_id
from community.services.page_versions import product_panels_changed, tour_changed
from config.errors import DomainError

BANNED = gettext_noop("커뮤니티 이용이 제한된 계정이에요. {until} 글을 쓸 수 없어요.")
BANNED_UNTIL = gettext_noop("{date}까지")
BANNED_FOREVER = gettext_noop("운영팀이 해제할 때까지")
LOGIN_REQUIRED = gettext_noop("로그인하면 이웃과 이야기를 나눌 수 있어요.")
REPORT_OWN = gettext_noop("내가 쓴 글은 신고할 수 없어요.")
REPORT_TWICE = gettext_noop("이미 신고한 글이에요. 운영팀이 확인하고 있어요.")
REPORT_BAD_REASON = gettext_noop("신고 사유를 골라 주세요.")
MODERATOR_ONLY = gettext_noop("운영진만 할 수 있어요.")
MODERATION_BAD_ACTION = gettext_noop("알 수 없는 처리예요.")
BAN_SELF = gettext_noop("자기 자신은 제한할 수 없어요.")
BAN_REASON_EMPTY = gettext_noop("제한 사유를 적어 주세요.")
TEXT_REQUIRED = gettext_noop("{field} 칸을 채워 주세요.")
TEXT_TOO_LONG = gettext_noop("{field} 칸에는 {max}자까지 쓸 수 있어요.")

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "post": (5, 10 * 60),  # posts, local stores, trial reports: five in ten minutes
    "comment": (20, 10 * 60),  # comments, reviews, questions
    "report": (10, 60 * 60),
    "verify": (20, 60 * 60),  # location checks: stops probing the centroids
}

ACTIONS = ("hide", "restore", "dismiss")


def text_clean(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    """Plain text as the user meant it: CRLF -> LF, NUL and other C0 controls (except tab/newline) dropped, ends
    stripped. Raises DomainError when required and empty, or longer than max_length. Markup stays literal text:
    templates escape it, so `<script>` and `javascript:` are shown, never run."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()
    if required and not text:
        raise DomainError(_(TEXT_REQUIRED).format(field=field), code="required")
    if len(text) > max_length:
        raise DomainError(_(TEXT_TOO_LONG).format(field=field, max=max_length), code="too_long")
    return text


def rate_check(*, user, action: str) -> None:
    """Count one `action` ("post", "comment", "report", "verify") for the user; raises DomainError 429 past it."""
    overrides = getattr(settings, "COMMUNITY_RATE_LIMITS", {}) or {}
    limit, window = overrides.get(action, DEFAULT_RATE_LIMITS[action])
    ratelimit_hit(key=f"community:{action}:user:{user.pk}", limit=limit, window_seconds=window)


def ban_active_for(*, user, now: datetime | None = None) -> CommunityBan | None:
    """The user's current suspension (the one ending last), or None."""
    if user is None or not user.is_authenticated:
        return None
    now = now or timezone.now()
    bans = [
        ban
        for ban in CommunityBan.objects.filter(user=user, lifted_at__isnull=True).order_by("-created_at")
        if ban.is_active(now)
    ]
    if not bans:
        return None
    forever = [b for b in bans if b.ends_at is None]
    return forever[0] if forever else max(bans, key=lambda b: b.ends_at)  # type: ignore[arg-type, return-value]


def write_check(*, user, now: datetime | None = None) -> None:
    """Raise DomainError unless the user may write in the community: logged in (401) and not suspended (403)."""
    if user is None or not user.is_authenticated:
        raise DomainError(_(LOGIN_REQUIRED), code="login_required", http_status=401)
    ban = ban_active_for(user=user, now=now)
    if ban is not None:
        until = (
            _(BANNED_UNTIL).format(date=date_format(timezone.localtime(ban.ends_at), "Y.m.d H:i"))
            if ban.ends_at
            else _(BANNED_FOREVER)
        )
        raise DomainError(_(BANNED).format(until=until), code="banned", http_status=403)


def auto_hide_threshold() -> int:
    return max(1, int(settings.COMMUNITY_AUTO_HIDE_REPORTS))


@transaction.atomic
def report_create(*, reporter, target: Moderated, reason: str, detail: str = "") -> Report:
    """One reader reports one piece of content, once. Counts it on the content with an F() update and hides the
    content in the same transaction when the count reaches COMMUNITY_AUTO_HIDE_REPORTS (a conditional update, so
    concurrent reports hide it exactly once). Raises DomainError: login, own content, twice (409), bad reason,
    rate limit (429)."""
    write_check_for_reports(user=reporter)
    if reason not in Report.Reason.values:
        raise DomainError(_(REPORT_BAD_REASON), code="invalid_reason")
    if content_author_id(target) == reporter.pk:
        raise DomainError(_(REPORT_OWN), code="own_content")
    detail = text_clean(detail, field=_("자세한 내용"), max_length=500, required=False)
    rate_check(user=reporter, action="report")
    content_type = ContentType.objects.get_for_model(type(target))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                content_type=content_type, object_id=target.pk, reporter=reporter, reason=reason, detail=detail
            )
    except IntegrityError:
        raise DomainError(_(REPORT_TWICE), code="already_reported", http_status=409) from None
    model = type(target)
    model.objects.filter(pk=target.pk).update(report_count=F("report_count") + 1)  # type: ignore[attr-defined]
    hidden = model.objects.filter(  # type: ignore[attr-defined]
        pk=target.pk, is_hidden=False, report_count__gte=auto_hide_threshold()
    ).update(is_hidden=True)
    if hidden:
        _shown_changed(target)
    return report


def _shown_changed(target: Moderated) -> None:
    """Content appeared or disappeared: the copies of pages visitors share must follow (page_versions)."""
    if isinstance(target, Tour):
        tour_changed(tour_id=target.pk, listing=True)
    elif isinstance(target, TourComment):
        tour_changed(tour_id=target.tour_id)
    elif isinstance(target, ProductQuestion | TrialReport):
        product_panels_changed(product_id=target.product_id)


def write_check_for_reports(*, user) -> None:
    """Reporting needs a login; a suspended user may still report what they see."""
    if user is None or not user.is_authenticated:
        raise DomainError(_(LOGIN_REQUIRED), code="login_required", http_status=401)


def is_moderator(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _moderator_check(user) -> None:
    if not is_moderator(user):
        raise DomainError(_(MODERATOR_ONLY), code="forbidden", http_status=403)


@transaction.atomic
def moderation_decide(*, moderator, target: Moderated, action: str, now: datetime | None = None) -> Moderated:
    """A moderator's decision on reported content, resolving every open report of it:

    - "hide": the content stays hidden (reports -> hidden);
    - "restore" / "dismiss": the content is shown again and its report count starts over, so the reports already
      judged do not hide it again (reports -> dismissed).
    Staff only (DomainError 403)."""
    _moderator_check(moderator)
    if action not in ACTIONS:
        raise DomainError(_(MODERATION_BAD_ACTION), code="invalid_action")
    now = now or timezone.now()
    model = type(target)
    if action == "hide":
        model.objects.filter(pk=target.pk).update(is_hidden=True)  # type: ignore[attr-defined]
        resolution = Report.Resolution.HIDDEN
    else:
        model.objects.filter(pk=target.pk).update(is_hidden=False, report_count=0)  # type: ignore[attr-defined]
        resolution = Report.Resolution.DISMISSED
    Report.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=target.pk,
        resolution=Report.Resolution.OPEN,
    ).update(resolution=resolution, resolved_by=moderator, resolved_at=now)
    target.refresh_from_db(fields=["is_hidden", "report_count"])
    _shown_changed(target)
    return target


def ban_create(*, user, moderator, reason: str, days: int | None, now: datetime | None = None) -> CommunityBan:
    """Suspend a user's community writing for `days` (None: until lifted). Staff only; not oneself."""
    _moderator_check(moderator)
    if user.pk == moderator.pk:
        raise DomainError(_(BAN_SELF), code="ban_self")
    reason = text_clean(reason, field=_("제한 사유"), max_length=300)
    now = now or timezone.now()
    ban = CommunityBan(
        user=user,
        reason=reason,
        ends_at=now + timedelta(days=days) if days else None,
        created_by=moderator,
        created_at=now,
    )
    ban.full_clean()
    ban.save()
    return ban


def ban_lift(*, ban: CommunityBan, moderator, now: datetime | None = None) -> CommunityBan:
    """End a suspension now (kept as history). Staff only."""
    _moderator_check(moderator)
    if ban.lifted_at is None:
        ban.lifted_at = now or timezone.now()
        CommunityBan.objects.filter(pk=ban.pk, lifted_at__isnull=True).update(lifted_at=ban.lifted_at)
    return ban
