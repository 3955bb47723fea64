"""Uploaded pictures of community posts (tour photos, board and 체험단 photos): one row per verified upload.

Rows are made only by `community.images.image_store()`, which stores the verified upload; a Celery task then
re-encodes it (no EXIF, no GPS) and makes the display sizes. Until then every URL is a neutral placeholder.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uploads.images import ResponsiveImage


class CommunityImage(ResponsiveImage, models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("올린 사람"),
        related_name="community_images",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    file = models.FileField(_("파일"), max_length=200)
    width = models.PositiveIntegerField(_("가로(px)"))
    height = models.PositiveIntegerField(_("세로(px)"))
    # {"480": "community/…/w480.jpg", ...}: the display sizes made by the rendition task, keyed by width.
    renditions = models.JSONField(_("표시용 크기"), default=dict, blank=True)
    # False from the upload until the task wrote the clean variants: the stored upload still has its EXIF.
    is_ready = models.BooleanField(_("표시 준비됨"), default=False)
    created_at = models.DateTimeField(_("올린 때"), default=timezone.now)

    class Meta:
        verbose_name = _("커뮤니티 사진")
        verbose_name_plural = _("커뮤니티 사진")

    def __str__(self) -> str:
        return self.file.name

    @property
    def stored_name(self) -> str:
        return self.file.name
