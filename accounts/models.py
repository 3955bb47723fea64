import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud
INVITE_CODE_LENGTH = 8


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_CODE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


class Household(models.Model):
    """A home that shops together: members share essentials history and reorder lists."""

    name = models.CharField(_("가구 이름"), max_length=50)
    size = models.PositiveSmallIntegerField(_("가구원 수"), default=1)
    has_children = models.BooleanField(_("아이가 있어요"), default=False)
    has_pets = models.BooleanField(_("반려동물이 있어요"), default=False)
    invite_code = models.CharField(_("초대 코드"), max_length=16, unique=True, default=new_invite_code)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("가구")
        verbose_name_plural = _("가구")
        constraints = [models.CheckConstraint(condition=models.Q(size__gte=1), name="household_size_positive")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A shopper, an MD team member (is_staff) or an admin (is_superuser)."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("여성")
        MALE = "M", _("남성")
        OTHER = "O", _("기타")

    nickname = models.CharField(_("닉네임"), max_length=30)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    gender = models.CharField(_("성별"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("휴대폰 번호"), max_length=20, blank=True)
    marketing_consented_at = models.DateTimeField(_("마케팅 수신 동의 일시"), null=True, blank=True)
    night_marketing_consented_at = models.DateTimeField(
        _("야간(21시~8시) 마케팅 수신 동의 일시"), null=True, blank=True
    )
    tracking_opted_out = models.BooleanField(_("행동 기반 추천 끄기"), default=False)
    # Order and delivery notices (transactional: no marketing consent needed); the customer picks the channels.
    notify_by_email = models.BooleanField(_("주문·배송 알림 이메일로 받기"), default=True)
    notify_by_alimtalk = models.BooleanField(_("주문·배송 알림 카카오 알림톡으로 받기"), default=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("가구"),
        related_name="members",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("회원")
        verbose_name_plural = _("회원")
        constraints = [
            # Night-time promotions are a separate opt-in on top of marketing consent (정보통신망법 제50조).
            models.CheckConstraint(
                condition=models.Q(night_marketing_consented_at__isnull=True)
                | models.Q(marketing_consented_at__isnull=False),
                name="user_night_consent_needs_marketing_consent",
            )
        ]

    def __str__(self) -> str:
        return self.nickname or self.username

    @property
    def display_name(self) -> str:
        return self.nickname or self.username

    @property
    def has_marketing_consent(self) -> bool:
        return self.marketing_consented_at is not None

    @property
    def has_night_marketing_consent(self) -> bool:
        return self.marketing_consented_at is not None and self.night_marketing_consented_at is not None
