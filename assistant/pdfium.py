"""The one lock for PDFium, shared by everything in the process that calls pypdfium2.

PDFium is not thread-safe: the parser (reading manuals on a worker thread) and the page viewer
(rendering on another) must never be inside it at the same time. Both hold `PDFIUM_LOCK` around
every call; it is reentrant so a holder may call helpers that take it again.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
