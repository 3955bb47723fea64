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
        from feed.models import NudgeRule

        page_context.register(receivers.greeting_context)
        page_context.register(receivers.unread_context)
        page_context.register(receivers.track_context)
        user_logged_in.connect(receivers.merge_visitor_on_login, dispatch_uid="feed.merge_visitor")
        post_save.connect(receivers.nudge_rules_changed, sender=NudgeRule, dispatch_uid="feed.rules_saved")
        post_delete.connect(receivers.nudge_rules_changed, sender=NudgeRule, dispatch_uid="feed.rules_deleted")
        from feed.models import Greeting, TimeSlot
        from shop.models import CouponRule

        for model in (Greeting, TimeSlot, CouponRule):  # what the cached active greetings are made of
            label = model._meta.label_lower
            saved = receivers.coupon_rule_saved if model is CouponRule else receivers.greetings_changed
            post_save.connect(saved, sender=model, dispatch_uid=f"feed.greetings:{label}:save")
            post_delete.connect(receivers.greetings_changed, sender=model, dispatch_uid=f"feed.greetings:{label}:del")
        m2m_changed.connect(
            receivers.greetings_changed, sender=Greeting.time_slots.through, dispatch_uid="feed.greetings:slots"
        )
        receivers.connect_shop()
