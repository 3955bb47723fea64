import importlib

import pytest


@pytest.fixture(autouse=True)
def _default_greetings(request):
    """Transactional tests flush the tables, data migrations included: put the seeded defaults back."""
    if "django_db" not in request.keywords:
        return
    from django.apps import apps

    from feed.models import TimeSlot

    if not TimeSlot.objects.exists():
        importlib.import_module("feed.migrations.0002_default_greetings").seed(apps, None)
