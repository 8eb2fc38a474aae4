"""Shared by the direct-answer and answer tests: the direct answer over the app's own search, and
the prompts the real chat model is handed (and the tokens it reads of them)."""

from __future__ import annotations

from assistant.rag import direct
from assistant.rag.search import search


def direct_answer(session, question: str) -> direct.Direct | None:
    """`direct.find` over the passages the search gives at the session's top_k, with its vector."""
    res = search(session.db, session.embedder, question, k=session.settings.top_k)
    return direct.find(question, res.passages, session.embedder, qvec=res.qvec)


def record_prompts(monkeypatch, chat) -> list[str]:
    """The prompts `chat.stream` is called with from now on (the real model still answers)."""
    prompts: list[str] = []
    real_stream = chat.stream

    def recording_stream(prompt, *args, **kwargs):
        prompts.append(prompt)
        return real_stream(prompt, *args, **kwargs)

    monkeypatch.setattr(chat, "stream", recording_stream)
    return prompts


def record_evals(monkeypatch, chat) -> list[int]:
    """How many tokens each llama.cpp eval call reads from now on (the real eval still runs)."""
    sizes: list[int] = []
    real_eval = chat._llm.eval

    def recording_eval(tokens):
        sizes.append(len(tokens))
        return real_eval(tokens)

    monkeypatch.setattr(chat._llm, "eval", recording_eval)
    return sizes
