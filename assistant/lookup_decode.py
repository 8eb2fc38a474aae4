"""Greedy decoding with drafts looked up in the prompt (prompt-lookup decoding), on llama-cpp-python.

An answer from the manual copies the manual: after "set the", the passages' own next words are a
good guess for the model's. Each step takes the tokens that followed the latest earlier occurrence
of the answer's last few tokens (in the prompt or the answer so far) as a draft, and the model
reads the step's token and the draft in one batch: every draft token it would have chosen itself
is accepted at once, and the first it would not is replaced by its own choice. The text is the
model's greedy text (argmax at every position, as llama.cpp's greedy sampler picks); only the
number of model calls changes. A step without a draft is an ordinary one-token decode.

llama-cpp-python's own LlamaPromptLookupDecoding needs `logits_all`, which computes the vocabulary's
logits for every prompt token too (slower prompts, n_ctx x vocab floats of memory: see
bench/README.md "Prompt lookup"); here logits are asked for only on the verified batch.

It works on the Llama object's context directly and keeps its bookkeeping (`n_tokens`,
`input_ids`) as Llama.generate does, so the next create_completion or lookup call still reuses the
cached prompt prefix.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Chosen with bench/decode_speed.py (bench/README.md "Prompt lookup in the app"). A step drafts
# DRAFT_TOKENS; after a draft accepted whole the next may be twice as long, up to DRAFT_MAX, and after
# a rejection half as long (SHRINK "half", not below DRAFT_TOKENS; "reset" goes back to it at once).
# Every drafted token costs part of a one-token step (logits over a 152k vocabulary for every batch
# row), so short drafts that grow only while the answer copies beat long ones: 2 growing to 8 with
# halving decoded 1.40x the app without lookup, 4 growing to 16 with reset 1.32x, in one run.
DRAFT_TOKENS = 2
DRAFT_MAX = 8
SHRINK = "half"
NGRAM_MAX = 3  # the longest answer tail looked up
NGRAM_MIN = 2  # a single token recurs too often to predict what follows it


def find_draft(seq: list[int], k: int, n_max: int = NGRAM_MAX, n_min: int = NGRAM_MIN) -> list[int]:
    """Up to `k` tokens that followed the latest earlier occurrence of the last n tokens of `seq`
    (the longest n from n_max down to n_min that occurs); [] when none does."""
    if k <= 0:
        return []
    arr = np.asarray(seq, dtype=np.int64)
    size = len(arr)
    for n in range(n_max, n_min - 1, -1):
        if size <= n:
            continue
        tail = arr[-n:]
        # Windows starting at 0 .. size-n-1 (not the tail itself); all n positions must match.
        hits = np.ones(size - n, dtype=bool)
        for j in range(n):
            hits &= arr[j:size - n + j] == tail[j]
        found = np.flatnonzero(hits)
        if found.size:
            start = int(found[-1]) + n
            return arr[start:start + k].tolist()
    return []


def next_size(size: int, drafted: int, accepted: int, first: int, most: int, shrink: str) -> int:
    """The next draft's length after a step that drafted `drafted` tokens of which `accepted` were
    the model's own: twice as long after a whole draft (up to `most`), after a rejection half as
    long ("half", not below `first`) or `first` again ("reset"); unchanged after a step with none."""
    if not drafted:
        return size
    if accepted == drafted:
        return min(size * 2, most)
    return max(first, size // 2) if shrink == "half" else first


def greedy(llm, prompt: list[int], max_tokens: int, draft_tokens: int | None = None,
           draft_max: int | None = None, shrink: str | None = None) -> Iterator[int]:
    """The model's greedy tokens after `prompt` (end-of-generation not included), with drafts.

    `llm` is a llama_cpp.Llama. Closing the generator early leaves the context consistent.
    `draft_tokens` / `draft_max` / `shrink`: a step's draft length, how long it may grow, and how it
    shrinks after a rejection (module defaults).
    """
    first = draft_tokens if draft_tokens is not None else DRAFT_TOKENS
    most = max(first, draft_max if draft_max is not None else DRAFT_MAX)
    size = first
    shrink = shrink or SHRINK
    if shrink not in ("half", "reset"):
        raise ValueError(f"shrink must be 'half' or 'reset', not {shrink!r}")
    import llama_cpp

    ctx, vocab, n_vocab = llm._ctx, llm._model.vocab, llm.n_vocab()
    n_ctx = llm.n_ctx()
    # The cached prefix, measured as llama-cpp-python's own generate measures it.
    prefix = llm.longest_token_prefix(llm.input_ids[: llm.n_tokens].tolist(), prompt)
    prefix = min(prefix, len(prompt) - 1)  # at least one token is read, for its logits
    if prefix > 0 and ctx.kv_cache_seq_rm(-1, prefix, -1):
        llm.n_tokens = prefix
    else:
        llm.reset()
    llm._requires_eval = True  # the logits this leaves behind are not the prompt's: never "fully cached"
    llm.eval(prompt[llm.n_tokens:])
    # The tokens chosen and not yet given out: the last of them is not in the cache yet, and each
    # step's batch starts with it.
    pending = [int(np.argmax(np.ctypeslib.as_array(ctx.get_logits_ith(-1), shape=(n_vocab,))))]
    seq = list(prompt)
    produced = 0
    while True:
        for t in pending:
            if produced >= max_tokens or llama_cpp.llama_vocab_is_eog(vocab, t):
                return
            yield t
            produced += 1
            seq.append(t)
        if produced >= max_tokens:
            return
        n_past = llm.n_tokens
        room = min(size, max_tokens - produced, n_ctx - n_past - 1, llm.n_batch - 1)
        draft = find_draft(seq, room)
        batch = [seq[-1]] + draft
        llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
        ctx.decode(llm._batch)
        llm.input_ids[n_past:n_past + len(batch)] = batch
        rows = np.ctypeslib.as_array(ctx.get_logits(), shape=(len(batch) * n_vocab,)).reshape(len(batch), n_vocab)
        picks = rows.argmax(axis=1)  # picks[i]: the model's token after batch[i]
        accepted = 0
        while accepted < len(draft) and int(picks[accepted]) == draft[accepted]:
            accepted += 1
        size = next_size(size, len(draft), accepted, first, most, shrink)
        # The batch's first token and the accepted drafts stay in the cache; the rejected drafts' go.
        llm.n_tokens = n_past + 1 + accepted
        if accepted < len(draft):
            ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        pending = draft[:accepted] + [int(picks[accepted])]
