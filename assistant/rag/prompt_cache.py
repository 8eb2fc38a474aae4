"""The answer prompt's fixed opening, read into the chat model's cache before the first question.

Every answer's prompt opens with the same tokens: the chat template's system turn with the model
family's system text, then "Question: ". llama.cpp keeps the last prompt's KV cache and reads only
what differs, so from a session's second question on that opening costs nothing; the first question
paid for it. Reading it while the app starts (the GUI's model-loading job) gives the first question
the same head start: bench/prefix_cache.py, "started".
"""

from __future__ import annotations

from . import prompt as promptmod


def opening(chat) -> list[int]:
    """The tokens every answer prompt for `chat` starts with: the common token prefix of two prompts
    built the way `answer.prompt_for` builds them (with a direct-answer quote, the usual case, whose
    system text carries the example), for questions that differ from their first character."""
    system = promptmod.system_for(getattr(chat, "family", None))
    built = [promptmod.build(q, [], chat.render, chat.count, budget=chat.n_ctx, system=system,
                             quote=("x", 0)).text for q in ("a", "b")]
    from llama_cpp import Llama  # the prefix measured as llama.cpp's generate measures what it reuses

    a, b = (chat.tokenize(t) for t in built)
    return a[: Llama.longest_token_prefix(a, b)]


def warm(chat) -> int:
    """Read `opening(chat)` into the model's cache now (seconds on a small CPU); the number of tokens."""
    tokens = opening(chat)
    chat.prefill(tokens)
    return len(tokens)
