"""Who a greeting is for: a registry of audiences, so crm can add segments later.

`register(key, label, predicate)` adds an audience; the predicate gets an `AudienceContext` and the
greeting's `audience_days` and returns True when the greeting applies. crm registers its segments in its
AppConfig.ready(); feed never imports crm. Audiences that come and go at run time (segments) are a `Provider`
for a key prefix.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AudienceContext:
    user: Any  # accounts.User | None
    today: date  # Seoul date
    now_local: datetime
    days_together: int | None  # 1 on the day of joining
    previous_seen: datetime | None  # the visit before today, if known


Predicate = Callable[[AudienceContext, int | None], bool]
_registry: dict[str, tuple[Any, Predicate]] = {}


@dataclass(frozen=True)
class Provider:
    """A family of audiences whose keys share a prefix and come and go at run time (crm's segments:
    "crm_segment_<pk>"). `predicate_for(key)` must be cheap (no query: it runs on every page), `exists(key)`
    may query (form validation), `choices()` lists the current ones for admin forms."""

    prefix: str
    predicate_for: Callable[[str], Predicate | None]
    exists: Callable[[str], bool]
    choices: Callable[[], list[tuple[str, Any]]]


_providers: dict[str, Provider] = {}


def register(key: str, label: Any, predicate: Predicate) -> None:
    _registry[key] = (label, predicate)


def register_provider(provider: Provider) -> None:
    _providers[provider.prefix] = provider


def _provider(key: str) -> Provider | None:
    return next((p for prefix, p in _providers.items() if key.startswith(prefix)), None)


def is_registered(key: str) -> bool:
    if key in _registry:
        return True
    provider = _provider(key)
    return provider is not None and provider.exists(key)


def choices() -> list[tuple[str, Any]]:
    static = [(key, label) for key, (label, _predicate) in _registry.items()]
    return static + [choice for provider in _providers.values() for choice in provider.choices()]


def matches(key: str, context: AudienceContext, days: int | None) -> bool:
    entry = _registry.get(key)
    if entry is not None:
        return bool(entry[1](context, days))
    provider = _provider(key)
    predicate = provider.predicate_for(key) if provider is not None else None
    return bool(predicate(context, days)) if predicate is not None else False


def _is_birthday(ctx: AudienceContext, _days: int | None) -> bool:
    born = getattr(ctx.user, "birth_date", None) if ctx.user else None
    if born is None:
        return False
    if (born.month, born.day) == (ctx.today.month, ctx.today.day):
        return True
    # Born on 29 February: celebrate on 28 February in other years.
    is_leap = ctx.today.year % 4 == 0 and (ctx.today.year % 100 != 0 or ctx.today.year % 400 == 0)
    return (born.month, born.day) == (2, 29) and not is_leap and (ctx.today.month, ctx.today.day) == (2, 28)


def _back_after(ctx: AudienceContext, days: int | None) -> bool:
    if ctx.previous_seen is None:
        return False
    gap = (ctx.today - ctx.previous_seen.date()).days
    return gap >= (days or 30)


register("everyone", _("모든 분"), lambda ctx, _d: True)
register("members", _("회원"), lambda ctx, _d: ctx.user is not None)
register("anonymous", _("비회원 방문자"), lambda ctx, _d: ctx.user is None)
register("day_one", _("가입 첫날"), lambda ctx, _d: ctx.days_together == 1)
register(
    "every_100th_day",
    _("함께한 지 100일마다"),
    lambda ctx, _d: ctx.days_together is not None and ctx.days_together >= 100 and ctx.days_together % 100 == 0,
)
register("birthday", _("생일"), _is_birthday)
register("back_after", _("오랜만에 온 분 (N일 만에)"), _back_after)
