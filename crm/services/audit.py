"""The audit log: who looked at or exported which customer data. Append-only; admins read it in the back office."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from accounts.models import User
from crm.models import AuditLog, Segment, Team


def _client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from as this server saw it.

    REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it, and an audit
    trail must not record an address the viewer chose.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User,
    action: str,
    team: Team | None = None,
    customer: User | None = None,
    segment: Segment | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditLog:
    """Write one audit row and return it. One INSERT; runs in the caller's transaction if there is one.

    `action` is one of AuditLog.Action (ValueError otherwise: a typo must not write an unreadable row).
    `detail` must be JSON-safe (filters, counts, the search text); it is checked here so a bad value fails in
    the caller, not later in the admin page.
    """
    if action not in AuditLog.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    detail = dict(detail or {})
    json.dumps(detail)
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        team=team,
        customer=customer,
        segment=segment,
        detail=detail,
        ip_address=_client_ip(request),
    )
