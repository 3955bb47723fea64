"""The audit log service: one append-only row per look at customer data."""

import pytest
from django.test import RequestFactory

from crm.models import AuditLog
from crm.services.audit import audit_record
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_audit_record_writes_who_what_whom_and_from_where():
    actor, customer = StaffUserFactory(), UserFactory()
    segment = SegmentFactory()
    request = RequestFactory().get("/crm/", REMOTE_ADDR="203.0.113.7")
    entry = audit_record(
        actor=actor,
        action=AuditLog.Action.CUSTOMER_VIEW,
        team=segment.team,
        customer=customer,
        segment=segment,
        detail={"role": "cs"},
        request=request,
    )
    entry.refresh_from_db()
    assert (entry.actor, entry.customer, entry.team, entry.segment) == (actor, customer, segment.team, segment)
    assert entry.action == "customer_view"
    assert entry.detail == {"role": "cs"}
    assert entry.ip_address == "203.0.113.7"


def test_audit_record_ignores_a_forwarded_for_header_the_client_chose():
    request = RequestFactory().get("/crm/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    entry = audit_record(actor=StaffUserFactory(), action=AuditLog.Action.EXPORT, request=request)
    assert entry.ip_address == "203.0.113.7"


def test_audit_record_without_a_request_has_no_address():
    entry = audit_record(actor=StaffUserFactory(), action=AuditLog.Action.EXPORT, detail={"row_count": 3})
    assert entry.ip_address is None
    assert entry.detail == {"row_count": 3}


def test_audit_record_with_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(actor=StaffUserFactory(), action="peek")
    assert not AuditLog.objects.exists()


def test_audit_record_with_a_detail_that_is_not_json_is_refused():
    with pytest.raises(TypeError):
        audit_record(actor=StaffUserFactory(), action=AuditLog.Action.EXPORT, detail={"when": object()})
    assert not AuditLog.objects.exists()
