"""The English (second language) UI is complete: every catalogue entry is translated and compiled, and pages read in English."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$')


def _entries() -> list[dict[str, str | bool]]:
    """Parse the .po written by `makemessages --no-wrap` (one line per string) without needing gettext tools."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str | bool] = {"fuzzy": False}
        last = None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            elif match := LINE.match(line):
                last = match.group(1)
                entry[last] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and last:  # a continuation line, should a wrapped .po ever be committed
                entry[last] += ast.literal_eval(line)
        if entry.get("msgid"):  # skips the header; obsolete "#~" entries never match LINE
            entries.append(entry)
    return entries


def test_po_has_no_untranslated_or_fuzzy_entries():
    entries = _entries()
    assert len(entries) > 500
    untranslated = [
        e["msgid"]
        for e in entries
        if e["fuzzy"] or not (e.get("msgstr") or (e.get("msgstr[0]") and e.get("msgstr[1]")))
    ]
    assert untranslated == [], f"translate these in {PO} and recompile: {untranslated[:10]}"
    still_korean = [e["msgid"] for e in entries if HANGUL.search(str(e.get("msgstr") or e.get("msgstr[1]") or ""))]
    assert still_korean == []


def test_compiled_catalogue_matches_the_po():
    """A stale django.mo (edited .po, forgot compilemessages) shows up here: all entries must come back from gettext."""
    stale = []
    with translation.override("en"):
        for entry in _entries():
            if "msgctxt" in entry:
                continue
            if "msgid_plural" in entry:
                one = translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
                many = translation.ngettext(entry["msgid"], entry["msgid_plural"], 5)
                if (one, many) != (entry["msgstr[0]"], entry["msgstr[1]"]):
                    stale.append(entry["msgid"])
            elif translation.gettext(entry["msgid"]) != entry["msgstr"]:
                stale.append(entry["msgid"])
    assert stale == [], f"run `manage.py compilemessages -l en`: {stale[:10]}"


def test_home_page_reads_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    for text in ("Skip to content", "Today's picks from your neighbourhood shops", "Popular right now", "Cart"):
        assert text in body, text
    assert "요즘 많이 사는 상품" not in body


def test_feed_page_reads_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/feed/").content.decode()
    assert 'lang="en"' in body
    assert "Live shopping feed" in body
    assert "실시간 쇼핑 피드" not in body
