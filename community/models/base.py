from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderated(models.Model):
    """What every piece of user content carries for moderation: reports hide it at a configurable count."""

    is_hidden = models.BooleanField(_("숨김"), default=False)
    report_count = models.PositiveIntegerField(_("신고 수"), default=0)

    class Meta:
        abstract = True
