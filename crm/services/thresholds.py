"""Admins edit the lifecycle thresholds (신규, 단골, 충성/VIP, 이탈위험, 휴면); the next segmentation run applies them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from crm.models import LifecycleThresholds

THRESHOLDS_ADMIN_ONLY = gettext_noop("고객 단계 기준은 관리자만 바꿀 수 있어요.")
THRESHOLD_FIELDS = ("new_days", "regular_min_orders", "vip_min_orders", "vip_min_spend", "at_risk_days", "dormant_days")


def lifecycle_thresholds_update(*, updated_by: User, values: dict[str, Any]) -> LifecycleThresholds:
    """Write the one thresholds row (pk=1), creating it with the defaults first if it does not exist yet.

    Locks that row for the read-validate-write, so two admins saving at once do not mix their values. Raises
    DomainError when `updated_by` is not an admin, and django's ValidationError (field -> messages) when the values
    break a rule (휴면 must be longer than 이탈위험, VIP orders at least 단골 orders); forms show those per field.
    """
    if not updated_by.is_superuser:
        raise DomainError(_(THRESHOLDS_ADMIN_ONLY), code="thresholds_forbidden", http_status=403)
    with transaction.atomic():
        LifecycleThresholds.objects.get_or_create(pk=1)
        row = LifecycleThresholds.objects.select_for_update().get(pk=1)
        for name in THRESHOLD_FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.updated_by = updated_by
        row.updated_at = timezone.now()
        row.full_clean()
        row.save(update_fields=[*THRESHOLD_FIELDS, "updated_by", "updated_at"])
    return row
