"""집들이 writes: drafts, photos, captions, order, cover, product pins, publishing and deleting.

Every function takes the acting user and checks that the tour is theirs (`_own`), so a page and the API share one
rule: nobody edits or deletes another person's tour. Text is stored as the plain text the author typed (control
characters removed, trimmed) and escaped by the templates on output; nothing here produces HTML.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from community.images import image_store
from community.models import Tour, TourPhoto, TourPin
from community.models.tours import BODY_MAX, CAPTION_MAX, TITLE_MAX
from community.ratelimit import ratelimit_hit
from community.services.page_versions import tour_changed
from config.errors import DomainError
from shop.selectors.catalog import product_cards

TOUR_NOT_FOUND = gettext_noop("찾는 집들이가 없어요.")
TOUR_NOT_YOURS = gettext_noop("내가 쓴 집들이만 고치거나 지울 수 있어요.")
PHOTO_NOT_FOUND = gettext_noop("사진을 찾을 수 없어요. 새로고침해 주세요.")
PIN_NOT_FOUND = gettext_noop("상품 핀을 찾을 수 없어요. 새로고침해 주세요.")
PRODUCT_NOT_FOUND = gettext_noop("판매 중인 상품만 태그할 수 있어요.")
PIN_OUTSIDE = gettext_noop("사진 안쪽을 눌러서 상품 위치를 골라 주세요.")
TOO_MANY_PHOTOS = gettext_noop("사진은 한 집들이에 {max}장까지 올릴 수 있어요.")
TOO_MANY_PINS = gettext_noop("한 사진에 상품은 {max}개까지 태그할 수 있어요.")
PUBLISH_NEEDS_TITLE = gettext_noop("제목을 적어 주세요.")
PUBLISH_NEEDS_PHOTO = gettext_noop("사진을 한 장 이상 올려 주세요.")
TITLE_TOO_LONG = gettext_noop("제목은 {max}자까지 쓸 수 있어요.")
BODY_TOO_LONG = gettext_noop("이야기는 {max}자까지 쓸 수 있어요.")
CAPTION_TOO_LONG = gettext_noop("사진 설명은 {max}자까지 쓸 수 있어요.")
BAD_FACT = gettext_noop("{field} 값을 다시 골라 주세요.")
SIZE_RANGE = gettext_noop("평수는 1평부터 300평까지 적어 주세요.")
BUDGET_RANGE = gettext_noop("예산은 0원 이상, 20억 원 이하로 적어 주세요.")

MAX_PHOTOS = 30
MAX_PINS_PER_PHOTO = 10
TOURS_PER_HOUR = 10
PHOTOS_PER_HOUR = 120


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def plain_text(value: Any, *, multiline: bool) -> str:
    """What the user typed, as plain text: control and format characters dropped, newlines kept where allowed.

    Markup is not removed (a title may well say "<우리 집>"); the templates escape it on output.
    """
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in text:
        if ch == "\n" and multiline:
            kept.append(ch)
        elif ch in "\n\t":
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            kept.append(ch)
    cleaned = "".join(kept).strip()
    if multiline:
        while "\n\n\n" in cleaned:
            cleaned = cleaned.replace("\n\n\n", "\n\n")
    return cleaned


def _own(*, tour_id: int, user: User, lock: bool = False) -> Tour:
    """The user's own tour. `lock` is for a write: the row is locked, and if the transaction commits the copies
    visitors share are replaced (the listing's too when the tour is published)."""
    qs = Tour.objects.filter(pk=tour_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    tour = qs.first()
    if tour is None:
        raise DomainError(_(TOUR_NOT_FOUND), code="not_found", http_status=404)
    if tour.author_id != user.pk:
        raise DomainError(_(TOUR_NOT_YOURS), code="forbidden", http_status=403)
    if lock:
        tour_changed(tour_id=tour.pk, listing=tour.is_published)
    return tour


@dataclass(frozen=True)
class TourFacts:
    """What the author says about the home; each field already parsed (None or "" when not given)."""

    title: str = ""
    body: str = ""
    home_type: str = ""
    size_pyeong: int | None = None
    style: str = ""
    household: str = ""
    budget: int | None = None

    @classmethod
    def from_data(cls, data: Any) -> TourFacts:
        """Parse form or JSON data. Raises DomainError for a value that is not a choice or a number in range."""
        title = plain_text(data.get("title"), multiline=False)
        body = plain_text(data.get("body"), multiline=True)
        if len(title) > TITLE_MAX:
            raise DomainError(_(TITLE_TOO_LONG).format(max=TITLE_MAX))
        if len(body) > BODY_MAX:
            raise DomainError(_(BODY_TOO_LONG).format(max=BODY_MAX))
        choices = {
            "home_type": (Tour.HomeType, _("주거 형태")),
            "style": (Tour.Style, _("스타일")),
            "household": (Tour.Household, _("가족 형태")),
        }
        picked: dict[str, str] = {}
        for name, (enum, label) in choices.items():
            value = str(data.get(name) or "").strip()
            if value and value not in enum.values:
                raise DomainError(_(BAD_FACT).format(field=label))
            picked[name] = value
        size = _whole(data.get("size_pyeong"))
        if size is not None and not 1 <= size <= 300:
            raise DomainError(_(SIZE_RANGE))
        budget = _whole(data.get("budget"))
        if budget is not None and not 0 <= budget <= 2_000_000_000:
            raise DomainError(_(BUDGET_RANGE))
        return cls(title=title, body=body, size_pyeong=size, budget=budget, **picked)


def _whole(value: Any) -> int | None:
    raw = str(value if value is not None else "").replace(",", "").replace("원", "").replace("평", "").strip()
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise DomainError(_("숫자로 적어 주세요.")) from None
    if not math.isfinite(number):
        raise DomainError(_("숫자로 적어 주세요."))
    return int(number)


def _apply_facts(tour: Tour, facts: TourFacts) -> list[str]:
    changed = []
    for name in ("title", "body", "home_type", "size_pyeong", "style", "household", "budget"):
        value = getattr(facts, name)
        if getattr(tour, name) != value:
            setattr(tour, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def tour_create(*, author: User, facts: TourFacts | None = None) -> Tour:
    """Start a draft for `author`. Rate limited per author (COMMUNITY_TOURS_PER_HOUR, default 10): DomainError 429."""
    ratelimit_hit(
        key=f"tour:user:{author.pk}", limit=_limit("COMMUNITY_TOURS_PER_HOUR", TOURS_PER_HOUR), window_seconds=3600
    )
    now = timezone.now()
    tour = Tour(author=author, created_at=now, updated_at=now)
    if facts is not None:
        _apply_facts(tour, facts)
    tour.full_clean(exclude=["author", "cover"])
    tour.save()
    return tour


@transaction.atomic
def tour_update(*, tour_id: int, user: User, facts: TourFacts) -> Tour:
    """Change the title, story and facts of the user's own tour (draft or published). Locks the tour row."""
    tour = _own(tour_id=tour_id, user=user, lock=True)
    changed = _apply_facts(tour, facts)
    if changed:
        tour.updated_at = timezone.now()
        tour.full_clean(exclude=["author", "cover"])
        tour.save(update_fields=[*changed, "updated_at"])
    return tour


def _touch(tour_id: int) -> None:
    Tour.objects.filter(pk=tour_id).update(updated_at=timezone.now())


def tour_photo_add(*, tour_id: int, user: User, upload: Any, caption: str = "") -> TourPhoto:
    """Verify and store one picture (community.images) and add it at the end of the user's tour.

    The picture is checked before any lock is taken (decoding takes time); the position is decided under the tour
    lock. The first photo becomes the cover. Rate limited (COMMUNITY_PHOTOS_PER_HOUR). Raises DomainError.
    """
    _own(tour_id=tour_id, user=user)
    ratelimit_hit(
        key=f"upload:user:{user.pk}", limit=_limit("COMMUNITY_PHOTOS_PER_HOUR", PHOTOS_PER_HOUR), window_seconds=3600
    )
    caption = plain_text(caption, multiline=True)
    if len(caption) > CAPTION_MAX:
        raise DomainError(_(CAPTION_TOO_LONG).format(max=CAPTION_MAX))
    with transaction.atomic():
        tour = _own(tour_id=tour_id, user=user, lock=True)
        count = TourPhoto.objects.filter(tour=tour).count()
        if count >= MAX_PHOTOS:
            raise DomainError(_(TOO_MANY_PHOTOS).format(max=MAX_PHOTOS))
        image = image_store(upload=upload, owner=user)
        last = TourPhoto.objects.filter(tour=tour).aggregate(last=Max("position"))["last"]
        photo = TourPhoto.objects.create(
            tour=tour, image=image, caption=caption, position=0 if last is None else last + 1
        )
        fields = ["updated_at"]
        if tour.cover_id is None:
            tour.cover = image
            fields.append("cover")
        tour.updated_at = timezone.now()
        tour.save(update_fields=fields)
    return photo


def _photo(*, tour: Tour, photo_id: int) -> TourPhoto:
    photo = TourPhoto.objects.filter(tour=tour, pk=photo_id).first()
    if photo is None:
        raise DomainError(_(PHOTO_NOT_FOUND), code="not_found", http_status=404)
    return photo


@transaction.atomic
def tour_photo_caption_set(*, tour_id: int, user: User, photo_id: int, caption: str) -> TourPhoto:
    tour = _own(tour_id=tour_id, user=user, lock=True)
    photo = _photo(tour=tour, photo_id=photo_id)
    caption = plain_text(caption, multiline=True)
    if len(caption) > CAPTION_MAX:
        raise DomainError(_(CAPTION_TOO_LONG).format(max=CAPTION_MAX))
    if photo.caption != caption:
        photo.caption = caption
        photo.save(update_fields=["caption"])
        _touch(tour.pk)
    return photo


@transaction.atomic
def tour_photo_move(*, tour_id: int, user: User, photo_id: int, offset: int) -> list[int]:
    """Move one photo up (offset < 0) or down in the order; returns the photo ids in their new order."""
    tour = _own(tour_id=tour_id, user=user, lock=True)
    ids = list(TourPhoto.objects.filter(tour=tour).order_by("position", "pk").values_list("pk", flat=True))
    if photo_id not in ids:
        raise DomainError(_(PHOTO_NOT_FOUND), code="not_found", http_status=404)
    index = ids.index(photo_id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    return _positions_write(tour=tour, ids=ids)


@transaction.atomic
def tour_photos_reorder(*, tour_id: int, user: User, photo_ids: list[int]) -> list[int]:
    """Put the photos in the given order (ids the tour does not have are ignored, missing ones keep their order)."""
    tour = _own(tour_id=tour_id, user=user, lock=True)
    current = list(TourPhoto.objects.filter(tour=tour).order_by("position", "pk").values_list("pk", flat=True))
    wanted = [pk for pk in dict.fromkeys(photo_ids) if pk in set(current)]
    ids = wanted + [pk for pk in current if pk not in set(wanted)]
    return _positions_write(tour=tour, ids=ids)


def _positions_write(*, tour: Tour, ids: list[int]) -> list[int]:
    photos = {p.pk: p for p in TourPhoto.objects.filter(tour=tour)}
    changed = []
    for position, pk in enumerate(ids):
        if photos[pk].position != position:
            photos[pk].position = position
            changed.append(photos[pk])
    if changed:
        TourPhoto.objects.bulk_update(changed, ["position"])
        _touch(tour.pk)
    return ids


@transaction.atomic
def tour_photo_delete(*, tour_id: int, user: User, photo_id: int) -> None:
    """Remove a photo and its pins; if it was the cover, the next photo becomes the cover."""
    tour = _own(tour_id=tour_id, user=user, lock=True)
    photo = _photo(tour=tour, photo_id=photo_id)
    pins = TourPin.objects.filter(photo=photo).count()
    image_id = photo.image_id
    photo.delete()
    fields = ["updated_at"]
    if tour.cover_id == image_id:
        tour.cover_id = (
            TourPhoto.objects.filter(tour=tour).order_by("position", "pk").values_list("image_id", flat=True).first()
        )
        fields.append("cover")
    if pins:
        Tour.objects.filter(pk=tour.pk).update(pin_count=F("pin_count") - pins)
    tour.updated_at = timezone.now()
    tour.save(update_fields=fields)


@transaction.atomic
def tour_cover_set(*, tour_id: int, user: User, photo_id: int) -> Tour:
    tour = _own(tour_id=tour_id, user=user, lock=True)
    photo = _photo(tour=tour, photo_id=photo_id)
    tour.cover_id = photo.image_id
    tour.updated_at = timezone.now()
    tour.save(update_fields=["cover", "updated_at"])
    return tour


def _percent(value: Any) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise DomainError(_(PIN_OUTSIDE)) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise DomainError(_(PIN_OUTSIDE))
    return number


@transaction.atomic
def tour_pin_add(*, tour_id: int, user: User, photo_id: int, product_id: int, x: Any, y: Any) -> TourPin:
    """Pin a product on sale at (x, y), in percent of the photo, on a photo of the user's own tour."""
    tour = _own(tour_id=tour_id, user=user, lock=True)
    photo = _photo(tour=tour, photo_id=photo_id)
    px, py = _percent(x), _percent(y)
    if not product_cards().filter(pk=product_id).exists():
        raise DomainError(_(PRODUCT_NOT_FOUND))
    if TourPin.objects.filter(photo=photo).count() >= MAX_PINS_PER_PHOTO:
        raise DomainError(_(TOO_MANY_PINS).format(max=MAX_PINS_PER_PHOTO))
    pin = TourPin(tour=tour, photo=photo, product_id=product_id, x=px, y=py)
    pin.full_clean(exclude=["tour", "photo", "product"])
    pin.save()
    Tour.objects.filter(pk=tour.pk).update(pin_count=F("pin_count") + 1, updated_at=timezone.now())
    return pin


@transaction.atomic
def tour_pin_delete(*, tour_id: int, user: User, pin_id: int) -> None:
    tour = _own(tour_id=tour_id, user=user, lock=True)
    deleted, _rows = TourPin.objects.filter(tour=tour, pk=pin_id).delete()
    if not deleted:
        raise DomainError(_(PIN_NOT_FOUND), code="not_found", http_status=404)
    Tour.objects.filter(pk=tour.pk).update(pin_count=F("pin_count") - 1, updated_at=timezone.now())


@transaction.atomic
def tour_publish(*, tour_id: int, user: User) -> Tour:
    """Publish the user's own draft: it needs a title and at least one photo. Publishing twice changes nothing.

    Sets the publication time and the popularity score's starting point (community.services.social).
    """
    from community.services.social import popularity_start

    tour = _own(tour_id=tour_id, user=user, lock=True)
    if tour.is_published:
        return tour
    if not tour.title.strip():
        raise DomainError(_(PUBLISH_NEEDS_TITLE), code="incomplete")
    photos = list(TourPhoto.objects.filter(tour=tour).order_by("position", "pk").values_list("image_id", flat=True))
    if not photos:
        raise DomainError(_(PUBLISH_NEEDS_PHOTO), code="incomplete")
    now = timezone.now()
    tour.status = Tour.Status.PUBLISHED
    tour.published_at = now
    tour.updated_at = now
    tour.popularity = popularity_start(published_at=now)
    fields = ["status", "published_at", "updated_at", "popularity"]
    if tour.cover_id is None:
        tour.cover_id = photos[0]
        fields.append("cover")
    tour.save(update_fields=fields)
    tour_changed(tour_id=tour.pk, listing=True)
    return tour


@transaction.atomic
def tour_delete(*, tour_id: int, user: User) -> None:
    """Delete the user's own tour with its photos, pins, likes, scraps and comments (the image files stay)."""
    tour = _own(tour_id=tour_id, user=user, lock=True)
    tour.delete()
