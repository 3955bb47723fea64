from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("고객 관리(CRM)")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from crm.models import Team, TeamMember
        from shop.services.catalog import catalog_version_bump

        # Shop pages show a team's faces and greeting signature: refresh their cached fragments on any change.
        for model in (Team, TeamMember):
            for signal in (post_save, post_delete):
                signal.connect(catalog_version_bump, sender=model, dispatch_uid=f"catalog_version_{model.__name__}")

        # Every active segment is a feed audience ("crm_segment_<pk>") for greetings and nudge rules.
        from crm.audiences import audiences_register

        audiences_register()

        # A survey's feed item carries its answer form (feed renders it through its item-extras registry).
        from crm.feed_extras import survey_extras
        from feed import item_extras

        item_extras.register("crm_survey", survey_extras)

        # Reminders, notices and survey invitations are message codes, rendered in each reader's language.
        from crm.feed_messages import CRM_FEED_MESSAGES
        from feed import messages

        messages.register(CRM_FEED_MESSAGES)
