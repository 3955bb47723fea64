"""집들이 reads shaped for their pages and the API; every list costs a fixed number of queries.

Cards need the tour, its author and its cover picture (select_related); counts are columns on the tour. The tour
page loads the tour (with the reader's like/scrap/follow state as EXISTS annotations), its photos with pictures,
its pins, the pinned products as shop product cards, and the comments with their replies: six queries for any
number of photos, pins or comments (plus one for the author: who bought through the tour). The photos, pins and
products are the same for every reader, so the page view takes them from a shared copy when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from community.models import Follow, Tour, TourComment, TourLike, TourPhoto, TourPin, TourScrap
from community.services.social import USER_NOT_FOUND
from community.services.tours import TOUR_NOT_FOUND, TOUR_NOT_YOURS
from config.errors import DomainError
from shop.models import Product
from shop.selectors.catalog import SORT_RELEVANCE, ProductFilters, product_cards, product_search
from shop.selectors.orders import attributed_buyer_counts

SORT_POPULAR = "popular"
SORT_NEW = "new"
SORT_FOLLOWING = "following"
SORTS = (SORT_POPULAR, SORT_NEW, SORT_FOLLOWING)
COMMENTS_SHOWN = 100
HOME_STRIP_SIZE = 8
PIN_PRODUCT_GONE = gettext_noop("상품을 찾을 수 없어요. 판매가 끝났을 수 있어요.")

# Filter bands: key -> (low, high), inclusive, None for open-ended.
SIZE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "lt10": (None, 9),
    "10s": (10, 19),
    "20s": (20, 29),
    "30s": (30, 39),
    "40up": (40, None),
}
BUDGET_BANDS: dict[str, tuple[int | None, int | None]] = {
    "lt100": (None, 999_999),
    "100to300": (1_000_000, 2_999_999),
    "300to500": (3_000_000, 4_999_999),
    "500to1000": (5_000_000, 9_999_999),
    "1000up": (10_000_000, None),
}


# Labels of the filter bands, translated when shown (facet_choices).
SIZE_LABELS = [
    ("lt10", gettext_noop("10평 미만")),
    ("10s", gettext_noop("10평대")),
    ("20s", gettext_noop("20평대")),
    ("30s", gettext_noop("30평대")),
    ("40up", gettext_noop("40평 이상")),
]
BUDGET_LABELS = [
    ("lt100", gettext_noop("100만 원 미만")),
    ("100to300", gettext_noop("100~300만 원")),
    ("300to500", gettext_noop("300~500만 원")),
    ("500to1000", gettext_noop("500~1,000만 원")),
    ("1000up", gettext_noop("1,000만 원 이상")),
]


def facet_choices() -> dict[str, Any]:
    """The listing filters' and the editor's choices, labels translated (no query)."""
    return {
        "home_types": Tour.HomeType.choices,
        "styles": Tour.Style.choices,
        "households": Tour.Household.choices,
        "size_bands": [(key, _(label)) for key, label in SIZE_LABELS],
        "budget_bands": [(key, _(label)) for key, label in BUDGET_LABELS],
    }


def _user_or_none(user: Any) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@dataclass(frozen=True)
class TourFilters:
    """The list's sort and facet filters, parsed from the query string (unknown values are ignored)."""

    sort: str = SORT_POPULAR
    home_type: str = ""
    style: str = ""
    household: str = ""
    size: str = ""
    budget: str = ""

    @classmethod
    def from_query(cls, params: Any) -> TourFilters:
        def pick(name: str, allowed: Any) -> str:
            value = str(params.get(name, "") or "")[:20]
            return value if value in allowed else ""

        return cls(
            sort=pick("sort", SORTS) or SORT_POPULAR,
            home_type=pick("home_type", Tour.HomeType.values),
            style=pick("style", Tour.Style.values),
            household=pick("household", Tour.Household.values),
            size=pick("size", SIZE_BANDS),
            budget=pick("budget", BUDGET_BANDS),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.home_type or self.style or self.household or self.size or self.budget)

    def apply(self, qs: QuerySet[Tour]) -> QuerySet[Tour]:
        for name in ("home_type", "style", "household"):
            if getattr(self, name):
                qs = qs.filter(**{name: getattr(self, name)})
        for name, column, bands in (("size", "size_pyeong", SIZE_BANDS), ("budget", "budget", BUDGET_BANDS)):
            key = getattr(self, name)
            if key:
                low, high = bands[key]
                if low is not None:
                    qs = qs.filter(**{f"{column}__gte": low})
                if high is not None:
                    qs = qs.filter(**{f"{column}__lte": high})
        return qs

    def querystring(self, **override: str) -> str:
        """The filters as a query string (without the page); `override` replaces or clears single values."""
        params = {
            "sort": self.sort if self.sort != SORT_POPULAR else "",
            "home_type": self.home_type,
            "style": self.style,
            "household": self.household,
            "size": self.size,
            "budget": self.budget,
        }
        params.update(override)
        return urlencode({k: v for k, v in params.items() if v})


def tour_cards() -> QuerySet[Tour]:
    """Published, visible tours ready for a card: author and cover picture joined, the story left out."""
    return (
        Tour.objects.filter(status=Tour.Status.PUBLISHED, is_hidden=False)
        .select_related("author", "cover")
        .defer("body", "author__password")
    )


def tours_for_listing(*, filters: TourFilters, user: Any = None) -> QuerySet[Tour]:
    """The listing: popular (decayed score), newest, or only people the user follows; facet filters applied."""
    qs = filters.apply(tour_cards())
    if filters.sort == SORT_FOLLOWING:
        member = _user_or_none(user)
        if member is None:
            return qs.none()
        qs = qs.filter(author__in=Follow.objects.filter(follower=member).values("followee"))
        return qs.order_by("-published_at", "-pk")
    if filters.sort == SORT_NEW:
        return qs.order_by("-published_at", "-pk")
    return qs.order_by("-popularity", "-pk")


def tours_popular(*, limit: int = HOME_STRIP_SIZE) -> list[Tour]:
    """The home page's strip: the most popular visible tours right now."""
    return list(tour_cards().order_by("-popularity", "-pk")[:limit])


def tour_scrapped_ids(*, user: Any, tour_ids: list[int]) -> set[int]:
    """Which of these tours the user keeps in 내 스크랩 (one query; none for a visitor)."""
    member = _user_or_none(user)
    if member is None or not tour_ids:
        return set()
    return set(TourScrap.objects.filter(user=member, tour_id__in=tour_ids).values_list("tour_id", flat=True))


def scraps_for_user(*, user: User) -> QuerySet[Tour]:
    """내 스크랩: the tours the user saved, most recently saved first (hidden or unpublished ones drop out)."""
    latest = TourScrap.objects.filter(user=user, tour=OuterRef("pk")).values("created_at")[:1]
    return tour_cards().filter(scraps__user=user).annotate(scrapped_at=latest).order_by("-scrapped_at", "-pk")


def tours_by_author(*, author: User, viewer: Any = None) -> QuerySet[Tour]:
    """A member's tours: everyone sees the published ones; the author also sees drafts and hidden ones."""
    own = _user_or_none(viewer) is not None and viewer.pk == author.pk
    qs = Tour.objects.filter(author=author).select_related("author", "cover").defer("body", "author__password")
    if not own:
        qs = qs.filter(status=Tour.Status.PUBLISHED, is_hidden=False)
    return qs.order_by("status", "-published_at", "-updated_at", "-pk")


def tour_buyer_counts(*, tours: list[Tour]) -> dict[int, int]:
    """For the author: how many shoppers bought after a pin click on each tour (one query)."""
    counts = attributed_buyer_counts(sources=[t.attribution_source for t in tours])
    return {t.pk: counts.get(t.attribution_source, 0) for t in tours}


@dataclass
class Member:
    user: User
    tour_count: int
    follower_count: int
    following_count: int
    is_following: bool


def member_get(*, user_id: int, viewer: Any = None) -> Member:
    """A member's public profile numbers and whether the viewer follows them (one query). Raises DomainError 404."""
    member = _user_or_none(viewer)
    qs = User.objects.filter(pk=user_id, is_active=True).annotate(
        n_tours=Count("tours", filter=Q(tours__status=Tour.Status.PUBLISHED, tours__is_hidden=False), distinct=True),
        n_followers=Count("followers", distinct=True),
        n_following=Count("following", distinct=True),
        is_followed=Exists(Follow.objects.filter(follower=member, followee=OuterRef("pk")))
        if member
        else Value(False, output_field=BooleanField()),
    )
    user = qs.only("pk", "username", "nickname", "date_joined").first()
    if user is None:
        raise DomainError(_(USER_NOT_FOUND), code="not_found", http_status=404)
    return Member(
        user=user,
        tour_count=user.n_tours,
        follower_count=user.n_followers,
        following_count=user.n_following,
        is_following=bool(user.is_followed),
    )


def following_for_user(*, user: User) -> QuerySet[User]:
    """The members the user follows, most recently followed first, with their published tour counts."""
    since = Follow.objects.filter(follower=user, followee=OuterRef("pk")).values("created_at")[:1]
    return (
        User.objects.filter(followers__follower=user, is_active=True)
        .annotate(
            followed_at=since,
            n_tours=Count(
                "tours", filter=Q(tours__status=Tour.Status.PUBLISHED, tours__is_hidden=False), distinct=True
            ),
        )
        .only("pk", "username", "nickname")
        .order_by("-followed_at", "-pk")
    )


# ------------------------------------------------------------------------------------------------ the tour page


@dataclass
class TourPage:
    """Everything the tour page (and the editor) shows, loaded up front so the template starts no query."""

    tour: Tour
    photos: list[TourPhoto]
    products: list[Product]  # 이 집의 제품: every pinned product on sale, once, in pin order
    comments: list[TourComment] = field(default_factory=list)
    is_author: bool = False
    buyers: int | None = None  # only for the author


def _tour_queryset(member: User | None) -> QuerySet[Tour]:
    qs = Tour.objects.select_related("author", "cover").defer("author__password")
    if member is None:
        false = Value(False, output_field=BooleanField())
        return qs.annotate(is_liked=false, is_scrapped=false, is_following=false)
    return qs.annotate(
        is_liked=Exists(TourLike.objects.filter(tour=OuterRef("pk"), user=member)),
        is_scrapped=Exists(TourScrap.objects.filter(tour=OuterRef("pk"), user=member)),
        is_following=Exists(Follow.objects.filter(follower=member, followee=OuterRef("author_id"))),
    )


def _photos_with_pins(tour: Tour) -> tuple[list[TourPhoto], list[Product]]:
    photos = list(TourPhoto.objects.filter(tour=tour).select_related("image").order_by("position", "pk"))
    pins = list(TourPin.objects.filter(tour=tour).order_by("pk"))
    products = {p.pk: p for p in product_cards().filter(pk__in={pin.product_id for pin in pins})} if pins else {}
    by_photo: dict[int, list[TourPin]] = {}
    for pin in pins:
        pin.card = products.get(pin.product_id)  # type: ignore[attr-defined]  # None when the product is no longer on sale: the pin is not shown
        if pin.card is not None:  # type: ignore[attr-defined]
            by_photo.setdefault(pin.photo_id, []).append(pin)
    for photo in photos:
        photo.pin_list = by_photo.get(photo.pk, [])  # type: ignore[attr-defined]
    ordered = list(dict.fromkeys(pin.product_id for photo in photos for pin in photo.pin_list))  # type: ignore[attr-defined]
    return photos, [products[pk] for pk in ordered]


def _comments(tour: Tour) -> list[TourComment]:
    replies = Prefetch(
        "replies",
        queryset=TourComment.objects.filter(is_hidden=False)
        .select_related("author")
        .defer("author__password")
        .order_by("created_at", "pk"),
        to_attr="visible_replies",
    )
    return list(
        TourComment.objects.filter(tour=tour, parent__isnull=True, is_hidden=False)
        .select_related("author")
        .defer("author__password")
        .prefetch_related(replies)
        .order_by("created_at", "pk")[:COMMENTS_SHOWN]
    )


def tour_page(*, tour_id: int, user: Any = None, with_content: bool = True) -> TourPage:
    """A tour for its reader: published and visible, or the author's own (drafts and hidden ones too).

    Without `with_content` the photos, pins and products are left out (tour_content loads them when needed): for
    the action bar, the comments, and a page whose content comes from the shared copy.
    Raises DomainError(404) otherwise, so another person's draft looks like nothing at all.
    """
    member = _user_or_none(user)
    tour = _tour_queryset(member).filter(pk=tour_id).first()
    is_author = tour is not None and member is not None and tour.author_id == member.pk
    if tour is None or not (is_author or (tour.is_published and not tour.is_hidden)):
        raise DomainError(_(TOUR_NOT_FOUND), code="not_found", http_status=404)
    photos, products = _photos_with_pins(tour) if with_content else ([], [])
    page = TourPage(tour=tour, photos=photos, products=products, comments=_comments(tour), is_author=is_author)
    if is_author and tour.is_published:
        page.buyers = tour_buyer_counts(tours=[tour])[tour.pk]
    return page


def tour_content(*, tour: Tour) -> TourPage:
    """The tour's photos with their pins and 이 집의 제품, for the content part of its page (three queries)."""
    photos, products = _photos_with_pins(tour)
    return TourPage(tour=tour, photos=photos, products=products)


def tour_for_editor(*, tour_id: int, user: User) -> TourPage:
    """The user's own tour with photos and pins for the editor. Raises DomainError 404 / 403."""
    tour = Tour.objects.select_related("author", "cover").filter(pk=tour_id).first()
    if tour is None:
        raise DomainError(_(TOUR_NOT_FOUND), code="not_found", http_status=404)
    if tour.author_id != user.pk:
        raise DomainError(_(TOUR_NOT_YOURS), code="forbidden", http_status=403)
    photos, products = _photos_with_pins(tour)
    return TourPage(tour=tour, photos=photos, products=products, is_author=True)


def pin_for_reader(*, tour_id: int, pin_id: int) -> TourPin:
    """A pin of a published, visible tour with its product card (`pin.card`). Raises DomainError 404."""
    pin = (
        TourPin.objects.filter(pk=pin_id, tour_id=tour_id, tour__status=Tour.Status.PUBLISHED, tour__is_hidden=False)
        .select_related("tour")
        .first()
    )
    card = product_cards().filter(pk=pin.product_id).first() if pin is not None else None
    if pin is None or card is None:
        raise DomainError(_(PIN_PRODUCT_GONE), code="not_found", http_status=404)
    pin.card = card  # type: ignore[attr-defined]
    return pin


def products_for_pinning(*, query: str, limit: int = 12) -> list[Product]:
    """The editor's product search box: products on sale matching `query`, best match first."""
    if not query.strip():
        return []
    return list(product_search(query=query, filters=ProductFilters(sort=SORT_RELEVANCE))[:limit])
