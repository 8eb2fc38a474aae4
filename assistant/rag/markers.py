"""The `[n]` markers an answer cites its passages with (`[2]`, `[1, 3]`): read by the core to
know what was cited, and by the GUI to turn them into links."""

from __future__ import annotations

import re

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def numbers(m: re.Match) -> list[int]:
    """The passage numbers in one marker matched by MARKER (`[1, 3]` -> [1, 3])."""
    return [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1)) if x.isdigit()]


def cited(answer: str, n_passages: int) -> list[int]:
    """The passage numbers `answer` cites, each once, in order, only those in 1..n_passages.

    Args:
        answer: the model's text.
        n_passages: how many passages the model was given.
    Returns:
        The numbers, first citation first.
    """
    nums: list[int] = []
    for m in MARKER.finditer(answer):
        for x in numbers(m):
            if 1 <= x <= n_passages and x not in nums:
                nums.append(x)
    return nums
