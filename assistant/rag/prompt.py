"""Build the grounded prompt: numbered passages that fit the model's context, then the question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .search import Passage

SYSTEM = (
    "You are a field service assistant for technicians. Answer the question using ONLY the numbered "
    "manual passages. After each fact, cite its passage number in square brackets, like [1]. "
    "Give exact values, part numbers and steps as written. Be brief. If the passages do not answer "
    "the question, reply exactly: Not found in the loaded manuals."
)


@dataclass
class BuiltPrompt:
    text: str
    passages: list[Passage]  # the passages given to the model, numbered 1..n in this order
    tokens: int


def label(p: Passage) -> str:
    where = [p.manual]
    if p.page is not None:
        where.append(f"page {p.page}")
    if p.section:
        where.append(p.section)
    return ", ".join(where)


def build(
    question: str,
    passages: list[Passage],
    render: Callable[[str, str], str],
    count: Callable[[str], int],
    budget: int,
) -> BuiltPrompt:
    """Fit as many passages (in rank order) as the token budget allows.

    Args:
        render: turns (system, user) into the model's prompt text (its chat template).
        count: counts tokens of a text with the model's tokenizer.
        budget: tokens available for the whole prompt (context minus the answer's allowance).
    """
    question = question.strip()

    def user_text(blocks: list[str]) -> str:
        return "Manual passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"

    base = count(render(SYSTEM, user_text([])))
    used, blocks, kept = base, [], []
    for p in passages:
        block = f"[{len(kept) + 1}] ({label(p)})\n{p.text}"
        cost = count(block) + 2
        if used + cost > budget:
            room = budget - used - count(f"[{len(kept) + 1}] ({label(p)})\n") - 4
            if room < 48 or kept:  # a stub of a lower-ranked passage is not worth the context
                break
            # The top passage alone does not fit: keep its beginning rather than nothing.
            text = p.text[: room * 3]
            while count(text) > room and len(text) > 40:
                text = text[: int(len(text) * 0.85)]
            block = f"[1] ({label(p)})\n{text}"
            cost = count(block) + 2
        blocks.append(block)
        kept.append(p)
        used += cost
    prompt = render(SYSTEM, user_text(blocks))
    return BuiltPrompt(prompt, kept, count(prompt))
