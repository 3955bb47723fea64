"""집들이 API: list and read published tours, the logged-in member's own tours (drafts too), and the author's
edit (PATCH facts) and delete. Thin: the same selectors and services as the pages, so the same rules hold:
nobody edits or deletes another member's tour (403), a draft is nobody else's business (404).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import CommunityImage, Tour, TourPhoto
from community.selectors import tours as selectors
from community.services import tours as services
from shop.api.serializers_orders import ErrorSerializer

LOGIN_NEEDED = gettext_noop("로그인이 필요해요.")


class ImageSerializer(serializers.Serializer):
    src = serializers.CharField()
    srcset = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField(source="display_name")


class TourCardSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    cover = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft (임시저장) or published (발행)")

    class Meta:
        model = Tour
        fields = (
            "id",
            "title",
            "status",
            "author",
            "cover",
            "home_type",
            "size_pyeong",
            "style",
            "household",
            "budget",
            "like_count",
            "scrap_count",
            "comment_count",
            "view_count",
            "published_at",
            "url",
        )

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_cover(self, tour: Tour) -> dict | None:
        return _image(tour.cover)


def _image(image: CommunityImage | None) -> dict | None:
    if image is None:
        return None
    return {"src": image.src, "srcset": image.srcset, "width": image.width, "height": image.height}


class PinProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.IntegerField()
    list_price = serializers.IntegerField(allow_null=True)
    store = serializers.CharField(source="store.name")
    url = serializers.CharField(source="get_absolute_url")
    image = serializers.CharField(source="card_image_url")


class PinSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    x = serializers.DecimalField(max_digits=5, decimal_places=2)
    y = serializers.DecimalField(max_digits=5, decimal_places=2)
    product = PinProductSerializer(source="card")


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    caption = serializers.CharField()
    image = serializers.SerializerMethodField()
    pins = PinSerializer(source="pin_list", many=True)

    @extend_schema_field(ImageSerializer)
    def get_image(self, photo: TourPhoto) -> dict | None:
        return _image(photo.image)


class TourDetailSerializer(TourCardSerializer):
    body = serializers.CharField()
    photos = serializers.SerializerMethodField()

    class Meta(TourCardSerializer.Meta):
        fields = (*TourCardSerializer.Meta.fields, "body", "photos")

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, tour: Tour) -> list:
        return PhotoSerializer(self.context["photos"], many=True).data


class TourFactsSerializer(serializers.Serializer):
    """The fields an author may change; omitted ones keep their value. Choices as in the listing filters."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    home_type = serializers.ChoiceField(choices=Tour.HomeType.choices, required=False, allow_blank=True)
    size_pyeong = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=300)
    style = serializers.ChoiceField(choices=Tour.Style.choices, required=False, allow_blank=True)
    household = serializers.ChoiceField(choices=Tour.Household.choices, required=False, allow_blank=True)
    budget = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2_000_000_000)


LIST_PARAMETERS = [
    OpenApiParameter(
        "sort", OpenApiTypes.STR, enum=list(selectors.SORTS), description="popular (기본), new, following"
    ),
    OpenApiParameter("home_type", OpenApiTypes.STR, enum=Tour.HomeType.values),
    OpenApiParameter("style", OpenApiTypes.STR, enum=Tour.Style.values),
    OpenApiParameter("household", OpenApiTypes.STR, enum=Tour.Household.values),
    OpenApiParameter("size", OpenApiTypes.STR, enum=list(selectors.SIZE_BANDS), description="평수 구간"),
    OpenApiParameter("budget", OpenApiTypes.STR, enum=list(selectors.BUDGET_BANDS), description="예산 구간"),
]


class TourListQuerySerializer(serializers.Serializer):
    """The API refuses a facet value outside LIST_PARAMETERS' enums, an empty one too (the page ignores them, for
    old shared links)."""

    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)
    home_type = serializers.ChoiceField(choices=Tour.HomeType.values, required=False)
    style = serializers.ChoiceField(choices=Tour.Style.values, required=False)
    household = serializers.ChoiceField(choices=Tour.Household.values, required=False)
    size = serializers.ChoiceField(choices=list(selectors.SIZE_BANDS), required=False)
    budget = serializers.ChoiceField(choices=list(selectors.BUDGET_BANDS), required=False)


class TourListView(ListAPIView):
    """Published tours: popular (recent likes and scraps weigh more), newest, or by people I follow."""

    serializer_class = TourCardSerializer
    permission_classes = (AllowAny,)
    filter_backends: tuple = ()

    def get_queryset(self) -> QuerySet[Tour]:
        filters = selectors.TourFilters.from_query(self.request.query_params)
        return selectors.tours_for_listing(filters=filters, user=self.request.user)

    @extend_schema(parameters=LIST_PARAMETERS, responses={200: TourCardSerializer(many=True), 404: ErrorSerializer})
    def get(self, request: Request, *args, **kwargs) -> Response:
        TourListQuerySerializer(data=request.query_params.dict()).is_valid(raise_exception=True)
        return super().get(request, *args, **kwargs)


class MyTourListView(ListAPIView):
    """The logged-in member's own tours, drafts included."""

    serializer_class = TourCardSerializer
    permission_classes = (IsAuthenticated,)
    filter_backends: tuple = ()

    def get_queryset(self) -> QuerySet[Tour]:
        if getattr(self, "swagger_fake_view", False):
            return Tour.objects.none()
        return selectors.tours_by_author(author=self.request.user, viewer=self.request.user)

    @extend_schema(
        responses={200: TourCardSerializer(many=True), 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class TourDetailView(APIView):
    """One tour with its photos in order, captions and product pins. Drafts only for their author."""

    permission_classes = (AllowAny,)

    def _detail(self, request: Request, pk: int) -> Response:
        page = selectors.tour_page(tour_id=pk, user=request.user)
        return Response(TourDetailSerializer(page.tour, context={"photos": page.photos}).data)

    @extend_schema(responses={200: TourDetailSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return self._detail(request, pk)

    @extend_schema(
        request=TourFactsSerializer,
        responses={
            200: TourDetailSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change the title, story or facts of my own tour."""
        if not request.user.is_authenticated:
            return Response({"detail": _(LOGIN_NEEDED)}, status=status.HTTP_401_UNAUTHORIZED)
        incoming = TourFactsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        tour = selectors.tour_for_editor(tour_id=pk, user=request.user).tour
        current = {name: getattr(tour, name) for name in TourFactsSerializer().fields}
        merged = {**current, **incoming.validated_data}
        services.tour_update(tour_id=pk, user=request.user, facts=services.TourFacts.from_data(merged))
        return self._detail(request, pk)

    @extend_schema(
        request=None, responses={204: None, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    def delete(self, request: Request, pk: int) -> Response:
        """Delete my own tour."""
        if not request.user.is_authenticated:
            return Response({"detail": _(LOGIN_NEEDED)}, status=status.HTTP_401_UNAUTHORIZED)
        services.tour_delete(tour_id=pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
