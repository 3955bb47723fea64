"""Extra content inside feed items, supplied by the apps above feed without feed importing them.

crm registers a provider in its AppConfig.ready() (its surveys render their answer form inside the survey's feed
item). A provider gets the page's items and the viewer once per page and returns {item id: ItemExtra} for the
items it owns, in a fixed number of queries; the item template includes `extra.template` with `extra.context`.
A provider that fails is logged and skipped: the feed still renders.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemExtra:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Sequence[Any], Any], dict[int, ItemExtra]]
_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Add (or replace) the provider named `key`."""
    _providers[key] = provider


def extras_attach(*, items: Sequence[Any], user: Any) -> None:
    """Set `item.extra` (an ItemExtra or None) on every item, asking each provider once."""
    found: dict[int, ItemExtra] = {}
    if items:
        for key, provider in _providers.items():
            try:
                found.update(provider(items, user))
            except Exception:
                logger.warning("feed item extras from %s failed", key, exc_info=True)
    for item in items:
        item.extra = found.get(item.pk)
