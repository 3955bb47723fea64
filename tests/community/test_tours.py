"""집들이 services and selectors: drafts, photos, pins, publishing, likes, scraps, comments, follows, views,
the decayed popularity and the purchases attributed to a tour."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community.models import Tour, TourComment, TourPhoto, TourPin
from community.selectors import tours as selectors
from community.services import social
from community.services import tours as services
from config.errors import DomainError
from feed.models import FeedItem
from shop.services.cart import cart_attribution_set, cart_get_or_create
from tests.accounts.factories import UserFactory
from tests.community.factories import DraftTourFactory, TourFactory, TourPhotoFactory
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _photo(color: str = "orange") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), color).save(buffer, format="JPEG")
    return SimpleUploadedFile("room.jpg", buffer.getvalue(), content_type="image/jpeg")


def _draft_with_photos(author, n: int = 2) -> Tour:
    tour = services.tour_create(author=author, facts=services.TourFacts(title="우리 집"))
    for _ in range(n):
        services.tour_photo_add(tour_id=tour.pk, user=author, upload=_photo())
    return tour


# ------------------------------------------------------------------------------------------- writing a tour


def test_tour_create_starts_a_private_draft_with_the_facts():
    author = UserFactory()
    facts = services.TourFacts.from_data(
        {
            "title": " 햇살 좋은 집 ",
            "home_type": "apartment",
            "size_pyeong": "24",
            "style": "nordic",
            "budget": "3,000,000",
        }
    )
    tour = services.tour_create(author=author, facts=facts)
    assert tour.status == Tour.Status.DRAFT
    assert (tour.title, tour.home_type, tour.size_pyeong, tour.style, tour.budget) == (
        "햇살 좋은 집",
        "apartment",
        24,
        "nordic",
        3_000_000,
    )
    with pytest.raises(DomainError) as caught:
        selectors.tour_page(tour_id=tour.pk, user=UserFactory())
    assert caught.value.http_status == 404


@pytest.mark.parametrize(
    "data",
    [{"home_type": "castle"}, {"size_pyeong": "0"}, {"size_pyeong": "열평"}, {"budget": "-5"}, {"title": "가" * 61}],
)
def test_tour_facts_out_of_range_are_refused_with_a_message(data):
    with pytest.raises(DomainError) as caught:
        services.TourFacts.from_data(data)
    assert caught.value.message


def test_tour_create_past_the_hourly_limit_says_when_to_try_again(settings):
    settings.COMMUNITY_TOURS_PER_HOUR = 2
    author = UserFactory()
    services.tour_create(author=author)
    services.tour_create(author=author)
    with pytest.raises(DomainError) as caught:
        services.tour_create(author=author)
    assert caught.value.http_status == 429
    assert "다시 시도해 주세요" in caught.value.message
    assert Tour.objects.filter(author=author).count() == 2


def test_tour_photo_add_keeps_order_and_first_photo_becomes_cover():
    author = UserFactory()
    tour = _draft_with_photos(author, 3)
    photos = list(TourPhoto.objects.filter(tour=tour).order_by("position"))
    assert [p.position for p in photos] == [0, 1, 2]
    tour.refresh_from_db()
    assert tour.cover_id == photos[0].image_id


def test_tour_photo_move_and_reorder_change_positions():
    author = UserFactory()
    tour = _draft_with_photos(author, 3)
    a, b, c = TourPhoto.objects.filter(tour=tour).order_by("position").values_list("pk", flat=True)
    assert services.tour_photo_move(tour_id=tour.pk, user=author, photo_id=c, offset=-1) == [a, c, b]
    assert services.tour_photos_reorder(tour_id=tour.pk, user=author, photo_ids=[b, a]) == [b, a, c]
    assert list(TourPhoto.objects.filter(tour=tour).order_by("position").values_list("pk", flat=True)) == [b, a, c]


def test_tour_photo_delete_of_cover_moves_cover_to_next_photo():
    author = UserFactory()
    tour = _draft_with_photos(author, 2)
    first, second = TourPhoto.objects.filter(tour=tour).order_by("position")
    services.tour_photo_delete(tour_id=tour.pk, user=author, photo_id=first.pk)
    tour.refresh_from_db()
    assert tour.cover_id == second.image_id


def test_tour_pin_add_stores_percent_position_and_counts_pins():
    author = UserFactory()
    tour = _draft_with_photos(author, 1)
    photo = TourPhoto.objects.get(tour=tour)
    product = ProductFactory()
    pin = services.tour_pin_add(
        tour_id=tour.pk, user=author, photo_id=photo.pk, product_id=product.pk, x="33.333", y=70
    )
    assert (str(pin.x), str(pin.y)) == ("33.33", "70.00")
    tour.refresh_from_db()
    assert tour.pin_count == 1


@pytest.mark.parametrize(("x", "y"), [("-1", "50"), ("50", "100.5"), ("abc", "3"), ("nan", "4"), ("", "")])
def test_tour_pin_add_outside_the_photo_is_refused(x, y):
    author = UserFactory()
    tour = _draft_with_photos(author, 1)
    photo = TourPhoto.objects.get(tour=tour)
    with pytest.raises(DomainError) as caught:
        services.tour_pin_add(tour_id=tour.pk, user=author, photo_id=photo.pk, product_id=ProductFactory().pk, x=x, y=y)
    assert caught.value.message == services.PIN_OUTSIDE


def test_tour_pin_add_of_product_not_on_sale_is_refused():
    author = UserFactory()
    tour = _draft_with_photos(author, 1)
    photo = TourPhoto.objects.get(tour=tour)
    hidden = ProductFactory(is_active=False)
    with pytest.raises(DomainError) as caught:
        services.tour_pin_add(tour_id=tour.pk, user=author, photo_id=photo.pk, product_id=hidden.pk, x=1, y=1)
    assert caught.value.message == services.PRODUCT_NOT_FOUND


def test_tour_publish_needs_a_title_and_a_photo():
    author = UserFactory()
    empty = services.tour_create(author=author)
    with pytest.raises(DomainError) as caught:
        services.tour_publish(tour_id=empty.pk, user=author)
    assert caught.value.message == services.PUBLISH_NEEDS_TITLE
    services.tour_update(tour_id=empty.pk, user=author, facts=services.TourFacts(title="제목"))
    with pytest.raises(DomainError) as caught:
        services.tour_publish(tour_id=empty.pk, user=author)
    assert caught.value.message == services.PUBLISH_NEEDS_PHOTO


def test_tour_publish_makes_it_public_once():
    author = UserFactory()
    tour = _draft_with_photos(author, 2)
    published = services.tour_publish(tour_id=tour.pk, user=author)
    assert published.is_published
    assert published.published_at is not None
    again = services.tour_publish(tour_id=tour.pk, user=author)
    assert again.published_at == published.published_at
    assert selectors.tour_page(tour_id=tour.pk, user=None).tour.pk == tour.pk


@pytest.mark.parametrize(
    "action",
    [
        lambda tour, user: services.tour_update(tour_id=tour.pk, user=user, facts=services.TourFacts(title="내 거야")),
        lambda tour, user: services.tour_delete(tour_id=tour.pk, user=user),
        lambda tour, user: services.tour_photo_add(tour_id=tour.pk, user=user, upload=_photo()),
        lambda tour, user: services.tour_publish(tour_id=tour.pk, user=user),
        lambda tour, user: services.tour_photo_delete(
            tour_id=tour.pk, user=user, photo_id=TourPhoto.objects.filter(tour=tour).first().pk
        ),
        lambda tour, user: services.tour_pin_add(
            tour_id=tour.pk,
            user=user,
            photo_id=TourPhoto.objects.filter(tour=tour).first().pk,
            product_id=ProductFactory().pk,
            x=1,
            y=1,
        ),
    ],
    ids=["update", "delete", "photo_add", "publish", "photo_delete", "pin_add"],
)
def test_another_members_tour_cannot_be_changed(action):
    author, intruder = UserFactory(), UserFactory()
    tour = _draft_with_photos(author, 1)
    with pytest.raises(DomainError) as caught:
        action(tour, intruder)
    assert caught.value.http_status == 403
    tour.refresh_from_db()
    assert tour.title == "우리 집"
    assert tour.status == Tour.Status.DRAFT
    assert TourPhoto.objects.filter(tour=tour).count() == 1
    assert not TourPin.objects.filter(tour=tour).exists()


# ------------------------------------------------------------------------------------ likes, scraps, popularity


def test_tour_like_set_is_idempotent_and_keeps_the_count():
    tour, reader = TourFactory(), UserFactory()
    assert social.tour_like_set(tour_id=tour.pk, user=reader, liked=True) is True
    assert social.tour_like_set(tour_id=tour.pk, user=reader, liked=True) is True
    tour.refresh_from_db()
    assert tour.like_count == 1
    assert social.tour_like_set(tour_id=tour.pk, user=reader, liked=False) is False
    assert social.tour_like_set(tour_id=tour.pk, user=reader, liked=False) is False
    tour.refresh_from_db()
    assert tour.like_count == 0


def test_tour_like_tells_the_author_once_and_never_oneself():
    tour, reader = TourFactory(), UserFactory(nickname="지우")
    social.tour_like_set(tour_id=tour.pk, user=reader, liked=True)
    social.tour_like_set(tour_id=tour.pk, user=reader, liked=False)
    social.tour_like_set(tour_id=tour.pk, user=reader, liked=True)
    social.tour_like_set(tour_id=tour.pk, user=tour.author, liked=True)
    items = list(FeedItem.objects.filter(kind=FeedItem.Kind.COMMUNITY))
    assert [(i.user_id, i.title) for i in items] == [(tour.author_id, "지우님이 내 집들이를 좋아해요")]


def test_unlike_takes_back_exactly_what_the_like_added():
    tour = TourFactory()
    services_start = social.popularity_start(published_at=tour.published_at)
    Tour.objects.filter(pk=tour.pk).update(popularity=services_start)
    reader = UserFactory()
    social.tour_like_set(tour_id=tour.pk, user=reader, liked=True)
    tour.refresh_from_db()
    assert tour.popularity > services_start
    social.tour_like_set(tour_id=tour.pk, user=reader, liked=False)
    tour.refresh_from_db()
    assert tour.popularity == pytest.approx(services_start, abs=1e-9)


def test_popular_listing_puts_recent_likes_above_more_but_older_likes():
    """Three likes three weeks ago weigh less than two likes today (half-life: one week)."""
    start = timezone.now() - timedelta(days=30)
    with time_machine.travel(start, tick=False):
        old_favourite = _published(UserFactory())
        fresh = _published(UserFactory())
    with time_machine.travel(start + timedelta(days=9), tick=False):
        for _ in range(3):
            social.tour_like_set(tour_id=old_favourite.pk, user=UserFactory(), liked=True)
    with time_machine.travel(start + timedelta(days=30), tick=False):
        for _ in range(2):
            social.tour_like_set(tour_id=fresh.pk, user=UserFactory(), liked=True)
        ranked = list(selectors.tours_for_listing(filters=selectors.TourFilters(sort="popular")))
        now = timezone.now()
    assert [t.pk for t in ranked] == [fresh.pk, old_favourite.pk]
    old_favourite.refresh_from_db()
    # 3 publish weight + 3 likes, decayed 30 and 21 days: ~0.15 + ~0.375
    assert social.popularity_decayed(score=old_favourite.popularity, now=now) == pytest.approx(
        3 * 0.5 ** (30 / 7) + 3 * 0.5 ** (21 / 7), rel=1e-6
    )


def _published(author) -> Tour:
    tour = _draft_with_photos(author, 1)
    return services.tour_publish(tour_id=tour.pk, user=author)


def test_scraps_show_in_my_scraps_newest_first_and_leave_when_unscrapped():
    reader = UserFactory()
    first, second = TourFactory(), TourFactory()
    social.tour_scrap_set(tour_id=first.pk, user=reader, scrapped=True)
    social.tour_scrap_set(tour_id=second.pk, user=reader, scrapped=True)
    assert [t.pk for t in selectors.scraps_for_user(user=reader)] == [second.pk, first.pk]
    social.tour_scrap_set(tour_id=second.pk, user=reader, scrapped=False)
    assert [t.pk for t in selectors.scraps_for_user(user=reader)] == [first.pk]
    first.refresh_from_db()
    assert first.scrap_count == 1


def test_draft_cannot_be_liked_or_scrapped():
    draft = DraftTourFactory()
    with pytest.raises(DomainError):
        social.tour_like_set(tour_id=draft.pk, user=UserFactory(), liked=True)
    with pytest.raises(DomainError):
        social.tour_scrap_set(tour_id=draft.pk, user=UserFactory(), scrapped=True)


# ----------------------------------------------------------------------------------------------------- comments


def test_comment_and_reply_notify_the_author_and_the_replied_person():
    tour = TourFactory()
    guest, other = UserFactory(nickname="민지"), UserFactory(nickname="서준")
    comment = social.tour_comment_create(tour_id=tour.pk, author=guest, body="소파 어디 거예요?")
    reply = social.tour_comment_create(tour_id=tour.pk, author=other, body="저도 궁금해요", parent_id=comment.pk)
    notes = {(i.user_id, i.title) for i in FeedItem.objects.filter(kind=FeedItem.Kind.COMMUNITY)}
    assert notes == {
        (tour.author_id, "민지님이 내 집들이에 댓글을 남겼어요"),
        (tour.author_id, "서준님이 내 집들이에 댓글을 남겼어요"),
        (guest.pk, "서준님이 내 댓글에 답글을 남겼어요"),
    }
    assert reply.parent_id == comment.pk
    tour.refresh_from_db()
    assert tour.comment_count == 2


def test_reply_to_a_reply_stays_one_level_deep():
    tour = TourFactory()
    top = social.tour_comment_create(tour_id=tour.pk, author=UserFactory(), body="예뻐요")
    reply = social.tour_comment_create(tour_id=tour.pk, author=UserFactory(), body="동감", parent_id=top.pk)
    nested = social.tour_comment_create(tour_id=tour.pk, author=UserFactory(), body="저도요", parent_id=reply.pk)
    assert nested.parent_id == top.pk


def test_comment_past_the_per_minute_limit_is_refused_with_a_message(settings):
    settings.COMMUNITY_COMMENTS_PER_MINUTE = 2
    tour, guest = TourFactory(), UserFactory()
    social.tour_comment_create(tour_id=tour.pk, author=guest, body="하나")
    social.tour_comment_create(tour_id=tour.pk, author=guest, body="둘")
    with pytest.raises(DomainError) as caught:
        social.tour_comment_create(tour_id=tour.pk, author=guest, body="셋")
    assert caught.value.http_status == 429
    assert "다시 시도해 주세요" in caught.value.message
    assert TourComment.objects.filter(tour=tour).count() == 2


def test_empty_comment_is_refused():
    with pytest.raises(DomainError) as caught:
        social.tour_comment_create(tour_id=TourFactory().pk, author=UserFactory(), body="  \n\u200b ")
    assert caught.value.message == social.COMMENT_EMPTY


def test_comment_delete_is_for_its_author_only_and_takes_replies_along():
    tour = TourFactory()
    guest = UserFactory()
    top = social.tour_comment_create(tour_id=tour.pk, author=guest, body="예뻐요")
    social.tour_comment_create(tour_id=tour.pk, author=UserFactory(), body="동감", parent_id=top.pk)
    with pytest.raises(DomainError) as caught:
        social.tour_comment_delete(comment_id=top.pk, user=tour.author)
    assert caught.value.http_status == 403
    social.tour_comment_delete(comment_id=top.pk, user=guest)
    tour.refresh_from_db()
    assert tour.comment_count == 0
    assert not TourComment.objects.filter(tour=tour).exists()


# ------------------------------------------------------------------------------------------- follows and views


def test_follow_lists_the_person_and_their_tours_in_following_sort():
    reader, host = UserFactory(), UserFactory(nickname="하늘")
    followed_tour, other_tour = TourFactory(author=host), TourFactory()
    assert social.follow_set(follower=reader, followee_id=host.pk, following=True) is True
    assert [u.pk for u in selectors.following_for_user(user=reader)] == [host.pk]
    feed = selectors.tours_for_listing(filters=selectors.TourFilters(sort="following"), user=reader)
    assert [t.pk for t in feed] == [followed_tour.pk]
    assert other_tour.pk not in [t.pk for t in feed]
    assert FeedItem.objects.filter(user=host, kind=FeedItem.Kind.COMMUNITY).count() == 1


def test_follow_oneself_is_refused():
    me = UserFactory()
    with pytest.raises(DomainError) as caught:
        social.follow_set(follower=me, followee_id=me.pk, following=True)
    assert caught.value.message == social.FOLLOW_SELF


def test_view_counts_each_visitor_once_a_day_and_not_the_author():
    tour = TourFactory()
    assert social.tour_view_record(tour_id=tour.pk, viewer="v:abc") is True
    assert social.tour_view_record(tour_id=tour.pk, viewer="v:abc") is False
    assert social.tour_view_record(tour_id=tour.pk, viewer="u:999") is True
    assert social.tour_view_record(tour_id=tour.pk, viewer=f"u:{tour.author_id}") is False
    tomorrow = timezone.now() + timedelta(days=1)
    assert social.tour_view_record(tour_id=tour.pk, viewer="v:abc", now=tomorrow) is True
    tour.refresh_from_db()
    assert tour.view_count == 3


def test_view_count_holds_when_the_cache_forgot(settings):
    from django.core.cache import cache

    tour = TourFactory()
    social.tour_view_record(tour_id=tour.pk, viewer="v:abc")
    cache.clear()
    assert social.tour_view_record(tour_id=tour.pk, viewer="v:abc") is False
    tour.refresh_from_db()
    assert tour.view_count == 1


def test_view_rows_of_past_days_are_pruned():
    tour = TourFactory()
    social.tour_view_record(tour_id=tour.pk, viewer="v:old", now=timezone.now() - timedelta(days=3))
    social.tour_view_record(tour_id=tour.pk, viewer="v:new")
    assert social.tour_views_prune() == 1


# --------------------------------------------------------------------------------------------------- attribution


def test_orders_after_a_pin_click_count_once_per_buyer():
    tour = TourFactory()
    product = ProductFactory(price=20000, list_price=None, stock=10)
    buyer, other_buyer, unrelated = UserFactory(), UserFactory(), UserFactory()
    for person in (buyer, other_buyer):
        cart_attribution_set(cart=cart_get_or_create(user=person), source=tour.attribution_source)
    order_via_checkout(user=buyer, items=[(product, 1)])
    order_via_checkout(user=buyer, items=[(product, 1)])
    order = order_via_checkout(user=other_buyer, items=[(product, 1)])
    order_via_checkout(user=unrelated, items=[(product, 1)])
    assert order.attribution_source == f"tour:{tour.pk}"
    assert selectors.tour_buyer_counts(tours=[tour]) == {tour.pk: 2}
    page = selectors.tour_page(tour_id=tour.pk, user=tour.author)
    assert page.buyers == 2
    assert selectors.tour_page(tour_id=tour.pk, user=buyer).buyers is None


def test_unpaid_orders_are_not_counted_as_purchases():
    tour = TourFactory()
    buyer = UserFactory()
    cart_attribution_set(cart=cart_get_or_create(user=buyer), source=tour.attribution_source)
    order_via_checkout(user=buyer, items=[(ProductFactory(), 1)], method="bank_transfer")
    assert selectors.tour_buyer_counts(tours=[tour]) == {tour.pk: 0}


def test_tour_page_lists_each_pinned_product_once_and_hides_products_no_longer_on_sale():
    author = UserFactory()
    tour = _draft_with_photos(author, 2)
    first, second = TourPhoto.objects.filter(tour=tour).order_by("position")
    lamp, rug, gone = ProductFactory(name="조명"), ProductFactory(name="러그"), ProductFactory(name="단종")
    for photo, product in ((first, lamp), (second, lamp), (second, rug), (second, gone)):
        services.tour_pin_add(tour_id=tour.pk, user=author, photo_id=photo.pk, product_id=product.pk, x=10, y=10)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    services.tour_publish(tour_id=tour.pk, user=author)
    page = selectors.tour_page(tour_id=tour.pk, user=None)
    assert [p.name for p in page.products] == ["조명", "러그"]
    assert [len(photo.pin_list) for photo in page.photos] == [1, 2]


def test_tour_photo_factory_makes_a_consistent_photo():
    photo = TourPhotoFactory()
    assert photo.image.owner_id == photo.tour.author_id
