"""카카오 / 네이버 log-in through django-allauth, fitted to our accounts.

allauth runs the OAuth handshake; these hooks make the result one of our shoppers:
- a first social log-in shows our one-page sign-up (SocialSignupForm): the nickname the provider suggested,
  the e-mail, the required terms and the two marketing consents, each a separate box that is never pre-ticked
  (정보통신망법 제50조); the consents are recorded by `accounts.services.user_consents_set`, as on the profile page;
- an existing account is linked only through an e-mail address the provider says it has verified (allauth's
  e-mail authentication; it also wipes a password that was set on an unverified address, so whoever registered
  someone else's e-mail first cannot keep a way in);
- the log-in itself is Django's `login()`, so `user_logged_in` fires and the visitor's cart, feed items and
  tracked history merge exactly as on the password log-in (shop.cart_session, feed.receivers).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import user_username
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.forms import ConsentFieldsMixin, _marketing_field, _night_field
from accounts.models import User

# Provider id -> the name shoppers know it by; the order is the order of the buttons.
PROVIDER_LABELS = {"kakao": _("카카오"), "naver": _("네이버")}
NICKNAME_MAX_LENGTH = User._meta.get_field("nickname").max_length


def social_providers_configured() -> list[dict[str, str]]:
    """The providers whose keys are set (settings.SOCIALACCOUNT_PROVIDERS), as the log-in buttons need them.

    Reads settings only (no query), so the log-in and sign-up pages hide a button whose keys are missing.
    """
    configured = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {})
    return [
        {"id": provider_id, "label": str(label)}
        for provider_id, label in PROVIDER_LABELS.items()
        if configured.get(provider_id, {}).get("APPS")
    ]


def _suggested_nickname(provider_id: str, data: dict[str, Any]) -> str:
    if provider_id == "kakao":
        profile = (data.get("kakao_account") or {}).get("profile") or {}
        nickname = profile.get("nickname") or (data.get("properties") or {}).get("nickname") or ""
    else:  # naver: the profile's nickname, else the real name
        nickname = data.get("nickname") or data.get("name") or ""
    return str(nickname).strip()[:NICKNAME_MAX_LENGTH]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        # %s is the provider's name. Reached when the provider did not verify the address, so we cannot link.
        "email_taken": _(
            "이 이메일로 가입한 계정이 이미 있어요. 아이디와 비밀번호로 로그인해 주세요. "
            "%s에서 인증한 이메일이 아니라서 자동으로 연결하지 않았어요."
        ),
    }

    def populate_user(self, request: HttpRequest, sociallogin, data: dict[str, Any]) -> User:
        user = super().populate_user(request, sociallogin, data)
        user.nickname = _suggested_nickname(sociallogin.account.provider, sociallogin.account.extra_data or {})
        # Provider nicknames are Korean and not unique; the username is an internal handle nobody types.
        user_username(user, "")
        return user

    @transaction.atomic
    def save_user(self, request: HttpRequest, sociallogin, form: forms.Form | None = None) -> User:
        """Create the shopper from the sign-up form: nickname, e-mail, no password, consents as ticked."""
        user = sociallogin.user
        data = form.cleaned_data if form is not None else {}
        account = sociallogin.account
        user.username = get_account_adapter(request).generate_unique_username(
            [f"{account.provider}_{account.uid}", account.provider]
        )
        user.nickname = data.get("nickname") or user.nickname or user.username
        if data.get("email"):
            user.email = data["email"]
        user.set_unusable_password()
        sociallogin.save(request)
        services.user_consents_set(
            user=user,
            marketing=bool(data.get("marketing_consent")),
            night=bool(data.get("night_marketing_consent")),
            now=timezone.now(),
        )
        return user


class SocialSignupForm(ConsentFieldsMixin, AllauthSocialSignupForm):
    """The one page a first 카카오 / 네이버 log-in shows: nickname, e-mail, terms, two optional consents."""

    nickname = forms.CharField(
        label=_("닉네임"),
        max_length=NICKNAME_MAX_LENGTH,
        help_text=_("인사말과 리뷰에 보여요."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    terms = forms.BooleanField(
        label=_("(필수) 이용약관과 개인정보 수집·이용에 동의해요"),
        error_messages={"required": _("필수 약관에 동의해야 가입할 수 있어요.")},
    )
    marketing_consent = _marketing_field()
    night_marketing_consent = _night_field()

    field_order = ("nickname", "email", "terms", "marketing_consent", "night_marketing_consent")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("username", None)  # generated: provider and its user id
        self.fields["nickname"].initial = self.sociallogin.user.nickname
        if "email" in self.fields:
            self.fields["email"].label = _("이메일")
            self.fields["email"].help_text = _("주문과 배송 소식을 이 주소로 보내 드려요.")
        for name in ("marketing_consent", "night_marketing_consent"):
            self.fields[name].initial = False  # never pre-ticked, whatever the provider shared
        self.order_fields(self.field_order)

    def validate_unique_email(self, value: str) -> str:
        try:
            return super(AllauthSocialSignupForm, self).validate_unique_email(value)
        except forms.ValidationError:
            label = PROVIDER_LABELS.get(self.sociallogin.account.provider, self.sociallogin.account.provider)
            raise SocialAccountAdapter().validation_error("email_taken", label) from None

    def clean_nickname(self) -> str:
        nickname = self.cleaned_data["nickname"].strip()
        if not nickname:
            raise forms.ValidationError(services.NICKNAME_REQUIRED)
        return nickname
