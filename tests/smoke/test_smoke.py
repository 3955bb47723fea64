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


def test_healthz_answers_200_on_whatever_is_configured(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_visitor_signs_up_logs_out_and_logs_in_again(client):
    password = "동네-스모크-비밀번호-1"
    response = client.post(
        "/accounts/signup/",
        {
            "username": "smoke",
            "nickname": "연기",
            "email": "smoke@example.com",
            "password1": password,
            "password2": password,
            "terms": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "연기님" in response.content.decode()
    client.post("/accounts/logout/")
    assert "연기님" not in client.get("/").content.decode()
    client.post("/accounts/login/", {"username": "smoke", "password": password})
    assert "연기님" in client.get("/").content.decode()


def test_shell_assets_are_served_by_the_project(client):
    body = client.get("/").content.decode()
    assert "/static/css/mall.css" in body
    assert "/static/django_htmx/htmx-2.min.js" in body
    assert "cdn" not in body.lower()


def test_english_switch_works_from_the_committed_catalogue(client):
    client.post("/i18n/setlang/", {"language": "en"})
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body
    assert "Good to see you again." in body


def test_unknown_page_is_a_kind_korean_404_in_the_shell(client):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "페이지를 찾지 못했어요" in body
    assert 'id="topbar"' in body
