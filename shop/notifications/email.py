"""E-mail adapter: Django's mail with a Korean subject and a plain-text body template per event."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from shop.models import NotificationChannel
from shop.notifications.base import Notice, Notifier, NotifierUnavailable
from shop.notifications.messages import EMAIL_SUBJECTS


class EmailNotifier(Notifier):
    channel = NotificationChannel.EMAIL

    def recipient(self, notice: Notice) -> str:
        return notice.email

    def render(self, notice: Notice) -> tuple[str, str]:
        subject = str(EMAIL_SUBJECTS[notice.event]).format(**notice.variables)
        body = render_to_string(
            f"shop/notifications/{notice.event}.txt",
            {"notice": notice, "v": notice.variables, "MALL_NAME": "동네가게"},
        )
        return subject, body

    def send(self, *, notice: Notice, recipient: str) -> str:
        subject, body = self.render(notice)
        message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient])
        try:
            message.send(fail_silently=False)
        except OSError as exc:  # SMTP down, connection refused, timeout: try again later
            raise NotifierUnavailable(str(exc)) from exc
        return ""
