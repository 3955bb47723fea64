"""The notifier interface: one channel (e-mail, 카카오 알림톡, ...) that delivers one transactional notice.

A notice is built once from the order or subscription (shop.services.notifications) and handed to every channel
the customer chose; each channel renders it its own way. Transactional notices tell the customer about their own
order and never carry promotions, so they need no marketing consent (정보통신망법 제50조 applies to advertising).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


class NotifierError(Exception):
    """The provider refused this notice for good (bad number, unknown template): retrying will not help."""


class NotifierUnavailable(NotifierError):
    """The provider could not be reached or answered 5xx: the task retries later."""


@dataclass(frozen=True)
class Notice:
    """What happened, to whom, and the values every channel may show (all strings, ready to print)."""

    event: str
    nickname: str
    email: str
    phone: str
    variables: dict[str, str] = field(default_factory=dict)
    link: str = ""  # absolute URL of the order or subscription page


class Notifier(ABC):
    channel: str

    @abstractmethod
    def recipient(self, notice: Notice) -> str:
        """The address on this channel ('' when the customer has none: the notice is skipped, not failed)."""

    @abstractmethod
    def send(self, *, notice: Notice, recipient: str) -> str:
        """Deliver the notice; return the provider's reference. Raises NotifierUnavailable or NotifierError."""

    def describe(self) -> dict[str, Any]:
        return {"channel": self.channel}
