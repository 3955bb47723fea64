"""Korean first, English second: the switch works from the committed catalogue (no gettext needed at run time)."""

import importlib.util
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _fill_module():
    spec = importlib.util.spec_from_file_location("fill_en", LOCALE / "fill_en.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_english_catalogue_is_committed_next_to_its_source():
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.po").exists()
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").stat().st_size > 0


def test_every_foundation_string_has_its_english_translation_compiled():
    translations = _fill_module().TRANSLATIONS
    missing = []
    with translation.override("en"):
        for msgid, english in translations.items():
            if isinstance(english, tuple):
                got = (translation.ngettext(msgid, msgid, 1), translation.ngettext(msgid, msgid, 2))
            else:
                got = translation.gettext(msgid)
            if got != english:
                missing.append(msgid)
    assert missing == [], "run `make messages` and commit locale/: " + ", ".join(missing[:5])


def test_fill_translates_a_msgid_that_makemessages_split_at_its_newline():
    po = (
        '#: crm/feed_messages.py:1\n#, fuzzy, python-format\n#| msgid "old"\nmsgid ""\n"%(a)s\\n"\n"끝"\nmsgstr "old"\n'
    )
    text, filled = _fill_module().fill(po, {"%(a)s\n끝": "%(a)s\nend"})
    assert filled == 1
    assert 'msgstr "%(a)s\\nend"' in text
    assert "fuzzy" not in text


def test_header_is_korean_by_default(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="ko"' in body
    assert "장바구니" in body
    assert "회원가입" in body


def test_language_switch_to_english_shows_english_header_and_pages(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:signup")})
    assert response.status_code == 302
    body = client.get(reverse("accounts:signup")).content.decode()
    assert 'lang="en"' in body
    for text in ("Cart", "Log in", "Sign up", "Find what you need today", "Confirm password", "Customer service"):
        assert text in body
    assert "장바구니" not in body


def test_english_form_errors_and_messages(client):
    client.post(reverse("set_language"), {"language": "en"})
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:profile"), {"nickname": "x", "phone": "123"})
    assert "Please enter a mobile number like 010-1234-5678." in response.content.decode()


def test_accept_language_english_is_honoured(client):
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="en"' in body
    assert "Good to see you again." in body
