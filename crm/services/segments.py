"""Creating and changing segments. Conditions are validated by the engine (crm.services.conditions); the
memberships themselves are computed by segmentation runs, never here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from config.services import model_update
from crm.models import Segment, Team
from crm.services.conditions import conditions_clean

SEGMENT_NAME_TAKEN = gettext_noop("이 팀에 같은 이름의 세그먼트가 이미 있어요. 다른 이름을 지어 주세요.")
SEGMENT_NAME_REQUIRED = gettext_noop("세그먼트 이름을 적어 주세요.")
SEGMENT_INVALID = gettext_noop("세그먼트 내용을 다시 확인해 주세요: {detail}")


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = [str(message) for messages in exc.message_dict.values() for message in messages]
    else:
        parts = [str(message) for message in exc.messages]
    return _(SEGMENT_INVALID).format(detail=" ".join(parts))


def _name_clean(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_(SEGMENT_NAME_REQUIRED), code="segment_name")
    return name


def _name_taken(*, team: Team, name: str, exclude_pk: int | None = None) -> bool:
    others = Segment.objects.filter(team=team, name=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def segment_create(
    *, team: Team, name: str, description: str = "", definition: Any, created_by: User | None
) -> Segment:
    """Make a segment owned by `team`. It has no members until the next segmentation run.

    Raises DomainError (Korean message) when the conditions are invalid (from `conditions_clean`), the name is
    empty or already used in this team, or a field is too long. Saves one row; no lock is needed: the unique
    (team, name) constraint settles a race, and its IntegrityError becomes the same DomainError.
    """
    name = _name_clean(name)
    clean_definition = conditions_clean(definition)
    if _name_taken(team=team, name=name):
        raise DomainError(_(SEGMENT_NAME_TAKEN), code="segment_name_taken", http_status=409)
    now = timezone.now()
    segment = Segment(
        team=team,
        name=name,
        description=(description or "").strip(),
        definition=clean_definition,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    try:
        segment.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise DomainError(_validation_message(exc), code="segment_invalid") from exc
    try:
        with transaction.atomic():
            segment.save()
    except IntegrityError as exc:
        raise DomainError(_(SEGMENT_NAME_TAKEN), code="segment_name_taken", http_status=409) from exc
    return segment


def segment_update(
    *,
    segment: Segment,
    name: str | None = None,
    description: str | None = None,
    definition: Any = None,
    is_active: bool | None = None,
) -> Segment:
    """Change a segment's name, description, conditions or whether it is in use; None leaves a field as it is.

    Only the changed columns are written (`model_update`). New conditions apply from the next segmentation run:
    the current memberships stay until then. Raises DomainError like `segment_create`.
    """
    data: dict[str, Any] = {}
    if name is not None:
        data["name"] = _name_clean(name)
        if data["name"] != segment.name and _name_taken(team=segment.team, name=data["name"], exclude_pk=segment.pk):
            raise DomainError(_(SEGMENT_NAME_TAKEN), code="segment_name_taken", http_status=409)
    if description is not None:
        data["description"] = description.strip()
    if definition is not None:
        data["definition"] = conditions_clean(definition)
    if is_active is not None:
        data["is_active"] = is_active
    previous_updated_at = segment.updated_at
    segment.updated_at = timezone.now()
    try:
        with transaction.atomic():
            segment, changed = model_update(instance=segment, data=data)
    except ValidationError as exc:
        segment.updated_at = previous_updated_at
        raise DomainError(_validation_message(exc), code="segment_invalid") from exc
    except IntegrityError as exc:
        segment.updated_at = previous_updated_at
        raise DomainError(_(SEGMENT_NAME_TAKEN), code="segment_name_taken", http_status=409) from exc
    if not changed:
        segment.updated_at = previous_updated_at
    return segment
