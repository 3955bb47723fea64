"""동네생활 API: list a 동's posts (optionally with nearby 동 and by topic), read one post with its comments, the
logged-in member's own posts, and the author's edit (PATCH) and delete. Thin: the same selectors and services as the
pages, so the same rules hold: only the author edits or deletes (403), a hidden post is gone for others (404).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import BoardComment, BoardPost, Neighbourhood
from community.selectors.boards import board_comments, board_post_get, board_posts, posts_by_author
from community.selectors.neighbourhoods import neighbourhood_get, neighbourhoods_nearby
from community.services.boards import BODY_MAX, TITLE_MAX, post_delete, post_update
from community.services.moderation import is_moderator
from config.errors import DomainError
from config.fields import JsonCharField
from shop.api.serializers_orders import ErrorSerializer

NEIGHBOURHOOD_NOT_FOUND = gettext_noop("찾을 수 없는 동네예요.")
POST_NOT_FOUND = gettext_noop("지워졌거나 찾을 수 없는 글이에요.")
LOGIN_NEEDED = gettext_noop("로그인이 필요해요.")


class WriterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField(source="display_name")


class NeighbourhoodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Neighbourhood
        fields = ("slug", "name", "district")


class BoardPostSerializer(serializers.ModelSerializer):
    author = WriterSerializer(read_only=True)
    neighbourhood = NeighbourhoodSerializer(read_only=True)
    topic_label = serializers.CharField(source="get_topic_display", read_only=True)
    local_store = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = BoardPost
        fields = (
            "id",
            "neighbourhood",
            "topic",
            "topic_label",
            "title",
            "body",
            "author",
            "local_store",
            "like_count",
            "comment_count",
            "is_hidden",
            "created_at",
            "updated_at",
            "url",
        )

    def get_local_store(self, post: BoardPost) -> str | None:
        return post.local_store.name if post.local_store_id else None


class BoardCommentSerializer(serializers.ModelSerializer):
    author = WriterSerializer(read_only=True)
    body = serializers.SerializerMethodField()

    class Meta:
        model = BoardComment
        fields = ("id", "author", "body", "is_hidden", "created_at")

    def get_body(self, comment: BoardComment) -> str:
        """A hidden comment's words stay with its author and the moderators."""
        viewer = self.context.get("viewer")
        if comment.is_hidden and not (viewer and (viewer.pk == comment.author_id or is_moderator(viewer))):
            return ""
        return comment.body


class BoardPostDetailSerializer(BoardPostSerializer):
    comments = BoardCommentSerializer(many=True, read_only=True, source="comment_list")

    class Meta(BoardPostSerializer.Meta):
        fields = (*BoardPostSerializer.Meta.fields, "comments")


class BoardPostEditSerializer(serializers.Serializer):
    """What the author may change; omitted fields keep their value."""

    topic = serializers.ChoiceField(choices=BoardPost.Topic.choices, required=False)
    title = JsonCharField(required=False, max_length=TITLE_MAX)  # a post keeps a title and a body
    body = JsonCharField(required=False, max_length=BODY_MAX)


class NeighbourhoodPostListView(ListAPIView):
    """A 동's visible posts, newest first; `near=1` adds the 동 nearby, `topic` narrows to one topic."""

    serializer_class = BoardPostSerializer
    permission_classes = (AllowAny,)
    filter_backends: tuple = ()

    def get_queryset(self) -> QuerySet[BoardPost]:
        if getattr(self, "swagger_fake_view", False):
            return BoardPost.objects.none()
        try:
            neighbourhood = neighbourhood_get(slug=self.kwargs["slug"])
        except Neighbourhood.DoesNotExist:
            raise NotFound(_(NEIGHBOURHOOD_NOT_FOUND)) from None
        ids = [neighbourhood.pk]
        if self.request.query_params.get("near") == "1":
            ids = [n.neighbourhood.pk for n in neighbourhoods_nearby(neighbourhood=neighbourhood)]
        topic = self.request.query_params.get("topic", "")
        return board_posts(neighbourhood_ids=ids, topic=topic if topic in BoardPost.Topic.values else "")

    @extend_schema(
        parameters=[
            OpenApiParameter("near", OpenApiTypes.STR, enum=["1"], description="1: 근처 동네 글도 함께"),
            OpenApiParameter("topic", OpenApiTypes.STR, enum=BoardPost.Topic.values),
        ],
        responses={200: BoardPostSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class MyPostListView(ListAPIView):
    """The logged-in member's own posts, hidden ones included."""

    serializer_class = BoardPostSerializer
    permission_classes = (IsAuthenticated,)
    filter_backends: tuple = ()

    def get_queryset(self) -> QuerySet[BoardPost]:
        if getattr(self, "swagger_fake_view", False):
            return BoardPost.objects.none()
        return posts_by_author(user=self.request.user)

    @extend_schema(
        responses={
            200: BoardPostSerializer(many=True),
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        }
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class BoardPostDetailView(APIView):
    """One post with its comments. A hidden post answers 404 except to its author and moderators."""

    permission_classes = (AllowAny,)

    def _post(self, request: Request, pk: int) -> BoardPost:
        try:
            post = board_post_get(pk=pk)
        except BoardPost.DoesNotExist:
            raise NotFound(_(POST_NOT_FOUND)) from None
        viewer = request.user
        if post.is_hidden and not (viewer.is_authenticated and (viewer.pk == post.author_id or is_moderator(viewer))):
            raise NotFound(_(POST_NOT_FOUND))
        return post

    def _detail(self, request: Request, post: BoardPost) -> Response:
        post.comment_list = list(board_comments(post=post))
        return Response(BoardPostDetailSerializer(post, context={"viewer": request.user}).data)

    def _login(self, request: Request) -> None:
        if not request.user.is_authenticated:
            raise DomainError(_(LOGIN_NEEDED), code="login_required", http_status=401)

    @extend_schema(responses={200: BoardPostDetailSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return self._detail(request, self._post(request, pk))

    @extend_schema(
        request=BoardPostEditSerializer,
        responses={
            200: BoardPostDetailSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        self._login(request)
        post = self._post(request, pk)
        edit = BoardPostEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        data = edit.validated_data
        post = post_update(
            post=post,
            user=request.user,
            topic=data.get("topic", post.topic),
            title=data.get("title", post.title),
            body=data.get("body", post.body),
            local_store=post.local_store,
        )
        return self._detail(request, post)

    @extend_schema(
        request=None, responses={204: None, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    def delete(self, request: Request, pk: int) -> Response:
        self._login(request)
        post_delete(post=self._post(request, pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
