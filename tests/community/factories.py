"""Community factories (shared by the tours and boards tests). Plain rows only: states with invariants (a
published tour, a like with its counters) come from the services."""

import io

import factory
from django.utils import timezone
from PIL import Image

from community.models import CommunityImage, Tour, TourComment, TourPhoto, TourPin
from community.services.social import popularity_start
from tests.accounts.factories import UserFactory
from tests.shop.factories import ProductFactory

# --- tours (H6) ---


def jpeg_bytes(*, width: int = 64, height: int = 48, color: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


class CommunityImageFactory(factory.django.DjangoModelFactory):
    """A stored picture row with a real small JPEG (no display sizes: srcset is the original alone)."""

    class Meta:
        model = CommunityImage

    owner = factory.SubFactory(UserFactory)
    file = factory.django.FileField(filename="original.jpg", data=factory.LazyFunction(jpeg_bytes))
    width = 64
    height = 48


class TourFactory(factory.django.DjangoModelFactory):
    """A published tour with a cover (counts and popularity as the services would start them)."""

    class Meta:
        model = Tour

    author = factory.SubFactory(UserFactory)
    status = Tour.Status.PUBLISHED
    title = factory.Sequence(lambda n: f"햇살 좋은 24평 아파트 {n}")
    body = "이사 온 지 1년, 조금씩 채워 온 우리 집이에요."
    cover = factory.SubFactory(CommunityImageFactory, owner=factory.SelfAttribute("..author"))
    home_type = Tour.HomeType.APARTMENT
    size_pyeong = 24
    style = Tour.Style.NATURAL
    household = Tour.Household.NEWLYWED
    budget = 3_000_000
    published_at = factory.LazyFunction(timezone.now)
    popularity = factory.LazyAttribute(lambda o: popularity_start(published_at=o.published_at))


class DraftTourFactory(TourFactory):
    status = Tour.Status.DRAFT
    published_at = None
    popularity = 0.0


class TourPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TourPhoto

    tour = factory.SubFactory(TourFactory)
    image = factory.SubFactory(CommunityImageFactory, owner=factory.SelfAttribute("..tour.author"))
    caption = "창가 자리가 제일 좋아요."
    position = factory.Sequence(lambda n: n)


class TourPinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TourPin

    photo = factory.SubFactory(TourPhotoFactory)
    tour = factory.SelfAttribute("photo.tour")
    product = factory.SubFactory(ProductFactory)
    x = 40
    y = 60


class TourCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TourComment

    tour = factory.SubFactory(TourFactory)
    author = factory.SubFactory(UserFactory)
    body = "우와, 너무 아늑해요!"


# --- boards, Q&A, participation (H7) ---
from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from community.models import (  # noqa: E402
    BoardComment,
    BoardPost,
    LocalStore,
    Neighbourhood,
    Notice,
    ProductQuestion,
    Residency,
    TrialGroup,
)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    """망원동's centroid by default; pass latitude/longitude for another 동."""

    class Meta:
        model = Neighbourhood
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"망원{n}동")
    district = "마포구"
    slug = factory.Sequence(lambda n: f"mangwon-{n}")
    latitude = Decimal("37.556000")
    longitude = Decimal("126.901000")


class ResidencyFactory(factory.django.DjangoModelFactory):
    """A verified resident (as residency_verify would leave it: the 동 and the time, no coordinates)."""

    class Meta:
        model = Residency

    user = factory.SubFactory(UserFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


class LocalStoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalStore

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    name = factory.Sequence(lambda n: f"골목 빵집 {n}")
    kind = LocalStore.Kind.BAKERY
    address = factory.Sequence(lambda n: f"망원로 {n}길 3")
    hours = "매일 08:00~21:00"


class BoardPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardPost

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    author = factory.SubFactory(UserFactory)
    topic = BoardPost.Topic.NEWS
    title = factory.Sequence(lambda n: f"망원시장 앞 새 꽃집 소식 {n}")
    body = "주말에 문을 연대요. 구경 가 보실 분?"


class BoardCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardComment

    post = factory.SubFactory(BoardPostFactory)
    author = factory.SubFactory(UserFactory)
    body = "좋은 소식 고마워요!"


class ProductQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductQuestion

    product = factory.SubFactory(ProductFactory)
    asker = factory.SubFactory(UserFactory)
    body = "대용량도 같은 향인가요?"


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"동네생활 이용 안내 {n}")
    body = "서로 존중하는 동네를 함께 만들어요."


class TrialGroupFactory(factory.django.DjangoModelFactory):
    """An open recruitment (started yesterday, closing in a week)."""

    class Meta:
        model = TrialGroup

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"순한 수분크림 체험단 {n}기")
    slots = 3
    apply_starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    apply_ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    report_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    questions = factory.LazyFunction(lambda: ["피부 타입"])
    aspects = factory.LazyFunction(lambda: ["보습력", "향"])
