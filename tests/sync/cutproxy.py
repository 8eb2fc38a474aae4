"""An HTTP proxy in front of pouchdb-server that cuts one upload midway (127.0.0.1 only).

The first request for which `cut(method, path)` is true is forwarded to the real server with its
full Content-Length but only half of its body, and that connection is then closed: the server sees
an upload cut off midway, as when an admin's link drops. The client is left waiting for an answer
that never comes (`cut_done` is set), so the test can kill the uploading process at that point.
Every other request is forwarded as it is.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from .localproxy import HOP, LocalProxy, forward


class CutProxy(LocalProxy):
    def __init__(self, target: str, cut: Callable[[str, str], bool]):
        self.target = target.rstrip("/")
        self.cut = cut
        self.armed = True
        self.cut_done = threading.Event()
        self.cut_path: str | None = None
        self.stopping = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?", 1)[0]
                if proxy.armed and proxy.cut(self.command, path):
                    proxy.armed = False
                    proxy._send_half(self.command, self.path, dict(self.headers.items()), body)
                    proxy.cut_path = path
                    proxy.cut_done.set()
                    proxy.stopping.wait()  # no answer: the client waits until it is killed
                    self.close_connection = True
                    return
                r = forward(self, proxy.target, body, timeout=120)
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() not in HOP and k.lower() != "content-encoding":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self._serve(Handler, "cutproxy")

    def _send_half(self, method: str, raw_path: str, headers: dict, body: bytes) -> None:
        u = urlsplit(self.target)
        with socket.create_connection((u.hostname, u.port), timeout=30) as s:
            lines = [f"{method} {raw_path} HTTP/1.1", f"Host: {u.hostname}:{u.port}", f"Content-Length: {len(body)}",
                     "Connection: close"]
            lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in HOP]
            s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body[: len(body) // 2])
            # closed here, half the body sent: what the server makes of a cut upload is what is tested
