"""crm's content inside feed items (registered with feed.item_extras in CrmConfig.ready): a survey's answer form."""

from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from crm.selectors.surveys import survey_form_questions, surveys_in_feed
from feed.item_extras import ItemExtra

SURVEY_TEMPLATE = "crm/partials/_survey_form.html"


def survey_extras(items: Sequence[Any], user: Any) -> dict[int, ItemExtra]:
    """Two queries per feed page, whatever the number of surveys in it."""
    found = surveys_in_feed(item_ids=[item.pk for item in items if item.kind == "md_message"], user=user)
    return {
        item_id: ItemExtra(
            template=SURVEY_TEMPLATE,
            context={
                "found": survey,
                "questions": survey_form_questions(questions=survey.questions, selected={}),
                "action": reverse("surveys:answer", kwargs={"pk": survey.survey.pk}),
                "next": reverse("feed:feed"),
                "compact": True,
            },
        )
        for item_id, survey in found.items()
    }
