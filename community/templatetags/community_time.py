"""`{{ when|ago }}`: the way 동네생활 dates a post: 방금 전, 5분 전, 3시간 전, 2일 전, then 2026.11.23."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    if not value:
        return ""
    delta = timezone.now() - value
    if delta < timedelta(minutes=1):
        return _("방금 전")
    if delta < timedelta(hours=1):
        return _("%(n)d분 전") % {"n": delta.seconds // 60}
    if delta < timedelta(days=1):
        return _("%(n)d시간 전") % {"n": delta.seconds // 3600}
    if delta < timedelta(days=7):
        return _("%(n)d일 전") % {"n": delta.days}
    return date_format(timezone.localtime(value), "Y.m.d")
