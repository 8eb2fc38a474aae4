"""Shared helpers for the benchmarks: temporary data folder, devdata location, machine line, stats.

Benchmarks are run on demand (see bench/README.md), never by the test suite. Each one makes its
own FIELD_ASSISTANT_HOME in a temporary folder, so nothing touches the user's library; the
bundled models are found through the virtual environment's share folder as usual.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import platform
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEVDATA = PROJECT_ROOT.parent / "shared" / "devdata"

# Nothing in a benchmark may reach a model hub either.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


@contextlib.contextmanager
def temp_home(prefix: str = "fa-bench-", keep: bool = False, at: Path | None = None) -> Iterator[Path]:
    """A fresh FIELD_ASSISTANT_HOME for the duration of the block (removed afterwards), or the
    folder `at` (created if needed, kept: a library to reuse in the next run)."""
    old = os.environ.get("FIELD_ASSISTANT_HOME")
    if at is not None:
        at.mkdir(parents=True, exist_ok=True)
        keep = True
    home = at.resolve() if at is not None else Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["FIELD_ASSISTANT_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("FIELD_ASSISTANT_HOME", None)
        else:
            os.environ["FIELD_ASSISTANT_HOME"] = old
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def half_of(qid: str) -> str:
    """"tune" or "report": the fixed cut of every dev set, by a hash of the question's id.
    Settings are chosen on "tune"; the figures quoted are from "report"."""
    return "tune" if int(hashlib.sha256(qid.encode()).hexdigest(), 16) % 2 == 0 else "report"


def loadavg() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"
    except OSError:
        return "load average n/a"


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} cores ({cpu}),"
            f" Python {platform.python_version()}, {loadavg()}")


def banner(title: str) -> None:
    print(f"== {title}")
    print(f"   {machine_line()}")


def load_embedder(file: str = "model.onnx"):
    """The app's default embedder (bundled all-MiniLM-L6-v2, ONNX); `file` picks the graph in its
    folder (model_qint8.onnx: the int8 variant the set-up exports beside it)."""
    from assistant import models
    from assistant.embedding import OnnxEmbedder

    return OnnxEmbedder(models.default("embedding").path, file=file)


EMBEDDING_FILE_HELP = "the embedding graph to use from the model folder: model.onnx (fp32) or model_qint8.onnx"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank-with-interpolation percentile (p in 0..100)."""
    if not values:
        return float("nan")
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    out = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in cells[1:]:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(out)


def _fmt(c: object) -> str:
    if isinstance(c, float):
        return f"{c:.3f}"
    return str(c)
