"""Reviews: verified buyers only, photos cleaned (EXIF gone), rating summary, helpful votes, team replies."""

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from config.errors import DomainError
from shop.models import Order, Review
from shop.services import reviews as review_services
from shop.services.reviews import review_create, review_helpful_vote, review_reply
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import TeamFactory
from tests.shop.factories import PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory, StoreFactory
from uploads.images import IMAGE_NOT_A_PICTURE, IMAGE_UNREADABLE

pytestmark = pytest.mark.django_db


def _delivered_line(*, user=None, product=None, status=Order.Status.DELIVERED):
    order = PlacedOrderFactory(user=user or UserFactory(), status=status)
    return PlacedOrderLineFactory(order=order, product=product or ProductFactory())


def _jpeg_with_gps(size=(2400, 1200)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (240, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_review_by_verified_buyer_updates_product_rating_summary():
    product = ProductFactory()
    first = _delivered_line(product=product)
    second = _delivered_line(product=product)

    review_create(user=first.order.user, order_line=first, rating=5, body="향이 은은하고 세척력이 좋아요.")
    review_create(user=second.order.user, order_line=second, rating=4, body="가격 대비 만족스러워요. 또 살게요.")

    product.refresh_from_db()
    assert product.review_count == 2
    assert str(product.rating_average) == "4.5"


def test_review_of_someone_elses_order_line_is_refused():
    line = _delivered_line()
    with pytest.raises(DomainError) as excinfo:
        review_create(user=UserFactory(), order_line=line, rating=5, body="남의 주문인데 써 볼게요.")
    assert excinfo.value.message == review_services.REVIEW_NOT_YOUR_ORDER


def test_review_before_delivery_is_refused():
    line = _delivered_line(status=Order.Status.SHIPPED)
    with pytest.raises(DomainError) as excinfo:
        review_create(user=line.order.user, order_line=line, rating=4, body="아직 안 왔지만 기대돼요.")
    assert excinfo.value.message == review_services.REVIEW_NOT_DELIVERED


def test_second_review_for_same_order_line_is_refused():
    line = _delivered_line()
    review_create(user=line.order.user, order_line=line, rating=5, body="정말 좋아요. 추천해요.")
    with pytest.raises(DomainError) as excinfo:
        review_create(user=line.order.user, order_line=line, rating=1, body="한 번 더 써 볼게요. 안 되겠죠.")
    assert excinfo.value.message == review_services.REVIEW_ALREADY_WRITTEN
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("rating", "body", "message"),
    [
        (0, "별점이 없어요. 그래도 써요.", review_services.REVIEW_RATING_INVALID),
        (6, "별점이 너무 커요. 그래도 써요.", review_services.REVIEW_RATING_INVALID),
        (3, "짧아요", review_services.REVIEW_BODY_TOO_SHORT),
    ],
)
def test_review_with_bad_rating_or_short_body_is_refused(rating, body, message):
    line = _delivered_line()
    with pytest.raises(DomainError) as excinfo:
        review_create(user=line.order.user, order_line=line, rating=rating, body=body)
    assert excinfo.value.message == message


def test_review_photo_variants_are_made_after_commit_without_exif(django_capture_on_commit_callbacks):
    line = _delivered_line()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = review_create(
            user=line.order.user,
            order_line=line,
            rating=5,
            body="사진도 같이 올려요. 색이 예뻐요.",
            photos=[_jpeg_with_gps()],
        )
    photo = review.photos.get()
    assert not photo.is_ready
    assert photo.srcset == ""
    assert "photo-processing" in photo.url

    for callback in callbacks:
        callback()

    photo.refresh_from_db()
    assert photo.is_ready
    assert sorted(photo.renditions) == ["1440", "480", "960"]
    assert (photo.width, photo.height) == (2400, 1200)
    for path in [photo.image.name, *photo.renditions.values()]:
        with default_storage.open(path, "rb") as stored:
            raw = stored.read()
        with Image.open(io.BytesIO(raw)) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info
        assert b"PhoneMaker" not in raw
    assert "w480.jpg 480w" in photo.srcset
    assert photo.srcset.endswith("original.jpg 2400w")


def test_review_photo_that_cannot_be_decoded_in_the_task_is_dropped_and_the_review_stays(
    django_capture_on_commit_callbacks,
):
    line = _delivered_line()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = review_create(
            user=line.order.user, order_line=line, rating=4, body="사진이 하나 있어요.", photos=[_jpeg_with_gps()]
        )
    stored = review.photos.get().image.name
    default_storage.delete(stored)
    default_storage.save(stored, ContentFile(b"\xff\xd8 not a jpeg any more"))

    for callback in callbacks:
        callback()

    assert Review.objects.filter(pk=review.pk).exists()
    assert not review.photos.exists()
    assert not default_storage.exists(stored)


def test_review_with_a_file_that_is_not_an_image_is_refused_and_saves_nothing():
    line = _delivered_line()
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 'not an image'; ?>", content_type="image/jpeg")

    with pytest.raises(DomainError) as excinfo:
        review_create(user=line.order.user, order_line=line, rating=5, body="사진이 이상한가 봐요.", photos=[fake])

    assert excinfo.value.message == IMAGE_NOT_A_PICTURE
    assert not Review.objects.exists()


def test_helpful_vote_counts_once_per_user_and_not_for_the_author():
    line = _delivered_line()
    review = review_create(user=line.order.user, order_line=line, rating=5, body="도움이 되었으면 해요.")
    voter = UserFactory()

    assert review_helpful_vote(review=review, user=voter) is True
    assert review_helpful_vote(review=review, user=voter) is False
    with pytest.raises(DomainError):
        review_helpful_vote(review=review, user=line.order.user)
    review.refresh_from_db()
    assert review.helpful_count == 1


def test_only_staff_of_the_shops_team_can_reply():
    from crm.models import TeamMember

    team = TeamFactory()
    store = StoreFactory(team=team)
    line = _delivered_line(product=ProductFactory(store=store))
    review = review_create(user=line.order.user, order_line=line, rating=4, body="좋아요. 포장이 꼼꼼해요.")
    member, outsider = StaffUserFactory(), StaffUserFactory()
    TeamMember.objects.create(team=team, user=member, role=TeamMember.Role.CS)

    reply = review_reply(review=review, author=member, body="꼼꼼히 봐 주셔서 고마워요!")
    with pytest.raises(DomainError) as excinfo:
        review_reply(review=review, author=outsider, body="저도 답글 달아요.")

    assert reply.body == "꼼꼼히 봐 주셔서 고마워요!"
    assert excinfo.value.message == review_services.REVIEW_REPLY_NOT_TEAM


def test_review_write_page_posts_review_with_photo(client):
    line = _delivered_line()
    client.force_login(line.order.user)

    response = client.post(
        reverse("shop:review_write", args=[line.pk]),
        {"rating": "4", "body": "두 번째 구매예요. 여전히 좋아요.", "photos": [_jpeg_with_gps((800, 600))]},
    )

    assert response.status_code == 302
    review = Review.objects.get(order_line=line)
    assert review.rating == 4
    assert review.photos.count() == 1


def test_review_write_page_with_a_broken_photo_shows_a_form_error_and_keeps_the_text(client):
    line = _delivered_line()
    client.force_login(line.order.user)
    truncated = _jpeg_with_gps((800, 600)).read()[:2000]

    response = client.post(
        reverse("shop:review_write", args=[line.pk]),
        {
            "rating": "4",
            "body": "사진이 깨졌을지도 몰라요.",
            "photos": [SimpleUploadedFile("broken.jpg", truncated, content_type="image/jpeg")],
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert IMAGE_UNREADABLE in html
    assert "사진이 깨졌을지도 몰라요." in html
    assert not Review.objects.exists()


def test_review_photos_are_served_with_srcset(client, django_capture_on_commit_callbacks):
    line = _delivered_line()
    with django_capture_on_commit_callbacks(execute=True):
        review_create(
            user=line.order.user,
            order_line=line,
            rating=5,
            body="사진 보시면 알 거예요.",
            photos=[_jpeg_with_gps((1200, 900))],
        )

    html = client.get(reverse("shop:product", args=[line.product_id])).content.decode()

    assert 'sizes="96px"' in html
    assert "w480.jpg 480w" in html
    assert "original.jpg 1200w" in html


def test_review_write_page_for_another_customers_line_is_404(client):
    line = _delivered_line()
    client.force_login(UserFactory())
    assert client.get(reverse("shop:review_write", args=[line.pk])).status_code == 404


def test_product_page_shows_reviews_section(client):
    line = _delivered_line()
    review_create(user=line.order.user, order_line=line, rating=5, body="동네에서 제일 좋은 세제예요.")

    response = client.get(reverse("shop:product", args=[line.product_id]))

    html = response.content.decode()
    assert "동네에서 제일 좋은 세제예요." in html
    assert 'data-testid="rating-summary"' in html


def test_helpful_vote_by_htmx_returns_updated_button(client):
    line = _delivered_line()
    review = review_create(user=line.order.user, order_line=line, rating=5, body="도움이 되었으면 해요.")
    client.force_login(UserFactory())

    response = client.post(reverse("shop:review_helpful", args=[review.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    review.refresh_from_db()
    assert review.helpful_count == 1


def test_reviews_list_query_count_is_constant(client, assert_constant_queries):
    """Guards reviews_for_product: authors, replies joined; photos in one prefetch; votes in one query."""
    product = ProductFactory()
    client.force_login(UserFactory())

    def grow_by(count):
        for _index in range(count):
            line = _delivered_line(product=product)
            review_create(
                user=line.order.user,
                order_line=line,
                rating=4,
                body="무난하게 잘 쓰고 있어요.",
                photos=[_jpeg_with_gps((40, 40))],
            )

    grow_by(2)
    assert_constant_queries(lambda: client.get(reverse("shop:product_reviews", args=[product.pk])), lambda: grow_by(6))


def test_product_page_review_section_query_count_is_constant(client, assert_constant_queries):
    product = ProductFactory()
    client.cookies["dg_vid"] = str(uuid.uuid4())  # a returning visitor: a first-time one asks less

    def grow_by(count):
        for _index in range(count):
            line = _delivered_line(product=product)
            review_create(user=line.order.user, order_line=line, rating=3, body="보통이에요. 그래도 괜찮아요.")

    grow_by(2)
    assert_constant_queries(lambda: client.get(reverse("shop:product", args=[product.pk])), lambda: grow_by(8))
