from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("커뮤니티")

    def ready(self) -> None:
        # boards (H7): the product page's 상품 Q&A and 체험단 후기 panels (shop imports nothing of community).
        # Visitors without an account share one rendered copy of both, renewed by the panels stamp.
        from community.services.page_versions import product_panels_stamp_key
        from community.views.participation import trial_reports_panel
        from community.views.qna import qna_panel
        from shop.hooks import register_product_panel

        register_product_panel(qna_panel, visitor_stamp_key=product_panels_stamp_key)
        register_product_panel(trial_reports_panel, visitor_stamp_key=product_panels_stamp_key)

        # tours (H6): the popular-tours strip on the shop's home page.
        from community.home import popular_tours_section
        from shop.hooks import register_home_section

        register_home_section(popular_tours_section)

        # Visitors' shared copies of tour pages follow deletions, cascades included.
        from community.services.page_versions import connect_page_version_signals

        connect_page_version_signals()

        # Notices in the feed are message codes, rendered in each reader's language.
        from community.feed_messages import COMMUNITY_FEED_MESSAGES
        from feed import messages

        messages.register(COMMUNITY_FEED_MESSAGES)
