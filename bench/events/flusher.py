"""The beat task's stand-in for bench.events: drain the event buffer every second (feed.flush_events), then
once more at the end, and print how many rows reached PostgreSQL. Usage: python -m bench.events.flusher SECONDS"""

import json
import sys
import time

import django

django.setup()

from feed.services.events import events_flush  # noqa: E402 (needs Django set up first)

stop_at = time.monotonic() + float(sys.argv[1])
stored = 0
while time.monotonic() < stop_at:
    stored += events_flush()
    time.sleep(1)
stored += events_flush()
print(json.dumps({"stored": stored}))
