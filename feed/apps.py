from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = _("쇼핑 피드")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from config import page_context
        from feed import receivers
        from feed.models import FeedItem, Greeting, NudgeRule, TimeSlot, Visitor

        page_context.register(receivers.shell_context)
        page_context.register(receivers.track_context)
        user_logged_in.connect(receivers.merge_visitor_on_login, dispatch_uid="feed.merge_visitor")
        post_save.connect(receivers.nudge_rules_changed, sender=NudgeRule, dispatch_uid="feed.rules_saved")
        post_delete.connect(receivers.nudge_rules_changed, sender=NudgeRule, dispatch_uid="feed.rules_deleted")
        for model in (Greeting, TimeSlot):
            post_save.connect(receivers.greetings_changed, sender=model, dispatch_uid=f"feed.{model.__name__}_saved")
            post_delete.connect(
                receivers.greetings_changed, sender=model, dispatch_uid=f"feed.{model.__name__}_deleted"
            )
        for signal, verb in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(receivers.feed_item_changed, sender=FeedItem, dispatch_uid=f"feed.item_{verb}")
            signal.connect(receivers.visitor_changed, sender=Visitor, dispatch_uid=f"feed.visitor_{verb}")
        m2m_changed.connect(
            receivers.greetings_changed, sender=Greeting.time_slots.through, dispatch_uid="feed.greeting_slots"
        )
        receivers.connect_shop()
