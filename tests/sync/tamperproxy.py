"""An HTTP proxy in front of pouchdb-server that can replace chosen answers (127.0.0.1 only).

`tamper(method, path)` returns None to forward the request unchanged, or an `Answer` (or a plain
`(status, body bytes)`) to send instead: a server that errs on one endpoint, or answers it with
something that is not the protocol (truncated JSON, wrong types, a redirect to another host, an
endless stream), while the rest of it works.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from .localproxy import LocalProxy, forward


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    endless: bool = False  # repeat `body` as a chunked stream until the client hangs up


Tamper = Callable[[str, str], "Answer | tuple[int, bytes] | None"]


class TamperProxy(LocalProxy):
    def __init__(self, target: str, tamper: Tamper):
        self.target = target.rstrip("/")
        self.tamper = tamper
        self.seen: list[tuple[str, str]] = []
        self.stopping = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?", 1)[0]
                proxy.seen.append((self.command, path))
                fake = proxy.tamper(self.command, path)
                if isinstance(fake, tuple):
                    fake = Answer(*fake)
                if fake is None:
                    r = forward(self, proxy.target, body, timeout=60)
                    fake = Answer(r.status_code, r.content, {"Content-Type": r.headers.get("content-type") or "application/json"})
                self.send_response(fake.status)
                for k, v in {"Content-Type": "application/json", **fake.headers}.items():
                    self.send_header(k, v)
                if fake.endless:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = fake.body or b" "
                    try:
                        while not proxy.stopping.is_set():
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    except OSError:  # the client gave up: what it should do
                        pass
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self._serve(Handler, "tamperproxy")
