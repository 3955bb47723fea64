"""Order and shipping notifications through a notifier interface (shop.notifications.base.Notifier).

`notifiers()` returns the channels this deployment can send on: e-mail always (Django's mail settings), 카카오
알림톡 when its keys are set. Which of them a customer gets is their choice (User.notify_by_email /
notify_by_alimtalk, on the profile page). Sending, idempotency and retries live in shop.services.notifications and
shop.tasks.
"""

from __future__ import annotations

from django.conf import settings

from shop.notifications.alimtalk import AlimtalkNotifier
from shop.notifications.base import Notice, Notifier, NotifierError, NotifierUnavailable
from shop.notifications.email import EmailNotifier

__all__ = [
    "AlimtalkNotifier",
    "EmailNotifier",
    "Notice",
    "Notifier",
    "NotifierError",
    "NotifierUnavailable",
    "notifiers",
]


def notifiers() -> dict[str, Notifier]:
    """The configured channels, by channel code (read from settings on each call, so tests can change them)."""
    configured: dict[str, Notifier] = {EmailNotifier.channel: EmailNotifier()}
    if settings.KAKAO_ALIMTALK_APP_KEY and settings.KAKAO_ALIMTALK_SECRET_KEY and settings.KAKAO_ALIMTALK_SENDER_KEY:
        configured[AlimtalkNotifier.channel] = AlimtalkNotifier(
            api_url=settings.KAKAO_ALIMTALK_API_URL,
            app_key=settings.KAKAO_ALIMTALK_APP_KEY,
            secret_key=settings.KAKAO_ALIMTALK_SECRET_KEY,
            sender_key=settings.KAKAO_ALIMTALK_SENDER_KEY,
        )
    return configured
