"""ASGI entry point: HTTP through Django, WebSockets through the routes each app registers.

An app that serves WebSockets exposes `websocket_urlpatterns` in its `routing.py`; they are
collected here so that adding a consumer never means editing this file.
"""

import gc
import os
import sys
from importlib import import_module
from importlib.util import find_spec

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

# One process serves a thousand sockets on its event loop while database calls run on worker threads. A worker back
# from a query waits for the GIL up to the switch interval (5 ms by default) while the loop is busy, once per query;
# 1 ms keeps that wait off each message (bench.chat). What Django set up lives as long as the process, so the
# collector stops walking it (freeze) and runs its full passes less often.
sys.setswitchinterval(0.001)
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 50, 100)

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
