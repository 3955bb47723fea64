"""동네 인증 and local stores: verifying where a user lives, adding a store, reviewing it."""

import math
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import LocalStore, LocalStoreReview, Neighbourhood, Residency
from community.selectors.neighbourhoods import distance_to_m, neighbourhoods_are_near, verify_radius_m
from community.services.moderation import rate_check, text_clean, write_check
from config.errors import DomainError

LOCATION_INVALID = gettext_noop("위치를 읽지 못했어요. 위치 권한을 허용하고 다시 시도해 주세요.")
LOCATION_TOO_FAR = gettext_noop("지금 계신 곳이 {name}에서 {km}km 떨어져 있어요. {name} 안에서 다시 인증해 주세요.")
LOCATION_NO_NEIGHBOURHOOD = gettext_noop(
    "가까운 동네를 찾지 못했어요. 아직 동네생활이 열리지 않은 지역이에요. 곧 찾아갈게요."
)
NOT_RESIDENT = gettext_noop("{name} 주민 인증을 한 이웃만 쓸 수 있어요. 동네 인증을 먼저 해 주세요.")
NOT_NEARBY_RESIDENT = gettext_noop("{name} 근처에 사는 이웃만 쓸 수 있어요. 동네 인증을 먼저 해 주세요.")
LOCAL_STORE_DUPLICATE = gettext_noop("이미 등록된 가게예요. 목록에서 찾아 후기를 남겨 주세요.")
LOCAL_STORE_BAD_KIND = gettext_noop("업종을 골라 주세요.")
RATING_INVALID = gettext_noop("별점은 1점부터 5점까지 골라 주세요.")


def _coordinate(value: object, *, low: float, high: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DomainError(_(LOCATION_INVALID), code="invalid_location") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise DomainError(_(LOCATION_INVALID), code="invalid_location")
    return number


def residency_verify(
    *,
    user,
    latitude: object,
    longitude: object,
    neighbourhood: Neighbourhood | None = None,
    now: datetime | None = None,
) -> Residency:
    """Verify the user's 동 from a browser location and remember only the result.

    With `neighbourhood`, the location must be within COMMUNITY_NEIGHBOURHOOD_RADIUS_M of its centroid; without,
    the nearest 동 within that radius is taken. The coordinates are used for this one haversine check and never
    stored or logged. Replaces any earlier verification (one 동 at a time). Raises DomainError: not logged in,
    suspended, invalid coordinates, too far, no 동 near, rate limit (429).
    """
    write_check(user=user, now=now)
    lat = _coordinate(latitude, low=-90, high=90)
    lng = _coordinate(longitude, low=-180, high=180)
    rate_check(user=user, action="verify")
    radius = verify_radius_m()
    if neighbourhood is not None:
        distance = distance_to_m(neighbourhood, lat, lng)
        if distance > radius:
            raise DomainError(
                _(LOCATION_TOO_FAR).format(name=neighbourhood.name, km=f"{distance / 1000:.1f}"),
                code="too_far",
            )
        chosen = neighbourhood
    else:
        candidates = sorted(
            ((distance_to_m(n, lat, lng), n.pk, n) for n in Neighbourhood.objects.all()), key=lambda t: t[:2]
        )
        if not candidates or candidates[0][0] > radius:
            raise DomainError(_(LOCATION_NO_NEIGHBOURHOOD), code="no_neighbourhood")
        chosen = candidates[0][2]
    residency, _created = Residency.objects.update_or_create(
        user=user, defaults={"neighbourhood": chosen, "verified_at": now or timezone.now()}
    )
    return residency


def residency_forget(*, user) -> None:
    """Drop the user's verification (they moved, or changed their mind)."""
    Residency.objects.filter(user=user).delete()


def resident_check(*, user, neighbourhood: Neighbourhood, nearby: bool = False) -> None:
    """Raise DomainError 403 unless the user verified `neighbourhood` (or, with nearby=True, a 동 near it)."""
    residency = Residency.objects.select_related("neighbourhood").filter(user=user).first()
    if residency is not None:
        if residency.neighbourhood_id == neighbourhood.pk:
            return
        if nearby and neighbourhoods_are_near(residency.neighbourhood, neighbourhood):
            return
    message = NOT_NEARBY_RESIDENT if nearby else NOT_RESIDENT
    raise DomainError(_(message).format(name=neighbourhood.name), code="not_resident", http_status=403)


def local_store_create(
    *,
    user,
    neighbourhood: Neighbourhood,
    name: str,
    kind: str,
    address: str,
    hours: str = "",
    introduction: str = "",
    mall_store=None,
) -> LocalStore:
    """A resident (or staff) adds a store of their 동. Plain text; unique per 동, name and address."""
    write_check(user=user)
    if not user.is_staff:
        resident_check(user=user, neighbourhood=neighbourhood)
    if kind not in LocalStore.Kind.values:
        raise DomainError(_(LOCAL_STORE_BAD_KIND), code="invalid_kind")
    store = LocalStore(
        neighbourhood=neighbourhood,
        name=text_clean(name, field=_("가게 이름"), max_length=60),
        kind=kind,
        address=text_clean(address, field=_("주소"), max_length=200),
        hours=text_clean(hours, field=_("영업시간"), max_length=120, required=False),
        introduction=text_clean(introduction, field=_("한 줄 소개"), max_length=200, required=False),
        mall_store=mall_store,
        created_by=user,
    )
    rate_check(user=user, action="post")
    store.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            store.save()
    except IntegrityError:
        raise DomainError(_(LOCAL_STORE_DUPLICATE), code="duplicate", http_status=409) from None
    return store


def local_store_rating_refresh(*, store: LocalStore) -> LocalStore:
    """Recount the store's visible reviews into its denormalised count and average (caller holds the row lock)."""
    totals = LocalStoreReview.objects.filter(store=store, is_hidden=False).aggregate(n=Count("pk"), avg=Avg("rating"))
    average = round(totals["avg"], 1) if totals["avg"] is not None else None
    LocalStore.objects.filter(pk=store.pk).update(review_count=totals["n"], rating_average=average)
    store.review_count, store.rating_average = totals["n"], average
    return store


@transaction.atomic
def local_store_review_save(*, user, store: LocalStore, rating: object, body: str) -> LocalStoreReview:
    """A resident of the store's 동 or one near it rates it 1-5 with a few words; a second review replaces the
    first. Locks the store row while the average is recomputed so two reviews never lose each other."""
    write_check(user=user)
    resident_check(user=user, neighbourhood=store.neighbourhood, nearby=True)
    try:
        stars = int(rating)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise DomainError(_(RATING_INVALID), code="invalid_rating") from None
    if not 1 <= stars <= 5:
        raise DomainError(_(RATING_INVALID), code="invalid_rating")
    text = text_clean(body, field=_("후기"), max_length=1000)
    rate_check(user=user, action="comment")
    locked = LocalStore.objects.select_for_update(of=("self",)).get(pk=store.pk)
    review, _created = LocalStoreReview.objects.update_or_create(
        store=locked, author=user, defaults={"rating": stars, "body": text, "created_at": timezone.now()}
    )
    local_store_rating_refresh(store=locked)
    store.review_count, store.rating_average = locked.review_count, locked.rating_average
    return review
