"""The beat task's stand-in for bench.events: drain the event buffer every second (feed.flush_events) until
SIGTERM, then once more, and print how many rows reached PostgreSQL. Usage: python -m bench.events.flusher"""

import json
import signal
import time

import django

django.setup()

from feed.services.events import events_flush  # noqa: E402 (needs Django set up first)

stopping = False


def _stop(signum, frame) -> None:
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, _stop)
stored = 0
while not stopping:
    stored += events_flush()
    time.sleep(0.5)
time.sleep(0.5)
stored += events_flush()
print(json.dumps({"stored": stored}), flush=True)
