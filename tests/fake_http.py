"""A local fake HTTP server for providers we talk to over the network (카카오/네이버 OAuth, 카카오 알림톡).

Tests never leave the machine: the adapter under test is pointed at `server.url`, the fake answers with the
routes the test gave it and records every request, so the test can assert what was sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, Any]  # status, JSON-able body
Route = Callable[["Recorded"], Reply] | Reply


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class FakeServer:
    url: str
    routes: dict[tuple[str, str], Route]
    requests: list[Recorded] = field(default_factory=list)

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]


@contextmanager
def fake_http_server(routes: dict[tuple[str, str], Route]) -> Iterator[FakeServer]:
    """Serve `routes` ({(method, path): (status, body) or fn(request) -> (status, body)}) on 127.0.0.1."""
    state = FakeServer(url="", routes=routes)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            recorded = Recorded(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            state.requests.append(recorded)
            route = state.routes.get((self.command, parts.path))
            status, body = (
                (404, {"error": "no route"}) if route is None else route(recorded) if callable(route) else route
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            if 300 <= status < 400:  # a redirect route answers {"location": url}
                self.send_header("Location", body["location"])
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _handle

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
