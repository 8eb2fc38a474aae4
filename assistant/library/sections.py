"""Section paths: the headings above a block, built as a parser meets each heading."""

from __future__ import annotations


class SectionPath(tuple):
    """A heading path that remembers each heading's level, so skipped levels nest correctly."""

    levels: tuple[int, ...] = ()

    def __new__(cls, titles: tuple[str, ...], levels: tuple[int, ...]):
        obj = super().__new__(cls, titles)
        obj.levels = levels
        return obj


def push_section(path: tuple[str, ...], level: int, title: str) -> tuple[str, ...]:
    """The section path after a heading of `level` (1-based): drop headings at that level or
    deeper, append. Levels are tracked per entry because documents skip levels: a Markdown file
    whose headings are all `##` must give siblings, not each nested under the first."""
    level = max(1, level)
    levels = getattr(path, "levels", ())
    if len(levels) != len(path):
        levels = tuple(range(1, len(path) + 1))
    n = 0
    while n < len(levels) and levels[n] < level:
        n += 1
    return SectionPath(tuple(path[:n]) + (title,), levels[:n] + (level,))
