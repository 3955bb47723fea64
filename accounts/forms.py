"""Forms for the account pages. They check shape only; the rules live in accounts.services."""

from typing import Any

from django import forms
from django.contrib.admin import forms as admin_forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import HOUSEHOLD_MAX_SIZE, NIGHT_CONSENT_NEEDS_MARKETING, user_authenticate
from config.ratelimit import RateLimited

PASSWORD_MISMATCH = _("두 비밀번호가 서로 달라요. 다시 입력해 주세요.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ConsentFieldsMixin:
    """Marketing and night-time consent checkboxes with the rule that night needs marketing."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        if cleaned.get("night_marketing_consent") and not cleaned.get("marketing_consent"):
            self.add_error("night_marketing_consent", NIGHT_CONSENT_NEEDS_MARKETING)  # type: ignore[attr-defined]
        return cleaned


def _marketing_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("(선택) 할인·이벤트 소식 받기"),
        help_text=_("쿠폰과 새 상품 소식을 피드와 알림으로 보내 드려요. 언제든 끌 수 있어요."),
        required=False,
    )


def _night_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("(선택) 밤 시간(21시~다음 날 8시)에도 혜택 알림 받기"),
        help_text=_("할인·이벤트 소식 받기에 동의한 경우에만 받을 수 있어요."),
        required=False,
    )


class SignupForm(ConsentFieldsMixin, forms.Form):
    username = forms.CharField(
        label=_("아이디"),
        max_length=150,
        help_text=_("영문, 숫자와 @ . + - _ 를 쓸 수 있어요."),
        validators=[User.username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )
    nickname = forms.CharField(
        label=_("닉네임"),
        max_length=30,
        help_text=_("인사말과 리뷰에 보여요."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("이메일"),
        help_text=_("비밀번호를 잊었을 때 이 주소로 안내해 드려요."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    birth_date = forms.DateField(
        label=_("생년월일 (선택)"),
        required=False,
        help_text=_("생일에 작은 선물을 챙겨 드려요."),
        widget=DateInput(attrs={"autocomplete": "bday"}),
    )
    terms = forms.BooleanField(
        label=_("(필수) 이용약관과 개인정보 수집·이용에 동의해요"),
        error_messages={"required": _("필수 약관에 동의해야 가입할 수 있어요.")},
    )
    marketing_consent = _marketing_field()
    night_marketing_consent = _night_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", PASSWORD_MISMATCH)
        return cleaned


class BruteForceLimitedLoginMixin:
    """Authenticates through accounts.services.user_authenticate, which refuses after too many wrong passwords;
    the refusal is a form error and `retry_after` tells the view how long (for the Retry-After header)."""

    retry_after: int | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = user_authenticate(request=self.request, username=username, password=password)
            except RateLimited as exc:
                self.retry_after = exc.retry_after
                raise forms.ValidationError(exc.message, code="rate_limited") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminLoginForm(BruteForceLimitedLoginMixin, admin_forms.AdminAuthenticationForm):
    pass


class LoginForm(BruteForceLimitedLoginMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("아이디 또는 비밀번호가 맞지 않아요. 다시 확인해 주세요."),
        "inactive": _("쉬고 있는 계정이에요. 고객센터로 문의해 주세요."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("아이디")
        self.fields["password"].label = _("비밀번호")


class ProfileForm(ConsentFieldsMixin, forms.Form):
    nickname = forms.CharField(label=_("닉네임"), max_length=30)
    birth_date = forms.DateField(label=_("생년월일"), required=False, widget=DateInput())
    gender = forms.ChoiceField(
        label=_("성별"),
        choices=[("", _("선택 안 함")), *User.Gender.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("휴대폰 번호"),
        max_length=20,
        required=False,
        help_text=_("배송 연락에만 써요."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"}),
    )
    marketing_consent = _marketing_field()
    night_marketing_consent = _night_field()
    tracking_opted_out = forms.BooleanField(
        label=_("둘러본 상품을 바탕으로 한 추천 끄기"),
        help_text=_("켜 두면 둘러본 기록을 추천에 쓰지 않고, 새로 모으지도 않아요."),
        required=False,
    )

    notify_by_email = forms.BooleanField(
        label=_("주문·배송 알림을 이메일로 받기"),
        help_text=_("결제, 배송 시작(운송장 번호), 배송 완료, 환불, 정기배송 하루 전 안내를 보내 드려요."),
        required=False,
    )
    notify_by_alimtalk = forms.BooleanField(
        label=_("주문·배송 알림을 카카오 알림톡으로 받기"),
        help_text=_("휴대폰 번호로 보내요. 광고는 보내지 않아요."),
        required=False,
    )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "notify_by_email": user.notify_by_email,
            "notify_by_alimtalk": user.notify_by_alimtalk,
            "nickname": user.nickname,
            "birth_date": user.birth_date,
            "gender": user.gender,
            "phone": user.phone,
            "marketing_consent": user.has_marketing_consent,
            "night_marketing_consent": user.has_night_marketing_consent,
            "tracking_opted_out": user.tracking_opted_out,
        }


class HouseholdForm(forms.Form):
    name = forms.CharField(
        label=_("가구 이름"), max_length=50, widget=forms.TextInput(attrs={"placeholder": _("예: 망원동 우리 집")})
    )
    size = forms.IntegerField(label=_("함께 사는 사람 수"), min_value=1, max_value=HOUSEHOLD_MAX_SIZE, initial=1)
    has_children = forms.BooleanField(label=_("아이가 있어요"), required=False)
    has_pets = forms.BooleanField(label=_("반려동물이 있어요"), required=False)


class HouseholdJoinForm(forms.Form):
    invite_code = forms.CharField(
        label=_("초대 코드"),
        max_length=20,
        help_text=_("가족에게 받은 8자리 코드를 입력해 주세요."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "placeholder": "ABCD2345"}
        ),
    )
