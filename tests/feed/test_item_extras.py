"""feed.item_extras: apps above feed put content inside feed items without feed importing them; a provider that
fails never breaks the feed."""

import pytest

from feed import item_extras
from feed.item_extras import ItemExtra
from tests.accounts.factories import UserFactory
from tests.feed.factories import FeedItemFactory

pytestmark = pytest.mark.django_db


def test_feed_item_shows_the_content_its_provider_supplies(client, monkeypatch):
    user = UserFactory()
    mine, other = FeedItemFactory(user=user, title="설문 소식"), FeedItemFactory(user=user, title="그냥 소식")
    seen = []

    def provider(items, viewer):
        seen.append((sorted(item.pk for item in items), viewer))
        return {mine.pk: ItemExtra(template="crm/partials/_survey_form.html", context={"found": None})}

    monkeypatch.setitem(item_extras._providers, "test", provider)
    client.force_login(user)

    body = client.get("/feed/").content.decode()

    assert seen == [(sorted([mine.pk, other.pk]), user)]
    assert body.count('data-testid="survey-form"') == 1


def test_feed_renders_when_a_provider_fails(client, monkeypatch):
    user = UserFactory()
    FeedItemFactory(user=user, title="새 소식")

    def broken(items, viewer):
        raise RuntimeError("boom")

    monkeypatch.setitem(item_extras._providers, "broken", broken)
    client.force_login(user)

    response = client.get("/feed/")

    assert response.status_code == 200
    assert "새 소식" in response.content.decode()
