from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """An MD team: the named people behind a corner shop and its customers."""

    name = models.CharField(_("팀 이름"), max_length=50)
    slug = models.SlugField(_("슬러그"), max_length=50, unique=True, allow_unicode=True)
    introduction = models.TextField(_("팀 소개"), blank=True)
    photo = models.ImageField(_("팀 사진"), upload_to="teams/", blank=True)

    class Meta:
        verbose_name = _("MD 팀")
        verbose_name_plural = _("MD 팀")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    class Role(models.TextChoices):
        MD_LEAD = "md_lead", _("MD 리더")
        CS = "cs", _("CS 상담")
        MARKETER = "marketer", _("마케터")
        ANALYST = "analyst", _("데이터 분석가")
        PLANNER = "planner", _("상품 기획")

    team = models.ForeignKey(Team, verbose_name=_("팀"), related_name="members", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("직원"), related_name="team_memberships", on_delete=models.CASCADE
    )
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices)
    photo = models.ImageField(_("사진"), upload_to="team_members/", blank=True)
    introduction = models.CharField(_("한 줄 소개"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("표시 순서"), default=0)

    class Meta:
        verbose_name = _("팀원")
        verbose_name_plural = _("팀원")
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique_user")]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_role_display()} {self.user}"

    @property
    def display_name(self) -> str:
        """Korean order: family name then given name ("김하늘"); the nickname when no real name is set."""
        full = f"{self.user.last_name}{self.user.first_name}".strip()
        return full or self.user.display_name

    @property
    def avatar_url(self) -> str:
        """The member's photo, or a generated initials avatar (never a broken image)."""
        if self.photo:
            return self.photo.url
        return reverse("crm:member_avatar", kwargs={"pk": self.pk})
