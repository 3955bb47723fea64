"""Feed messages the system composes, stored as a code (+ params) and rendered in the reader's language.

An item such as "쌀 떨어질 때 됐죠?" or "민지님이 나를 팔로우하기 시작했어요" stores `message_code` and
`message_params`; `message_text()` turns them into text when the page, the API answer or the live push is made, so
an English reader sees English even for an item written while a Korean page was being served. The item's `title`
and `body` keep the text in the default language: the admin lists it, and it is shown as it is when the code is
empty (people's own words: an MD team's campaign copy, a nudge rule's message, rows older than the codes) or no
longer known.

Templates use named `%(name)s` placeholders and are msgids (gettext_noop), so `make messages` finds them. Params
are JSON values filled in as they are (people's words such as a comment excerpt stay as written), except those a
message lists in `translated`: their values are msgids too. `%(shop)s` is the mall's name in the reader's language.

feed imports neither crm nor community: they register their messages in their AppConfig.ready() with
`register()`, the way they register audiences and item extras. Rendering is a dictionary look-up and a gettext
call: no query, whatever the number of items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext


@dataclass(frozen=True)
class FeedMessage:
    """A title and a body template (msgids); None keeps the item's stored text (e.g. a survey's own title)."""

    title: str | None
    body: str | None = None
    translated: tuple[str, ...] = ()  # params whose values are msgids themselves ("동의함")


GREETING_BENEFIT = "feed.greeting_benefit"
SUBSCRIPTION_SOON = "feed.subscription_soon"
SUBSCRIPTION_SOON_UNNAMED = "feed.subscription_soon_unnamed"

_registry: dict[str, FeedMessage] = {
    GREETING_BENEFIT: FeedMessage(
        title=gettext_noop("인사말 혜택을 받았어요"), body=gettext_noop("%(name)s 쿠폰이 쿠폰함에 들어갔어요.")
    ),
    SUBSCRIPTION_SOON: FeedMessage(
        title=gettext_noop("곧 정기배송이 출발해요"),
        body=gettext_noop("%(name)s 정기배송이 곧 준비돼요. 바꿀 게 있으면 미리 알려 주세요."),
    ),
    SUBSCRIPTION_SOON_UNNAMED: FeedMessage(
        title=gettext_noop("곧 정기배송이 출발해요"), body=gettext_noop("정기배송이 곧 준비돼요.")
    ),
}


def register(messages: Mapping[str, FeedMessage]) -> None:
    """Add an app's messages. A code names one message for good: registering it again with other texts fails."""
    for code, message in messages.items():
        known = _registry.get(code)
        if known is not None and known != message:
            raise ValueError(f"feed message {code!r} is already registered with other texts")
        if len(code) > 40:
            raise ValueError(f"feed message code {code!r} is longer than 40 characters")
        _registry[code] = message


def is_registered(code: str) -> bool:
    return code in _registry


def _render(message: FeedMessage, part: Literal["title", "body"], params: Mapping[str, Any]) -> str | None:
    template = getattr(message, part)
    if template is None:
        return None
    values = {"shop": pgettext("brand name", "동네가게"), **params}
    for name in message.translated:
        if isinstance(values.get(name), str):
            values[name] = _(values[name])
    return _(template) % values


def message_text(*, code: str, params: Mapping[str, Any], part: Literal["title", "body"], fallback: str) -> str:
    """The title or body in the active language; `fallback` (the stored text) for free text, an unknown code or
    params that no longer fit the template."""
    message = _registry.get(code) if code else None
    if message is None:
        return fallback
    try:
        text = _render(message, part, params)
    except (KeyError, ValueError, TypeError):
        return fallback
    return fallback if text is None else text


def message_compose(*, code: str, params: Mapping[str, Any], title: str = "", body: str = "") -> tuple[str, str]:
    """The (title, body) to store for a coded message: its text in the default language (LANGUAGE_CODE), whatever
    language the request that writes it speaks. `title`/`body` are kept for a part the message leaves to people.

    Raises ValueError for a code nobody registered and KeyError for a missing param: a mistake fails where the
    item is made, not later on somebody's feed page.
    """
    message = _registry.get(code)
    if message is None:
        raise ValueError(f"unknown feed message {code!r}")
    with translation.override(settings.LANGUAGE_CODE):
        stored_title = _render(message, "title", params)
        stored_body = _render(message, "body", params)
    return (title if stored_title is None else stored_title, body if stored_body is None else stored_body)
