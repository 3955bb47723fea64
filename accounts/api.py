"""Accounts API: the signed-in user (/api/accounts/me/) and token log-in (/api/accounts/token/)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import MeSerializer, MeUpdateSerializer
from config.schema import ApiErrorSerializer

INVALID_LOGIN = gettext_noop("아이디 또는 비밀번호가 맞지 않아요. 다시 확인해 주세요.")
PROFILE_FIELDS = ("nickname", "birth_date", "gender", "phone", "tracking_opted_out")


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="내 정보")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(selectors.user_for_api(user=request.user)).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer, summary="내 정보 바꾸기")
    def patch(self, request: Request) -> Response:
        incoming = MeUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = request.user
        with transaction.atomic():
            if any(name in data for name in PROFILE_FIELDS):
                services.user_profile_update(
                    user=user,
                    nickname=data.get("nickname", user.nickname),
                    birth_date=data.get("birth_date", user.birth_date),
                    gender=data.get("gender", user.gender),
                    phone=data.get("phone", user.phone),
                    tracking_opted_out=data.get("tracking_opted_out", user.tracking_opted_out),
                )
            if "marketing_consent" in data or "night_marketing_consent" in data:
                marketing = data.get("marketing_consent", user.has_marketing_consent)
                services.user_consents_set(
                    user=user,
                    marketing=marketing,
                    night=data.get("night_marketing_consent", user.has_night_marketing_consent and marketing),
                    now=timezone.now(),
                )
        return Response(MeSerializer(selectors.user_for_api(user=user)).data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainView(APIView):
    """Exchange username and password for an API token (send it as `Authorization: Token <key>`).

    After 10 wrong passwords in a row for an account (or 50 from one address) within 15 minutes every attempt
    answers 429 with Retry-After until the window ends, even with the right password."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"  # wrong credentials answer 401 with WWW-Authenticate, as HTTP asks

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 401: ApiErrorSerializer, 429: ApiErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.user_authenticate(request=request, **payload.validated_data)
        if user is None:
            raise exceptions.AuthenticationFailed(_(INVALID_LOGIN), code="invalid_login")
        return Response({"token": services.api_token_for(user=user).key})
