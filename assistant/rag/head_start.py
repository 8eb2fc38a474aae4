"""The chat model reads the prompt while the caller finishes the rest: a head start on a thread.

Reading the prompt (prefill) is most of the time to the first token, and it runs in llama.cpp's C
code, which llama-cpp-python calls through ctypes.CDLL: the GIL is released for the call, so the
direct answer (`direct.find`, an ONNX embedding, also GIL-free in its C++ part) and the safety
look-up go on at the same time on the caller's thread. llama.cpp uses one thread on a 2-core
device (`llm.default_threads`), so the other core is free for them (bench/README.md measures it).

One stream at a time still: the thread only loads the model, builds the prompt and takes the
first token; the caller then `result()`s and reads the rest of the tokens itself, and `close()`s
when it is done or stops early, so the model is free before the next question. The thread is
not a daemon: an exiting process waits for the prefill to end before the model is freed
(`llm.unload_all` at exit), as it waited before when the prefill ran on the caller's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class HeadStart:
    """`work()` on a thread of its own, started now; `result()` waits for it."""

    def __init__(self, work: Callable[[], Any], close: Callable[[Any], None] | None = None):
        self._close = close
        self._out: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="prefill")
        self._thread.start()

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            self._out = work()
        except BaseException as e:  # handed to the caller's thread by result()
            self._error = e

    def result(self) -> Any:
        """What `work()` returned; raises what it raised (ModelMissingError, Cancelled, ...)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._out

    def close(self) -> None:
        """Wait for `work()` and release what it returned (`close(result)`); its error, if
        any, was the caller's to see through `result()`."""
        self._thread.join()
        if self._error is None and self._close is not None:
            self._close(self._out)
