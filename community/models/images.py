"""Uploaded pictures of community posts (tour photos, board and 체험단 photos): one row per verified upload.

Rows are made only by `community.images.image_store()`, which re-encodes the upload (no EXIF, no GPS) before it is
saved. Display sizes are filled in later by a Celery task; until then `srcset` is the stored original alone.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommunityImage(models.Model):
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
    created_at = models.DateTimeField(_("올린 때"), default=timezone.now)

    class Meta:
        verbose_name = _("커뮤니티 사진")
        verbose_name_plural = _("커뮤니티 사진")

    def __str__(self) -> str:
        return self.file.name

    def _url(self, path: str) -> str:
        return default_storage.url(path)

    @property
    def url(self) -> str:
        """The stored (EXIF-free) original."""
        return self._url(self.file.name)

    def url_for(self, width: int) -> str:
        """The smallest display size at least `width` wide, else the original."""
        for size in sorted(int(w) for w in self.renditions):
            if size >= width:
                return self._url(self.renditions[str(size)])
        return self.url

    @property
    def src(self) -> str:
        return self.url_for(960)

    @property
    def thumb(self) -> str:
        return self.url_for(480)

    @property
    def srcset(self) -> str:
        """`<img srcset>`: every display size, then the original at its own width."""
        parts = [
            f"{self._url(path)} {int(width)}w"
            for width, path in sorted(self.renditions.items(), key=lambda kv: int(kv[0]))
        ]
        if not any(int(w) == self.width for w in self.renditions):
            parts.append(f"{self.url} {self.width}w")
        return ", ".join(parts)

    @property
    def aspect(self) -> float:
        """height / width in percent, for boxes that keep their place while the picture loads."""
        return round(100 * self.height / self.width, 3) if self.width else 100.0
