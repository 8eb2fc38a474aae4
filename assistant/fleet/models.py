"""Placeholder replaced below."""


def apply(db, settings, tgt, device, cancel=None, bench_tokens=None) -> dict:
    return {}
