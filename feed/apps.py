from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = _("쇼핑 피드")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from config import page_context
        from feed import receivers
        from feed.models import NudgeRule

        page_context.register(receivers.greeting_context)
        page_context.register(receivers.unread_context)
        page_context.register(receivers.track_context)
        user_logged_in.connect(receivers.merge_visitor_on_login, dispatch_uid="feed.merge_visitor")
        post_save.connect(receivers.nudge_rules_changed, sender=NudgeRule, dispatch_uid="feed.rules_saved")
        post_delete.connect(receivers.nudge_rules_changed, sender=NudgeRule, dispatch_uid="feed.rules_deleted")
        receivers.connect_shop()
