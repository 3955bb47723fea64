"""Smoke tests: run on every configuration, including the embedded SQLite defaults."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]


def test_home_page_renders_in_korean(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="ko"' in response.content.decode()


def test_migrations_match_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
