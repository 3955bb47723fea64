"""Accounts API: the signed-in user (/api/accounts/me/) and token log-in (/api/accounts/token/)."""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import MeSerializer, MeUpdateSerializer

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


class TokenObtainView(ObtainAuthToken):
    """Exchange username and password for an API token (send it as `Authorization: Token <key>`)."""
