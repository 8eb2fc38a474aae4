"""What the test proxies in front of pouchdb-server share (tamperproxy.py, cutproxy.py): a threading
HTTP server on 127.0.0.1 run on a daemon thread as a context manager, and forwarding one request
to the real server as it came."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# Headers that belong to one connection, not to the request: not passed on.
HOP = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}


class LocalProxy:
    """Subclasses call `_serve(Handler, name)` at the end of `__init__`; `stopping` is set on exit
    (a handler holding a connection open waits on it)."""

    stopping: threading.Event

    def _serve(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name=name, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def forward(handler: BaseHTTPRequestHandler, target: str, body: bytes, timeout: float) -> httpx.Response:
    """The request `handler` holds (its `body` already read), sent to the real server at `target`."""
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP}
    return httpx.request(handler.command, target + handler.path, content=body, headers=headers, timeout=timeout)
