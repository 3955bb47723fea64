"""1:1 문의 API under /api/chat/: a conversation's messages after a sequence number, and posting one (text or a
picture). The same access rule as the pages and the socket: the shopper who owns the conversation, or staff of its
team (admins too); anyone else gets 404. Posting is idempotent by `key`: a resend answers 200 with the message
already stored instead of 201.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.selectors.chat import ChatAccess, conversation_access, message_payload, messages_after
from crm.services.chat import message_post_with_upload
from shop.api.serializers_orders import ErrorSerializer

CONVERSATION_NOT_FOUND = gettext_noop("문의를 찾을 수 없어요.")

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="문의 번호")
AFTER = OpenApiParameter("after", OpenApiTypes.INT, OpenApiParameter.QUERY, description="이 번호 다음 메시지부터")


class ChatMessageSerializer(serializers.Serializer):
    type = serializers.CharField()
    conversation = serializers.IntegerField()
    seq = serializers.IntegerField()
    sender = serializers.ChoiceField(choices=["customer", "staff", "system"])
    sender_name = serializers.CharField()
    body = serializers.CharField()
    image = serializers.CharField(help_text="사진 주소 (없으면 빈 문자열)")
    internal = serializers.BooleanField(help_text="내부 메모 (팀에게만 보여요)")
    key = serializers.CharField()
    created_at = serializers.DateTimeField()


class ChatMessageListSerializer(serializers.Serializer):
    messages = ChatMessageSerializer(many=True)


class ChatMessagePostSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    key = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    image = serializers.ImageField(required=False, allow_null=True, default=None)
    internal = serializers.BooleanField(required=False, default=False)


class ChatMessagesView(APIView):
    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (IsAuthenticated,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def _access(self, request: Request, pk: int) -> ChatAccess:
        access = conversation_access(user=request.user, pk=pk)
        if access is None:
            raise NotFound(_(CONVERSATION_NOT_FOUND))
        return access

    @extend_schema(
        summary="문의 메시지 (번호 다음부터)",
        parameters=[PK, AFTER],
        responses={200: ChatMessageListSerializer, 401: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = self._access(request, pk)
        try:
            after = max(0, int(request.query_params.get("after", "0")))
        except ValueError:
            after = 0
        rows = messages_after(conversation_id=pk, side=access.side, after_seq=after)
        return Response({"messages": [message_payload(m) for m in rows]})

    @extend_schema(
        summary="문의 메시지 보내기",
        parameters=[PK],
        request={"multipart/form-data": ChatMessagePostSerializer, "application/json": ChatMessagePostSerializer},
        responses={
            200: ChatMessageSerializer,
            201: ChatMessageSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        access = self._access(request, pk)
        data = ChatMessagePostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        posted = message_post_with_upload(
            access=access,
            body=data.validated_data["body"],
            key=data.validated_data["key"],
            upload=data.validated_data["image"],
            is_internal=data.validated_data["internal"],
        )
        return Response(message_payload(posted.message), status=201 if posted.created else 200)
