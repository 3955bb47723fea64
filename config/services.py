"""Helpers that every app's services share."""

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, data: dict[str, Any], fields: list[str] | None = None) -> tuple[M, bool]:
    """Set the given plain fields on an existing row, validate it and save only what changed.

    `fields` limits which keys of `data` may be written (defaults to all keys). Returns the instance
    and whether anything changed. Saving with `update_fields` means a concurrent change to another
    column of the same row is not overwritten. Raises django.core.exceptions.ValidationError from
    full_clean(); the caller's service turns it into a DomainError where users can cause it.
    """
    allowed = set(fields) if fields is not None else set(data)
    changed: list[str] = []
    for name, value in data.items():
        if name not in allowed:
            continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    if not changed:
        return instance, False
    instance.full_clean(validate_unique=False, validate_constraints=False)
    update_fields = list(changed)
    if any(f.name == "updated_at" for f in instance._meta.get_fields()):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    return instance, True
