from rest_framework import serializers

from accounts.models import Household, User
from config.fields import JsonBooleanField, JsonCharField


class HouseholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ("id", "name", "size", "has_children", "has_pets", "invite_code")
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user as /api/accounts/me/ shows it."""

    marketing_consent = serializers.BooleanField(source="has_marketing_consent", read_only=True)
    night_marketing_consent = serializers.BooleanField(source="has_night_marketing_consent", read_only=True)
    household = HouseholdSerializer(read_only=True)
    # "" until the shopper says; the schema lists it with the choices (a read-only model field would drop it).
    gender = serializers.ChoiceField(choices=User.Gender.choices, allow_blank=True, read_only=True)

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "nickname",
            "birth_date",
            "gender",
            "phone",
            "marketing_consent",
            "marketing_consented_at",
            "night_marketing_consent",
            "night_marketing_consented_at",
            "tracking_opted_out",
            "household",
            "date_joined",
        )
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    """Fields a PATCH may change; everything is optional and passed on to accounts.services."""

    nickname = JsonCharField(max_length=30, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=[("", "-"), *User.Gender.choices], required=False, allow_blank=True)
    phone = JsonCharField(max_length=20, required=False, allow_blank=True)
    tracking_opted_out = JsonBooleanField(required=False)
    marketing_consent = JsonBooleanField(required=False)
    night_marketing_consent = JsonBooleanField(required=False)
