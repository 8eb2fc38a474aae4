"""Prompt-lookup decoding (assistant/lookup_decode.py) on the real bundled chat model: the same
greedy text as llama.cpp's own greedy decoding, with the prompt cache, stop strings and
cancellation working as they do through create_completion."""

from __future__ import annotations

import threading

import pytest

from assistant import llm, lookup_decode, models
from assistant.errors import Cancelled
from assistant.rag import prompt as promptmod

PASSAGE = ("Passage [1]:\nTo replace the intake filter, switch off the compressor at the main isolator, "
           "open the side panel with a 5 mm hex key, pull the old cartridge straight out and push the "
           "new cartridge FX-220 in until it clicks. Reset the service counter with the command "
           "`svc reset filter` and close the panel.")


@pytest.fixture(scope="module")
def chat(models_dir):
    return llm.ChatModel(models_dir / "chat" / models.DEFAULT_CHAT)


def _prompt(chat, question: str) -> list[int]:
    return chat.tokenize(chat.render(promptmod.SYSTEM, f"Question: {question}\n\n{PASSAGE}\n\n"
                                                       f"Answer the question: {question}"))


def _text(chat, tokens, lookup: bool, **kw) -> str:
    chat._llm.reset()
    return "".join(t.text for t in chat.stream(tokens, kw.pop("max_tokens", 60), 0.0, repeat_penalty=1.0,
                                               lookup=lookup, **kw))


def test_drafts_come_from_the_latest_earlier_occurrence():
    seq = [5, 6, 7, 8, 1, 5, 6, 9, 2, 5, 6]
    assert lookup_decode.find_draft(seq, 3) == [9, 2, 5]  # "5 6" last seen before the tail at 5
    assert lookup_decode.find_draft(seq, 1) == [9]
    assert lookup_decode.find_draft([1, 2, 3, 4], 4) == []  # the tail never occurred before
    assert lookup_decode.find_draft([7, 7], 2) == []  # a one-token repeat is no n-gram (NGRAM_MIN)
    assert lookup_decode.find_draft(seq, 0) == []


def test_a_draft_grows_while_accepted_and_shrinks_after_a_rejection():
    assert lookup_decode.next_size(2, 2, 2, 2, 8, "half") == 4
    assert lookup_decode.next_size(8, 8, 8, 2, 8, "half") == 8  # capped at the most
    assert lookup_decode.next_size(8, 8, 3, 2, 8, "half") == 4  # one wrong guess halves it
    assert lookup_decode.next_size(8, 8, 3, 2, 8, "reset") == 2
    assert lookup_decode.next_size(2, 2, 0, 2, 8, "half") == 2  # never below the first length
    assert lookup_decode.next_size(4, 0, 0, 2, 8, "half") == 4  # a step with no draft changes nothing


# Logits of a draft batch and of a one-token decode differ in the last bits (other matrix kernels),
# so where two tokens nearly tie the lookup text may take the other one: seen at 15.805 vs 15.71.
TIE = 0.3


def test_every_token_is_the_model_s_own_greedy_choice(chat):
    """Each token lookup decoding writes is the top token of an ordinary one-token decode of the
    same text so far (up to a near-tie), and the text begins as plain decoding's does."""
    import numpy as np

    tokens = _prompt(chat, "How do I replace the intake filter?")
    chat._llm.reset()
    written = list(lookup_decode.greedy(chat._llm, tokens, 60))
    assert len(written) > 10
    ll = chat._llm
    ll.reset()
    ll.eval(tokens)
    for i, t in enumerate(written):
        logits = np.ctypeslib.as_array(ll._ctx.get_logits_ith(-1), shape=(ll.n_vocab(),))
        assert logits[t] >= logits.max() - TIE, (i, ll.detokenize([t]), ll.detokenize([int(logits.argmax())]))
        ll.eval([t])
    plain = _text(chat, tokens, lookup=False)
    assert plain[:20] == _text(chat, tokens, lookup=True)[:20]


def test_drafts_are_accepted_when_the_answer_copies_the_passage(chat, monkeypatch):
    """Counts the model calls: an answer copied from its passage takes fewer calls than tokens."""
    calls = []
    real_decode = chat._llm._ctx.decode
    monkeypatch.setattr(chat._llm._ctx, "decode", lambda batch: (calls.append(batch.batch.n_tokens), real_decode(batch))[1])
    chat._llm.reset()
    parts = list(chat.stream(_prompt(chat, "How do I replace the intake filter?"), 60, 0.0, repeat_penalty=1.0,
                             lookup=True))
    steps = [n for n in calls if n <= lookup_decode.DRAFT_MAX + 1]  # not the prompt's own batch
    assert len(parts) > 10
    assert len(steps) < len(parts) - 1, (len(steps), len(parts))
    assert max(steps) > lookup_decode.DRAFT_TOKENS + 1, steps  # a draft accepted whole grew the next


def test_the_cached_prompt_prefix_is_reused_after_a_lookup_answer(chat, monkeypatch):
    """The next question shares the system text: only the rest of its prompt is read again, and the
    text is the same as from an empty cache (a cache left wrong would change it)."""
    first = _prompt(chat, "How do I replace the intake filter?")
    second = _prompt(chat, "Which hex key opens the side panel?")
    shared = next(i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b)
    fresh = _text(chat, second, lookup=True, max_tokens=40)
    chat._llm.reset()
    list(chat.stream(first, 20, 0.0, repeat_penalty=1.0, lookup=True))
    read = []
    real_eval = chat._llm.eval
    monkeypatch.setattr(chat._llm, "eval", lambda toks: (read.append(len(toks)), real_eval(toks))[1])
    reused = "".join(t.text for t in chat.stream(second, 40, 0.0, repeat_penalty=1.0, lookup=True))
    assert read == [len(second) - shared], (read, len(second), shared)
    assert reused == fresh


def test_stop_strings_end_the_answer_and_max_tokens_holds(chat):
    tokens = _prompt(chat, "How do I replace the intake filter?")
    whole = _text(chat, tokens, lookup=True)
    stop = " " + next(w for w in whole.split()[1:] if len(w) > 3)
    cut = _text(chat, tokens, lookup=True, stop=[stop])
    assert cut == whole[:whole.index(stop)]  # everything before the stop string, nothing after
    chat._llm.reset()
    assert len(list(chat.stream(tokens, 7, 0.0, repeat_penalty=1.0, lookup=True))) <= 7


def test_cancel_stops_a_lookup_answer(chat):
    cancel = threading.Event()
    chat._llm.reset()
    got = []
    with pytest.raises(Cancelled):
        for t in chat.stream(_prompt(chat, "How do I replace the intake filter?"), 60, 0.0, cancel=cancel,
                             repeat_penalty=1.0, lookup=True):
            got.append(t)
            if len(got) == 3:
                cancel.set()
    assert len(got) == 3


def test_sampled_or_penalised_decoding_never_uses_lookup(chat, monkeypatch):
    """Drafts only reproduce greedy, unpenalised decoding: any other setting goes to llama.cpp."""
    used = []

    def counting(*args, **kwargs):
        used.append(1)
        yield from ()

    monkeypatch.setattr(lookup_decode, "greedy", counting)
    tokens = _prompt(chat, "Which hex key opens the side panel?")
    list(chat.stream(tokens, 5, 0.1, repeat_penalty=1.0, lookup=True))
    list(chat.stream(tokens, 5, 0.0, repeat_penalty=1.1, lookup=True))
    assert used == []
    list(chat.stream(tokens, 5, 0.0, repeat_penalty=1.0, lookup=True))
    assert used == [1]
