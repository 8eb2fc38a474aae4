"""A fault-injecting TCP proxy between the sync client and pouchdb-server, on 127.0.0.1 only.

It forwards bytes both ways and, at random (seeded), cuts connections: before a request reaches the
server, or after the server answered (so the write was applied but the client never heard back), or
mid-answer. It can also refuse everything (offline) or answer 429 with a Retry-After.
"""

from __future__ import annotations

import random
import select
import socket
import threading


class FaultProxy:
    def __init__(self, target_port: int, drop_rate: float = 0.0, seed: int = 0):
        self.target = ("127.0.0.1", target_port)
        self.drop_rate = drop_rate
        self.offline = False  # refuse every connection (the server "is unreachable")
        self.answer_429 = 0  # answer this many next requests with 429 and `retry_after`
        self.retry_after = "1"
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stats = {"connections": 0, "dropped_request": 0, "dropped_response": 0, "refused": 0, "429": 0}
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)  # so the accept loop notices stop()
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="faultproxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.sock.close()
        self._thread.join(5)

    def _chance(self) -> bool:
        with self.lock:
            return self.drop_rate > 0 and self.rng.random() < self.drop_rate

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self.stats["connections"] += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        if self.offline:
            self.stats["refused"] += 1
            client.close()
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        socks = [client, upstream]
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select(socks, [], [], 0.5)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    if s is client:
                        with self.lock:
                            reply_429 = self.answer_429 > 0
                            if reply_429:
                                self.answer_429 -= 1
                        if reply_429:
                            self.stats["429"] += 1
                            client.sendall(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: "
                                           + self.retry_after.encode() + b"\r\nContent-Length: 0\r\n"
                                           b"Connection: close\r\n\r\n")
                            return
                        if self.offline or self._chance():
                            self.stats["dropped_request"] += 1
                            return
                        upstream.sendall(data)
                    else:
                        if self._chance():
                            # The server has done the work; the client never hears of it.
                            self.stats["dropped_response"] += 1
                            return
                        client.sendall(data)
        except OSError:
            return
        finally:
            for s in socks:
                try:
                    s.close()
                except OSError:
                    pass
