"""Celery beat's schedule in the database (django-celery-beat), with admin edits that survive a restart.

django-celery-beat writes every CELERY_BEAT_SCHEDULE entry over its database row each time beat starts, so an admin's
change in Django admin would last only until the next deploy. Entries named in settings.BEAT_ADMIN_OWNED_ENTRIES
(the CRM segmentation runs) are written once, when their row does not exist yet; from then on the row is the truth
and admins own it. Every other entry is still refreshed from settings on start-up (operations values such as the
heartbeat interval).
"""

from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as BaseDatabaseScheduler


class DatabaseScheduler(BaseDatabaseScheduler):
    def update_from_dict(self, mapping):
        owned = set(getattr(settings, "BEAT_ADMIN_OWNED_ENTRIES", ())) & set(mapping)
        existing = set(PeriodicTask.objects.filter(name__in=owned).values_list("name", flat=True)) if owned else set()
        return super().update_from_dict({name: entry for name, entry in mapping.items() if name not in existing})
