"""An HTTP proxy in front of pouchdb-server that can replace chosen answers (127.0.0.1 only).

`tamper(method, path)` returns None to forward the request unchanged, or `(status, body bytes)` to
answer instead: a server that errs on one endpoint, or answers it with something that is not the
protocol (truncated JSON, wrong types), while the rest of it works.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

Tamper = Callable[[str, str], "tuple[int, bytes] | None"]


class TamperProxy:
    def __init__(self, target: str, tamper: Tamper):
        self.target = target.rstrip("/")
        self.tamper = tamper
        self.seen: list[tuple[str, str]] = []
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
                if fake is not None:
                    status, out, ctype = fake[0], fake[1], "application/json"
                else:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in ("host", "content-length", "connection", "accept-encoding")}
                    r = httpx.request(self.command, proxy.target + self.path, content=body, headers=headers,
                                      timeout=60)
                    status, out, ctype = r.status_code, r.content, r.headers.get("content-type", "application/json")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="tamperproxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> TamperProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
