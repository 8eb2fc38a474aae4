"""An HTTP proxy in front of pouchdb-server that serves attachment Range requests as CouchDB 3 does
(206 Partial Content) and can cut an attachment download part-way, then count what was re-fetched.

Why not faultproxy.py alone: pouchdb-server 4.2 ignores `Range` and always sends the whole
attachment (checked: `curl -H 'Range: bytes=5-'` answers 200 with every byte), so resuming cannot be
shown against it. This proxy adds exactly the one behaviour CouchDB has and pouchdb-server lacks; every
byte it serves comes from the real server. Cuts are at the TCP level, like faultproxy's mid-answer drop.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class RangeProxy:
    def __init__(self, target: str):
        self.target = target
        self.cut_at: float | None = None  # cut the next attachment answer after this fraction of the file
        self.attachment_bytes = 0  # attachment body bytes sent to clients
        self.ranges: list[str] = []  # Range headers of attachment requests
        self.served: list[int] = []  # body bytes each attachment answer carries (recorded before sending)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "range"}
                r = httpx.request(self.command, proxy.target + self.path, headers=headers, content=body, timeout=60)
                data = r.content
                status = r.status_code
                extra = {}
                is_file = self.command == "GET" and re.match(r"^/[^/_][^/]*/[^/]+/(file|part-\d{5})(\?|$)", self.path)
                rng = self.headers.get("Range")
                if is_file and status == 200:
                    proxy.ranges.append(rng or "")
                    total = len(data)
                    m = re.match(r"bytes=(\d+)-$", rng or "")
                    if m and int(m.group(1)) < total:
                        start = int(m.group(1))
                        data, status = data[start:], 206
                        extra["Content-Range"] = f"bytes {start}-{total - 1}/{total}"
                self.send_response(status)
                for k, v in r.headers.items():
                    if k.lower() not in HOP:
                        self.send_header(k, v)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if is_file and proxy.cut_at is not None and status in (200, 206):
                    n = int(len(data) * proxy.cut_at) if status == 200 else int(len(data) * proxy.cut_at)
                    proxy.cut_at = None
                    proxy.served.append(n)
                    self.wfile.write(data[:n])
                    self.wfile.flush()
                    proxy.attachment_bytes += n
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if is_file:
                    proxy.served.append(len(data))
                self.wfile.write(data)
                if is_file:
                    proxy.attachment_bytes += len(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RangeProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
