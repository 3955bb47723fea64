"""ASGI entry point: HTTP through Django, WebSockets through the routes each app registers.

An app that serves WebSockets exposes `websocket_urlpatterns` in its `routing.py`; they are
collected here so that adding a consumer never means editing this file.
"""

import os
from importlib import import_module
from importlib.util import find_spec

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402


def collect_websocket_urlpatterns() -> list:
    patterns: list = []
    for app in settings.INSTALLED_APPS:
        module_name = f"{app}.routing"
        if "." in app or find_spec(app) is None or find_spec(module_name) is None:
            continue
        # Third-party apps may ship a routing module of their own (channels does): only ours declare the list.
        patterns.extend(getattr(import_module(module_name), "websocket_urlpatterns", []))
    return patterns


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(collect_websocket_urlpatterns()))),
    }
)
