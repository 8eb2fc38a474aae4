"""Memory figures from Linux's /proc: the free memory a model must fit in, and this process's
resident and peak memory for the benchmarks. None where /proc has no such value (other systems)."""

from __future__ import annotations

from pathlib import Path


def _kb_value_mb(path: str, key: str) -> float | None:
    """`key`'s value in a /proc file of "Key:  1234 kB" lines, in MiB."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def memory_available_mb() -> float | None:
    """MemAvailable: what can be given to a new program without swapping."""
    return _kb_value_mb("/proc/meminfo", "MemAvailable")


def rss_mb() -> float | None:
    """This process's resident memory now (VmRSS)."""
    return _kb_value_mb("/proc/self/status", "VmRSS")


def peak_rss_mb() -> float | None:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries that over exec,
    so a child started by a big parent would report the parent's peak."""
    return _kb_value_mb("/proc/self/status", "VmHWM")
