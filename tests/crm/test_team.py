"""MD teams: the faces shoppers see (names in Korean order, generated avatars when there is no photo)."""

import pytest
from django.urls import reverse

from tests.crm.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db


def test_member_display_name_is_family_name_first():
    member = TeamMemberFactory(user__last_name="김", user__first_name="하늘", user__nickname="하늘이")
    assert member.display_name == "김하늘"


def test_member_without_real_name_shows_nickname():
    member = TeamMemberFactory(user__last_name="", user__first_name="", user__nickname="살림요정")
    assert member.display_name == "살림요정"


def test_member_without_photo_gets_a_generated_png_avatar(client):
    member = TeamMemberFactory(user__last_name="박", user__first_name="서연")
    assert member.avatar_url == reverse("crm:member_avatar", kwargs={"pk": member.pk})
    response = client.get(member.avatar_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content[:4] == b"\x89PNG"


def test_avatar_of_unknown_member_is_not_found(client):
    assert client.get(reverse("crm:member_avatar", kwargs={"pk": 999999})).status_code == 404
