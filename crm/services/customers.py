"""Writes about customers in the back office: team notes and tags, and the audit rows of looking at customers.

Every function takes the caller's Seat (crm.selectors.access) and checks, first, that the seat may see the
customer (DomainError 404 otherwise, never 403: a customer outside the team's segments is not disclosed) and then
that its role may do the action (DomainError 403).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from crm.models import AuditLog, CustomerNote, CustomerTag, Segment
from crm.selectors.access import WRITE_NOTES, Seat, customer_visible
from crm.services.audit import audit_record

CUSTOMER_NOT_FOUND = gettext_noop("고객을 찾을 수 없어요.")
NOTES_NOT_ALLOWED = gettext_noop("이 팀에서 메모와 태그를 쓸 수 있는 역할이 아니에요.")
NOTE_EMPTY = gettext_noop("메모 내용을 써 주세요.")
NOTE_TOO_LONG = gettext_noop("메모는 2,000자까지 쓸 수 있어요.")
TAG_EMPTY = gettext_noop("태그 이름을 써 주세요.")
TAG_TOO_LONG = gettext_noop("태그는 30자까지 쓸 수 있어요.")
TAG_NOT_FOUND = gettext_noop("이미 떼어 낸 태그예요.")

NOTE_MAX = 2000
TAG_MAX = 30


def _check_can_write(*, seat: Seat, customer: User) -> None:
    if not customer_visible(seat=seat, customer_id=customer.pk):
        raise DomainError(_(CUSTOMER_NOT_FOUND), code="not_found", http_status=404)
    if not seat.can(WRITE_NOTES):
        raise DomainError(_(NOTES_NOT_ALLOWED), code="forbidden", http_status=403)


def customer_note_add(*, seat: Seat, customer: User, body: str) -> CustomerNote:
    """Add the seat's team's note on a customer. Only that team reads it.

    Raises DomainError: 404 when the seat may not see the customer, 403 without WRITE_NOTES, 400 for an empty
    or too long note.
    """
    _check_can_write(seat=seat, customer=customer)
    body = (body or "").strip()
    if not body:
        raise DomainError(_(NOTE_EMPTY), code="note_invalid")
    if len(body) > NOTE_MAX:
        raise DomainError(_(NOTE_TOO_LONG), code="note_invalid")
    note = CustomerNote(team=seat.team, customer=customer, author=seat.user, body=body)
    note.full_clean(exclude=["team", "customer", "author"])
    note.save()
    return note


def _tag_label_clean(label: str) -> str:
    label = " ".join((label or "").split()).lstrip("#")
    if not label:
        raise DomainError(_(TAG_EMPTY), code="tag_invalid")
    if len(label) > TAG_MAX:
        raise DomainError(_(TAG_TOO_LONG), code="tag_invalid")
    return label


def customer_tag_add(*, seat: Seat, customer: User, label: str) -> CustomerTag:
    """Put the seat's team's tag on a customer; the same label twice returns the existing tag (idempotent:
    a double click or two members at once leave one row, guarded by the unique constraint).

    Raises DomainError: 404 / 403 as customer_note_add, 400 for an empty or too long label.
    """
    _check_can_write(seat=seat, customer=customer)
    label = _tag_label_clean(label)
    existing = CustomerTag.objects.filter(team=seat.team, customer=customer, label=label).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CustomerTag.objects.create(team=seat.team, customer=customer, label=label, created_by=seat.user)
    except IntegrityError:
        return CustomerTag.objects.get(team=seat.team, customer=customer, label=label)


def customer_tag_remove(*, seat: Seat, customer: User, tag_id: int) -> None:
    """Take one of the seat's team's tags off a customer. A tag of another team is "not found" (404).

    Raises DomainError: 404 / 403 as customer_note_add; 404 when the tag is not (or no longer) there.
    """
    _check_can_write(seat=seat, customer=customer)
    deleted, _rows = CustomerTag.objects.filter(pk=tag_id, team=seat.team, customer=customer).delete()
    if not deleted:
        raise DomainError(_(TAG_NOT_FOUND), code="not_found", http_status=404)


def customer_viewed(
    *, seat: Seat, customer: User, request: HttpRequest | None = None, via_api: bool = False
) -> AuditLog:
    """Record that the seat opened a customer's record (the 360 page or its API). The caller has already checked
    the seat may see the customer. One INSERT."""
    return audit_record(
        actor=seat.user,
        action=AuditLog.Action.API_CUSTOMER_VIEW if via_api else AuditLog.Action.CUSTOMER_VIEW,
        team=seat.team,
        customer=customer,
        detail={"role": seat.role or "admin"},
        request=request,
    )


def customer_list_viewed(
    *,
    seat: Seat,
    segment: Segment | None,
    query: dict[str, Any],
    row_count: int,
    request: HttpRequest | None = None,
    via_api: bool = False,
) -> AuditLog:
    """Record that the seat listed customers (a list page, its htmx table or the API's list): who saw which
    customers is the question an audit answers, and a search by phone digits is a look-up of one person.
    `query` is the search, filters, sort and page as asked; `row_count` is the list's total (the pager's count)."""
    return audit_record(
        actor=seat.user,
        action=AuditLog.Action.API_CUSTOMER_LIST if via_api else AuditLog.Action.CUSTOMER_LIST,
        team=seat.team,
        segment=segment,
        detail={"role": seat.role or "admin", **query, "row_count": row_count},
        request=request,
    )


def customers_exported(
    *,
    seat: Seat,
    segment: Segment | None,
    query: dict[str, Any],
    row_count: int,
    request: HttpRequest | None = None,
) -> AuditLog:
    """Record a CSV export before it streams (so a download cut short is still on record). `row_count` is the
    number of rows the export will hold (a COUNT over the same filters, taken just before streaming)."""
    return audit_record(
        actor=seat.user,
        action=AuditLog.Action.EXPORT,
        team=seat.team,
        segment=segment,
        detail={"role": seat.role or "admin", **query, "row_count": row_count},
        request=request,
    )
