"""What readers do with a tour: likes, scraps, comments and replies, follows, view counts; and the popularity score.

Counters on the tour (like_count, scrap_count, comment_count, view_count) change in the same transaction as the row
they count, with F() updates, so concurrent taps never lose one. Likes and scraps are set to a wanted state
(`liked=True/False`), so a double tap or a retried request leaves the same state.

Popularity: every publication, like, scrap and comment adds weight * e^((t - EPOCH) / TAU) to a tour's score, and
the tour stores the log of the sum. Decaying every score to a common "now" multiplies all of them by the same
factor, so ordering by the stored value is ordering by the decayed score (a like from a week ago counts half as much
as one today, HALF_LIFE) without a nightly recomputation. Removing a like or scrap subtracts what it added.

Notifications are feed items (feed.services.feed_item_create, kind "community") for the tour's author, the replied
comment's author and the followed person; nobody is told about their own actions.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Exp, Greatest, Ln
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from community.feed_messages import FOLLOW, TOUR_COMMENT, TOUR_LIKE, TOUR_REPLY
from community.models import Follow, Tour, TourComment, TourLike, TourScrap, TourView
from community.models.tours import COMMENT_MAX
from community.ratelimit import ratelimit_hit
from community.services.page_versions import tour_changed
from community.services.tours import TOUR_NOT_FOUND, plain_text
from config.errors import DomainError
from feed.models import FeedItem
from feed.services.items import feed_item_create

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
HALF_LIFE = timedelta(days=7)
TAU_SECONDS = HALF_LIFE.total_seconds() / math.log(2)
WEIGHT_PUBLISH = 3.0  # a new tour starts like one with three fresh likes, so new homes get seen
WEIGHT_LIKE = 1.0
WEIGHT_SCRAP = 2.0  # saving a tour for later says more than a like
WEIGHT_COMMENT = 1.0
NEGLIGIBLE = 30.0  # e^-30: a contribution this much smaller than the score changes nothing worth a float

COMMENTS_PER_MINUTE = 5
COMMENT_EMPTY = gettext_noop("댓글 내용을 적어 주세요.")
COMMENT_TOO_LONG = gettext_noop("댓글은 {max}자까지 쓸 수 있어요.")
COMMENT_NOT_FOUND = gettext_noop("댓글을 찾을 수 없어요. 새로고침해 주세요.")
COMMENT_NOT_YOURS = gettext_noop("내가 쓴 댓글만 지울 수 있어요.")
FOLLOW_SELF = gettext_noop("나 자신은 팔로우할 수 없어요.")
USER_NOT_FOUND = gettext_noop("찾는 회원이 없어요.")


# ------------------------------------------------------------------------------------------------- popularity


def _exponent(*, at: datetime, weight: float) -> float:
    return (at - EPOCH).total_seconds() / TAU_SECONDS + math.log(weight)


def popularity_start(*, published_at: datetime) -> float:
    """The score of a tour just published: its publication counts WEIGHT_PUBLISH at that moment."""
    return _exponent(at=published_at, weight=WEIGHT_PUBLISH)


def popularity_decayed(*, score: float, now: datetime) -> float:
    """The stored score as a plain number at `now` (sum of weights, each halved every HALF_LIFE): for display/tests."""
    return math.exp(score - (now - EPOCH).total_seconds() / TAU_SECONDS)


def _popularity_add(*, tour_id: int, at: datetime, weight: float) -> None:
    x = _exponent(at=at, weight=weight)
    # log(e^p + e^x) = x + log(1 + e^(p - x)).
    Tour.objects.filter(pk=tour_id).update(
        popularity=Case(
            # Either term negligible next to the other: no EXP of a large number (it would overflow).
            When(popularity__gt=x + NEGLIGIBLE, then=F("popularity")),
            When(popularity__lt=x - NEGLIGIBLE, then=Value(x)),
            default=Value(x, output_field=FloatField()) + Ln(Value(1.0) + Exp(F("popularity") - Value(x))),
            output_field=FloatField(),
        )
    )


def _popularity_remove(*, tour_id: int, at: datetime, weight: float) -> None:
    x = _exponent(at=at, weight=weight)
    Tour.objects.filter(pk=tour_id).update(
        popularity=Case(
            When(popularity__gt=x + NEGLIGIBLE, then=F("popularity")),
            default=Value(x, output_field=FloatField())
            + Ln(Greatest(Exp(F("popularity") - Value(x)) - Value(1.0), Value(1e-12))),
            output_field=FloatField(),
        )
    )


# ----------------------------------------------------------------------------------------------------- helpers


def _readable(tour_id: int) -> Tour:
    tour = Tour.objects.filter(pk=tour_id, status=Tour.Status.PUBLISHED, is_hidden=False).first()
    if tour is None:
        raise DomainError(_(TOUR_NOT_FOUND), code="not_found", http_status=404)
    return tour


def _notify(*, recipient_id: int, actor: User, code: str, body: str = "", link: str = "") -> None:
    """Tell the recipient what `actor` did (a feed.messages code naming the actor), unless they did it themselves."""
    if recipient_id == actor.pk:
        return
    feed_item_create(
        kind=FeedItem.Kind.COMMUNITY,
        user=User(pk=recipient_id),
        message_code=code,
        message_params={"name": actor.display_name},
        body=body,
        link=link,
        toast=True,
    )


# ------------------------------------------------------------------------------------------------ likes, scraps


@transaction.atomic
def tour_like_set(*, tour_id: int, user: User, liked: bool) -> bool:
    """Like or unlike a published tour; returns the state now. Tells the author about a first like of the day."""
    tour = _readable(tour_id)
    existing = TourLike.objects.filter(tour=tour, user=user).first()
    if not liked:
        if existing is not None:
            existing.delete()
            Tour.objects.filter(pk=tour.pk).update(like_count=F("like_count") - 1)
            tour_changed(tour_id=tour.pk)
            _popularity_remove(tour_id=tour.pk, at=existing.created_at, weight=WEIGHT_LIKE)
        return False
    if existing is not None:
        return True
    now = timezone.now()
    try:
        with transaction.atomic():
            TourLike.objects.create(tour=tour, user=user, created_at=now)
    except IntegrityError:  # the same person's other tap won the race
        return True
    Tour.objects.filter(pk=tour.pk).update(like_count=F("like_count") + 1)
    tour_changed(tour_id=tour.pk)
    _popularity_add(tour_id=tour.pk, at=now, weight=WEIGHT_LIKE)
    # Unlike-and-like-again must not flood the author's feed: one note per person, tour and day.
    if cache.add(f"community:notified-like:{tour.pk}:{user.pk}:{timezone.localdate(now)}", 1, 86400):
        _notify(
            recipient_id=tour.author_id,
            actor=user,
            code=TOUR_LIKE,
            body=tour.title,
            link=tour.get_absolute_url(),
        )
    return True


@transaction.atomic
def tour_scrap_set(*, tour_id: int, user: User, scrapped: bool) -> bool:
    """Save a published tour to (or remove it from) the user's 내 스크랩; returns the state now."""
    tour = _readable(tour_id)
    existing = TourScrap.objects.filter(tour=tour, user=user).first()
    if not scrapped:
        if existing is not None:
            existing.delete()
            Tour.objects.filter(pk=tour.pk).update(scrap_count=F("scrap_count") - 1)
            tour_changed(tour_id=tour.pk)
            _popularity_remove(tour_id=tour.pk, at=existing.created_at, weight=WEIGHT_SCRAP)
        return False
    if existing is not None:
        return True
    now = timezone.now()
    try:
        with transaction.atomic():
            TourScrap.objects.create(tour=tour, user=user, created_at=now)
    except IntegrityError:
        return True
    Tour.objects.filter(pk=tour.pk).update(scrap_count=F("scrap_count") + 1)
    tour_changed(tour_id=tour.pk)
    _popularity_add(tour_id=tour.pk, at=now, weight=WEIGHT_SCRAP)
    return True


# ----------------------------------------------------------------------------------------------------- comments


@transaction.atomic
def tour_comment_create(*, tour_id: int, author: User, body: str, parent_id: int | None = None) -> TourComment:
    """A comment on a published tour, or a reply (to a reply: attached to its top-level comment, one level only).

    Rate limited per author (COMMUNITY_COMMENTS_PER_MINUTE, default 5): DomainError 429 with a message.
    Tells the tour's author, and for a reply the replied comment's author, in their feed.
    """
    tour = _readable(tour_id)
    text = plain_text(body, multiline=True)
    if not text:
        raise DomainError(_(COMMENT_EMPTY))
    if len(text) > COMMENT_MAX:
        raise DomainError(_(COMMENT_TOO_LONG).format(max=COMMENT_MAX))
    parent = None
    if parent_id is not None:
        parent = TourComment.objects.filter(tour=tour, pk=parent_id, is_hidden=False).first()
        if parent is None:
            raise DomainError(_(COMMENT_NOT_FOUND), code="not_found", http_status=404)
        if parent.parent_id is not None:
            parent = TourComment.objects.get(pk=parent.parent_id)
    ratelimit_hit(
        key=f"comment:user:{author.pk}",
        limit=int(getattr(settings, "COMMUNITY_COMMENTS_PER_MINUTE", COMMENTS_PER_MINUTE)),
        window_seconds=60,
    )
    now = timezone.now()
    comment = TourComment(tour=tour, author=author, parent=parent, body=text, created_at=now)
    comment.full_clean(exclude=["tour", "author", "parent"])
    comment.save()
    Tour.objects.filter(pk=tour.pk).update(comment_count=F("comment_count") + 1)
    tour_changed(tour_id=tour.pk)
    if author.pk != tour.author_id:
        _popularity_add(tour_id=tour.pk, at=now, weight=WEIGHT_COMMENT)
    link = f"{tour.get_absolute_url()}#comment-{comment.pk}"
    excerpt = text[:120]
    _notify(
        recipient_id=tour.author_id,
        actor=author,
        code=TOUR_COMMENT,
        body=excerpt,
        link=link,
    )
    if parent is not None and parent.author_id != tour.author_id:
        _notify(
            recipient_id=parent.author_id,
            actor=author,
            code=TOUR_REPLY,
            body=excerpt,
            link=link,
        )
    return comment


@transaction.atomic
def tour_comment_delete(*, comment_id: int, user: User) -> int:
    """Delete the user's own comment (and its replies); returns the tour id."""
    comment = TourComment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise DomainError(_(COMMENT_NOT_FOUND), code="not_found", http_status=404)
    if comment.author_id != user.pk:
        raise DomainError(_(COMMENT_NOT_YOURS), code="forbidden", http_status=403)
    removed = 1 + TourComment.objects.filter(parent=comment).count()
    tour_id = comment.tour_id
    comment.delete()
    Tour.objects.filter(pk=tour_id).update(comment_count=Greatest(F("comment_count") - removed, Value(0)))
    return tour_id


# ------------------------------------------------------------------------------------------------------ follows


@transaction.atomic
def follow_set(*, follower: User, followee_id: int, following: bool) -> bool:
    """Follow or unfollow a member; returns the state now. Tells the followed person once."""
    if followee_id == follower.pk:
        raise DomainError(_(FOLLOW_SELF))
    followee = User.objects.filter(pk=followee_id, is_active=True).first()
    if followee is None:
        raise DomainError(_(USER_NOT_FOUND), code="not_found", http_status=404)
    if not following:
        Follow.objects.filter(follower=follower, followee=followee).delete()
        return False
    try:
        with transaction.atomic():
            _follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    except IntegrityError:
        return True
    if created and cache.add(f"community:notified-follow:{follower.pk}:{followee.pk}", 1, 7 * 86400):
        from django.urls import reverse

        _notify(
            recipient_id=followee.pk,
            actor=follower,
            code=FOLLOW,
            link=reverse("community:member", args=[follower.pk]),
        )
    return True


# -------------------------------------------------------------------------------------------------------- views


def viewer_key(*, user_id: int | None, visitor_id: object | None) -> str:
    """Who is looking: the member, else the browser's first-party visitor id (feed's cookie)."""
    if user_id is not None:
        return f"u:{user_id}"
    return f"v:{visitor_id}" if visitor_id else ""


def tour_view_record(*, tour_id: int, viewer: str, now: datetime | None = None) -> bool:
    """Count one view per viewer, tour and Seoul day; returns whether this view was counted.

    A cache key answers repeats without touching the database; the unique (tour, viewer, day) row is the
    authority when the cache forgot or two requests race. Drafts, hidden tours and the author's own views are
    not counted (the caller passes only published tours; the author check is here).
    """
    if not viewer:
        return False
    now = now or timezone.now()
    day: date = timezone.localdate(now)
    key = f"community:tour-view:{tour_id}:{viewer}:{day.isoformat()}"
    try:
        if not cache.add(key, 1, 26 * 3600):
            return False
    except Exception:  # noqa: S110 (a dead cache only costs the database check below)
        pass
    tour = Tour.objects.filter(pk=tour_id, status=Tour.Status.PUBLISHED).values("author_id").first()
    if tour is None or viewer == f"u:{tour['author_id']}":
        return False
    try:
        with transaction.atomic():
            TourView.objects.create(tour_id=tour_id, viewer=viewer[:64], day=day)
    except IntegrityError:
        return False
    Tour.objects.filter(pk=tour_id).update(view_count=F("view_count") + 1)
    return True


def tour_views_prune(*, now: datetime | None = None) -> int:
    """Delete view rows of days before yesterday (Seoul); they are needed only to count today's viewers once."""
    today = timezone.localdate(now or timezone.now())
    deleted, _rows = TourView.objects.filter(day__lt=today - timedelta(days=1)).delete()
    return deleted
