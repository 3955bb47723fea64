"""Every write to users and households: sign-up, profile, marketing consents, household membership.

Consent rules (정보통신망법 제50조): promotional messages need marketing consent; between 21:00 and 08:00
Seoul time they also need a separate night-time consent, which can only be given on top of marketing
consent. Each consent keeps the moment it was given; withdrawing marketing consent withdraws both.
"""

import datetime as dt
import re

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from accounts.models import INVITE_CODE_ALPHABET, Household, User, new_invite_code
from config.errors import DomainError
from config.ratelimit import Limit, attempt_hit, client_ip, failure_record, failures_check, failures_clear
from config.services import model_update

USERNAME_TAKEN = _("이미 쓰고 있는 아이디예요. 다른 아이디를 골라 주세요.")
EMAIL_TAKEN = _("이미 가입된 이메일이에요. 로그인하거나 비밀번호를 찾아 주세요.")
NICKNAME_REQUIRED = _("닉네임을 입력해 주세요.")
NIGHT_CONSENT_NEEDS_MARKETING = _("야간 혜택 알림은 마케팅 정보 수신에 동의해야 받을 수 있어요.")
BIRTH_DATE_IN_FUTURE = _("생년월일이 오늘보다 늦어요. 다시 확인해 주세요.")
PHONE_INVALID = _("휴대폰 번호는 010-1234-5678처럼 입력해 주세요.")
ALREADY_IN_HOUSEHOLD = _("이미 가구에 속해 있어요. 다른 가구를 만들거나 참여하려면 먼저 지금 가구에서 나와 주세요.")
NOT_IN_HOUSEHOLD = _("아직 속한 가구가 없어요.")
NOT_A_MEMBER = _("우리 가구 구성원만 가구 정보를 바꿀 수 있어요.")
INVITE_CODE_UNKNOWN = _("초대 코드를 찾지 못했어요. 코드를 다시 확인해 주세요.")
HOUSEHOLD_SIZE_TOO_SMALL = _("가구원 수는 지금 참여한 회원 수({count}명)보다 적을 수 없어요.")
HOUSEHOLD_SIZE_RANGE = _("가구원 수는 1명에서 20명 사이로 입력해 주세요.")
HOUSEHOLD_NAME_REQUIRED = _("가구 이름을 입력해 주세요.")

HOUSEHOLD_MAX_SIZE = 20
_PHONE_RE = re.compile(r"^01[016789]-?\d{3,4}-?\d{4}$")


def _validation_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def phone_normalize(phone: str) -> str:
    """'01012345678' or '010-1234-5678' -> '010-1234-5678'; '' stays ''. Raises DomainError otherwise."""
    phone = re.sub(r"[\s.]", "", phone or "")
    if not phone:
        return ""
    if not _PHONE_RE.match(phone):
        raise DomainError(PHONE_INVALID, code="phone_invalid")
    digits = phone.replace("-", "")
    return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"


def _check_birth_date(birth_date: dt.date | None) -> None:
    if birth_date is not None and birth_date > timezone.localdate():
        raise DomainError(BIRTH_DATE_IN_FUTURE, code="birth_date_in_future")


@transaction.atomic(durable=True)
def user_signup(
    *,
    username: str,
    email: str,
    password: str,
    nickname: str,
    birth_date: dt.date | None = None,
    marketing_consent: bool = False,
    night_marketing_consent: bool = False,
    now: dt.datetime | None = None,
) -> User:
    """Create a shopper account. Consents given at sign-up are stamped with `now`.

    Raises DomainError (code username_taken / email_taken / password / night_consent_needs_marketing ...).
    """
    now = now or timezone.now()
    username = username.strip()
    email = User.objects.normalize_email(email.strip())
    nickname = nickname.strip()
    if not nickname:
        raise DomainError(NICKNAME_REQUIRED, code="nickname_required")
    if night_marketing_consent and not marketing_consent:
        raise DomainError(NIGHT_CONSENT_NEEDS_MARKETING, code="night_consent_needs_marketing")
    _check_birth_date(birth_date)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(USERNAME_TAKEN, code="username_taken", http_status=409)
    if email and User.objects.filter(email__iexact=email).exists():
        raise DomainError(EMAIL_TAKEN, code="email_taken", http_status=409)

    user = User(
        username=username,
        email=email,
        nickname=nickname,
        birth_date=birth_date,
        marketing_consented_at=now if marketing_consent else None,
        night_marketing_consented_at=now if night_marketing_consent else None,
    )
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise DomainError(_validation_message(exc), code="password") from exc
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise DomainError(_validation_message(exc), code="invalid") from exc
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up took the username between the check and the insert
        raise DomainError(USERNAME_TAKEN, code="username_taken", http_status=409) from exc
    return user


def user_profile_update(
    *,
    user: User,
    nickname: str,
    birth_date: dt.date | None,
    gender: str,
    phone: str,
    tracking_opted_out: bool,
) -> User:
    """Change the profile's plain fields (consents have their own services). Raises DomainError."""
    nickname = nickname.strip()
    if not nickname:
        raise DomainError(NICKNAME_REQUIRED, code="nickname_required")
    _check_birth_date(birth_date)
    data = {
        "nickname": nickname,
        "birth_date": birth_date,
        "gender": gender or "",
        "phone": phone_normalize(phone),
        "tracking_opted_out": tracking_opted_out,
    }
    try:
        user, _changed = model_update(instance=user, data=data)
    except ValidationError as exc:
        raise DomainError(_validation_message(exc), code="invalid") from exc
    return user


def user_notification_channels_set(*, user: User, email: bool, alimtalk: bool) -> User:
    """Choose the channels for order and delivery notices. These are transactional (the customer's own orders),
    so they are separate from, and need no, marketing consent."""
    user, _changed = model_update(instance=user, data={"notify_by_email": email, "notify_by_alimtalk": alimtalk})
    return user


def marketing_consent_grant(*, user: User, at: dt.datetime) -> User:
    """Record marketing consent given at `at`; an existing consent keeps its original time."""
    if user.marketing_consented_at is None:
        User.objects.filter(pk=user.pk, marketing_consented_at__isnull=True).update(marketing_consented_at=at)
        user.marketing_consented_at = at
    return user


def marketing_consent_withdraw(*, user: User) -> User:
    """Withdraw marketing consent and, with it, the night-time consent that depends on it."""
    User.objects.filter(pk=user.pk).update(marketing_consented_at=None, night_marketing_consented_at=None)
    user.marketing_consented_at = None
    user.night_marketing_consented_at = None
    return user


MARKETING_OPT_OUT_SALT = "accounts.marketing-opt-out"
OPT_OUT_LINK_INVALID = _("수신거부 링크가 올바르지 않아요. 마이페이지에서 수신 설정을 바꿀 수 있어요.")


def marketing_opt_out_token(*, user_id: int) -> str:
    """A signed token naming the customer, for the one-tap opt-out link on every promotional message
    (정보통신망법 제50조). It never expires: the law asks that opting out stays possible for as long as the
    message can be read. The token grants nothing but withdrawing consent."""
    return signing.Signer(salt=MARKETING_OPT_OUT_SALT).sign_object(user_id, compress=True)


def marketing_opt_out_by_token(*, token: str) -> User:
    """Withdraw the marketing (and night-time) consent of the customer the token names, at once; safe to repeat.
    Raises DomainError for a forged, altered or unknown token."""
    try:
        user_id = int(signing.Signer(salt=MARKETING_OPT_OUT_SALT).unsign_object(token))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise DomainError(OPT_OUT_LINK_INVALID, code="opt_out_invalid") from exc
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise DomainError(OPT_OUT_LINK_INVALID, code="opt_out_invalid")
    return marketing_consent_withdraw(user=user)


def night_marketing_consent_grant(*, user: User, at: dt.datetime) -> User:
    """Record night-time (21:00-08:00) marketing consent. Raises DomainError without marketing consent."""
    if user.marketing_consented_at is None:
        raise DomainError(NIGHT_CONSENT_NEEDS_MARKETING, code="night_consent_needs_marketing")
    if user.night_marketing_consented_at is None:
        updated = User.objects.filter(
            pk=user.pk, marketing_consented_at__isnull=False, night_marketing_consented_at__isnull=True
        ).update(night_marketing_consented_at=at)
        if updated == 0 and not User.objects.filter(pk=user.pk, night_marketing_consented_at__isnull=False).exists():
            # marketing consent was withdrawn concurrently
            raise DomainError(NIGHT_CONSENT_NEEDS_MARKETING, code="night_consent_needs_marketing")
        user.night_marketing_consented_at = at
    return user


def night_marketing_consent_withdraw(*, user: User) -> User:
    User.objects.filter(pk=user.pk).update(night_marketing_consented_at=None)
    user.night_marketing_consented_at = None
    return user


@transaction.atomic
def user_consents_set(*, user: User, marketing: bool, night: bool, now: dt.datetime | None = None) -> User:
    """Bring both consents to the wanted state, stamping newly given ones with `now`.

    Raises DomainError when night-time consent is asked for without marketing consent.
    """
    now = now or timezone.now()
    if night and not marketing:
        raise DomainError(NIGHT_CONSENT_NEEDS_MARKETING, code="night_consent_needs_marketing")
    if marketing:
        marketing_consent_grant(user=user, at=now)
    else:
        marketing_consent_withdraw(user=user)
    if night:
        night_marketing_consent_grant(user=user, at=now)
    elif user.night_marketing_consented_at is not None:
        night_marketing_consent_withdraw(user=user)
    return user


def _household_fields(*, name: str, size: int, member_count: int) -> str:
    name = name.strip()
    if not name:
        raise DomainError(HOUSEHOLD_NAME_REQUIRED, code="household_name_required")
    if not 1 <= size <= HOUSEHOLD_MAX_SIZE:
        raise DomainError(HOUSEHOLD_SIZE_RANGE, code="household_size_range")
    if size < member_count:
        raise DomainError(str(HOUSEHOLD_SIZE_TOO_SMALL).format(count=member_count), code="household_size_too_small")
    return name


def _user_lock(user: User) -> User:
    return User.objects.select_for_update(of=("self",)).get(pk=user.pk)


def household_lock(household_id: int) -> Household:
    return Household.objects.select_for_update(of=("self",)).get(pk=household_id)


@transaction.atomic(durable=True)
def household_create(*, user: User, name: str, size: int, has_children: bool, has_pets: bool) -> Household:
    """Create a household with `user` as its first member. Locks the user row. Raises DomainError."""
    locked = _user_lock(user)
    if locked.household_id is not None:
        raise DomainError(ALREADY_IN_HOUSEHOLD, code="already_in_household", http_status=409)
    name = _household_fields(name=name, size=size, member_count=1)
    household = Household(name=name, size=size, has_children=has_children, has_pets=has_pets)
    household.full_clean()
    household.save()
    User.objects.filter(pk=user.pk).update(household=household)
    user.household = household
    return household


def invite_code_normalize(code: str) -> str:
    """Codes are read aloud and typed on phones: ignore case, spaces and hyphens."""
    return re.sub(r"[\s-]", "", code or "").upper()


@transaction.atomic(durable=True)
def household_join_by_invite_code(*, user: User, invite_code: str) -> Household:
    """Join the household whose invite code this is.

    Locks the user row, then the household row (always in that order). When the new member makes the
    household bigger than its recorded size, the size grows to the member count. Raises DomainError.
    """
    code = invite_code_normalize(invite_code)
    if not code or any(ch not in INVITE_CODE_ALPHABET for ch in code):
        raise DomainError(INVITE_CODE_UNKNOWN, code="invite_code_unknown")
    locked_user = _user_lock(user)
    if locked_user.household_id is not None:
        raise DomainError(ALREADY_IN_HOUSEHOLD, code="already_in_household", http_status=409)
    household_id = Household.objects.filter(invite_code=code).values_list("pk", flat=True).first()
    if household_id is None:
        raise DomainError(INVITE_CODE_UNKNOWN, code="invite_code_unknown", http_status=404)
    household = household_lock(household_id)
    User.objects.filter(pk=user.pk).update(household=household)
    member_count = household.members.count()
    if member_count > household.size:
        Household.objects.filter(pk=household.pk).update(size=member_count)
        household.size = member_count
    user.household = household
    return household


@transaction.atomic(durable=True)
def household_leave(*, user: User) -> None:
    """Leave the household. The last member to leave deletes it, so its invite code stops working.

    Locks the user row, then the household row. Raises DomainError when the user has no household.
    """
    locked_user = _user_lock(user)
    if locked_user.household_id is None:
        raise DomainError(NOT_IN_HOUSEHOLD, code="not_in_household")
    household = household_lock(locked_user.household_id)
    User.objects.filter(pk=user.pk).update(household=None)
    user.household = None
    if not household.members.exists():
        household.delete()


@transaction.atomic(durable=True)
def household_update(
    *, household: Household, user: User, name: str, size: int, has_children: bool, has_pets: bool
) -> Household:
    """Change a household's name, size and children/pets flags. Only members may. Raises DomainError."""
    locked = household_lock(household.pk)
    if not locked.members.filter(pk=user.pk).exists():
        raise DomainError(NOT_A_MEMBER, code="not_a_member", http_status=403)
    name = _household_fields(name=name, size=size, member_count=locked.members.count())
    locked, _changed = model_update(
        instance=locked, data={"name": name, "size": size, "has_children": has_children, "has_pets": has_pets}
    )
    return locked


@transaction.atomic(durable=True)
def household_invite_code_rotate(*, household: Household, user: User) -> Household:
    """Give the household a fresh invite code (the old one stops working). Only members may."""
    locked = household_lock(household.pk)
    if not locked.members.filter(pk=user.pk).exists():
        raise DomainError(NOT_A_MEMBER, code="not_a_member", http_status=403)
    while True:
        code = new_invite_code()
        if not Household.objects.filter(invite_code=code).exists():
            break
    Household.objects.filter(pk=locked.pk).update(invite_code=code)
    locked.invite_code = code
    return locked


# --- Brute-force limits on log-in, sign-up and password reset (config.ratelimit, shared cache) ---------------

LOGIN_PER_ACCOUNT = Limit("login-account", limit=10, window_seconds=15 * 60)
LOGIN_PER_IP = Limit("login-ip", limit=50, window_seconds=15 * 60)  # a shared office or campus network: generous
SIGNUP_PER_IP = Limit("signup-ip", limit=10, window_seconds=60 * 60)
PASSWORD_RESET_PER_IP = Limit("password-reset-ip", limit=10, window_seconds=60 * 60)
PASSWORD_RESET_PER_EMAIL = Limit("password-reset-email", limit=3, window_seconds=60 * 60)


def user_authenticate(*, request: HttpRequest, username: str, password: str) -> User | None:
    """Check a username and password, refusing (RateLimited) after 10 wrong passwords in a row for the account or
    50 from one address within 15 minutes, even when the password is then right. A success clears the account's
    count. Returns the user, or None when the credentials are wrong or the account is inactive."""
    account, address = (LOGIN_PER_ACCOUNT, username), (LOGIN_PER_IP, client_ip(request))
    failures_check(account, address)
    user = authenticate(request, username=username, password=password)
    if user is None:
        failure_record(account, address)
    else:
        failures_clear(account)
    return user


def api_token_for(*, user: User) -> Token:
    token, _created = Token.objects.get_or_create(user=user)
    return token


def signup_attempt(*, request: HttpRequest) -> None:
    """Count a sign-up submission from this address; RateLimited past 10 an hour (account farming)."""
    attempt_hit((SIGNUP_PER_IP, client_ip(request)))


def password_reset_attempt(*, request: HttpRequest, email: str) -> None:
    """Count a reset-mail request; RateLimited past 3 an hour for one address book entry or 10 from one IP."""
    attempt_hit((PASSWORD_RESET_PER_EMAIL, email), (PASSWORD_RESET_PER_IP, client_ip(request)))
