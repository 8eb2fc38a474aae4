"""Build the grounded prompt: numbered passages that fit the model's context, then the question."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import navigation, sentences
from .search import Passage

# Kept short and concrete: the 135M default model follows a plain instruction with the question
# both before and after the passages far better than a long list of rules (measured by hand on
# the demo library; see bench/ask_quality notes in the issue).
SYSTEM = (
    "Answer the technician's question in one or two sentences using only the manual passages. "
    "Copy values, part numbers and codes exactly. Cite the passage number like [1]. If the passages "
    "do not answer the question, reply: Not found in the loaded manuals."
)
# Where a family's system text shows a worked example of the direct answer's line (build drops it
# from a prompt that has no such line).
EXAMPLE_MARK = "\n\nExample. "
# Per model family (GGUF general.architecture), chosen on the tuning half of the dev sets
# (bench/answer_quality.py --half tune --system ...). Families not listed get SYSTEM.
SYSTEMS: dict[str, str] = {
    # Qwen2.5 answered "not found" to 97% of answerable tuning questions with SYSTEM (it reads "if
    # the passages do not answer" strictly); with this text 30%, and fact recall 0.00 -> 0.46.
    # Since the direct answer's line leads the prompt (quote_lead): say what that line is, and show
    # once, on a made-up manual, an answer that keeps its values, units and setting names (tuning
    # half, Klipper FAQ, with greedy decoding: F1 0.35 -> 0.45, "not found" 0.30 -> 0.20; the
    # report half did not confirm it: fact recall 0.58 -> 0.48, one question's list of 19 aliases).
    # "Can I ...?" / "Why ...?" and menu paths: the 0.5B said "not found" to "Can I change the TV
    # screen to Grayscale mode?" with the path in its quoted line (tuning halves, 8 questions a set:
    # fact recall S10 0.67 -> 0.75, TV 0.10 -> 0.10, Klipper 0.20 -> 0.28; "not found" on answerable
    # questions TV and Klipper 0.38 -> 0.00; F1 S10 0.60 -> 0.65, TV 0.20 -> 0.32, Klipper 0.37 -> 0.23).
    # The example has no setting command: the 0.5B wrote "set `opacity_check: on`" after the example's
    # "set `torque_check: on`" on a held-out S10 question. Without it (tuning halves): fact recall
    # S10 0.75 -> 0.67, TV 0.10, Klipper 0.28 -> 0.41; F1 0.65 -> 0.64, 0.32 -> 0.39, 0.23 -> 0.47.
    "qwen2": (
        "You help a field technician using the numbered passages from the equipment manuals. Answer the "
        "question from the passages in one to three sentences: give the steps, settings or values they "
        "state, copying values with their units, part numbers, menu names, setting names and commands "
        "exactly as written, and cite the passage numbers like [1]. A line \"The manual says [n]:\" is the "
        "manual's own answer from passage [n]: start from it and keep its words. When the passages answer "
        "only part of the question, give that part. A question \"Can I ...?\" or \"Why ...?\" is answered with "
        "how to do it or what to check, from the passages. Give a menu path as its items in order, like "
        "Settings > General > Grayscale. Reply 'Not found in the loaded manuals.' only when the "
        "passages are about something else."
        + EXAMPLE_MARK + "Question: What torque for the pump mounting bolts? The manual says [2]: Tighten the M12 "
        "mounting bolts to 68 Nm. Answer: Tighten the M12 mounting bolts to 68 Nm [2]."
    ),
}
# Decoding per model family, used unless the user set `temperature` / `repeat_penalty`. Qwen2.5
# copies the manual greedily: at 0.1 a question's facts came and went between runs, and llama.cpp's
# repeat penalty counts the prompt's last 64 tokens, so it works against repeating the values just
# read. SmolLM2 (135M) keeps the defaults: greedy and unpenalised, so small a model loops.
DECODING: dict[str, dict[str, float]] = {"qwen2": {"temperature": 0.0, "repeat_penalty": 1.0}}
STOP = ["\nPassage [", "\nQuestion:"]


def decoding_for(family: str | None, settings) -> tuple[float, float]:
    """(temperature, repeat penalty) for a model family: the user's settings where set, else the
    family's (`DECODING`), else the settings' defaults."""
    own = DECODING.get(family or "", {})
    return tuple(getattr(settings, k) if k in settings.model_fields_set or k not in own else own[k]
                 for k in ("temperature", "repeat_penalty"))


def system_for(family: str | None) -> str:
    """The system text for a model family (`ChatModel.family`)."""
    return SYSTEMS.get(family or "", SYSTEM)


# Text shaped like a chat template's control tokens (ChatML <|im_start|>, Llama <s>/[INST], Gemma
# <start_of_turn>): the prompt is tokenized with special tokens on, so such text inside a manual or a
# question would become real turn markers and let the manual speak as the system or the assistant.
_CONTROL = re.compile(r"<\|[^|<>\s]{1,40}\|>|</?s>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>|<(?:bos|eos|pad)>",
                      re.IGNORECASE)


def plain(text: str) -> str:
    """`text` with anything shaped like a control token defused (its "<" becomes "‹"): it reads the
    same to a person and tokenizes as ordinary text."""
    return _CONTROL.sub(lambda m: "‹" + m.group(0)[1:], text)


def quote_lead(text: str, n: int | None) -> str:
    """The direct answer (the manual's own line that answers, `direct.find`) as the first thing the
    model reads, tied to its passage number, so the model can copy its values. Measured in
    bench/README.md, "The manual's line first": fewer "not found" on the tuning half, fact recall
    within noise on both halves. `n`: the line's passage among those in the prompt, None when that
    one did not fit."""
    ref = f" [{n}]" if n else ""
    return f"The manual says{ref}: {' '.join(text.split())}"


def prime_for(direct_text: str, whole: bool = False) -> str:
    """The start of the model's answer, from the direct answer's text (the manual's verbatim lines,
    `direct.find`): its navigation line when it has one ("From Settings, tap Display > Screen
    saver.", or a path whose arrows the text lost, "Settings General Accessibility Caption
    Settings", left as written: where one item ends and the next begins is not known), else ""; with
    `whole`, every line of it. The model goes on from these words instead of deciding whether to
    copy them (it mostly left a path out when it was only quoted: bench/README.md "Answer priming").
    """
    lines = [" ".join(x.split()) for x in direct_text.splitlines() if x.strip()]
    if whole:
        return " ".join(lines)
    # The first navigation sentence: the line `navigation.with_navigation` put above the answering
    # line, or one inside it ("Choose a preset sound ... From Settings, tap Sounds and vibration >
    # Notification sound.").
    nav = next((nav for line in lines for s in sentences.of_line(line) if (nav := navigation.navigation(s))), "")
    # A path whose arrows were lost has no stop of its own: on a line of its own, as the direct
    # answer shows it, so the model's words do not run on from its last item.
    return nav + "\n" if nav and nav[-1] not in ".:;!?)" else nav


@dataclass
class BuiltPrompt:
    text: str
    passages: list[Passage]  # the passages given to the model, numbered 1..n in this order
    tokens: int
    # The answer's first words, put after the chat template's assistant turn (`prime_for`): the
    # model's text follows them, and the answer shown is primed + the model's text.
    primed: str = ""
    # The direct answer's line as the prompt quotes it (`quote_lead`), "" with no quote: the manual's
    # words, though part of them may come from a chunk that did not fit (its navigation line, the value after it).
    quoted: str = ""


def label(p: Passage) -> str:
    """Where a passage comes from, for people (the model gets bare numbered passages: the 135M
    default copies any header it is shown into its answer)."""
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
    system: str = SYSTEM,
    lead: str = "",
    quote: tuple[str, int] | None = None,
    prime: str = "",
) -> BuiltPrompt:
    """Fit as many passages (in rank order) as the token budget allows.

    Args:
        render: turns (system, user) into the model's prompt text (its chat template).
        count: counts tokens of a text with the model's tokenizer.
        budget: tokens available for the whole prompt (context minus the answer's allowance).
        system: the instruction (`system_for(model family)`).
        lead: a block put before the passages (a spec table row with its headers), counted first.
        quote: the direct answer's text and the chunk id of its passage, put first of all
            (`quote_lead`), numbered as that passage once the passages that fit are known.
        prime: the answer's first words (`prime_for`), after the assistant turn's opening.
    """
    question = plain(question.strip())
    prime = plain(prime)
    quote_text = plain(quote[0]) if quote else ""
    if not quote:
        # The example shows what to do with a "The manual says" line; with none, the 0.5B answered
        # the example's own question ("Tighten the M12 mounting bolts to 68 Nm ...") instead.
        system = system.split(EXAMPLE_MARK)[0]

    def user_text(blocks: list[str]) -> str:
        return f"Question: {question}\n\n" + "\n\n".join(blocks) + f"\n\nAnswer the question: {question}"

    # The quote's cost is counted with a two-digit number; its real number is known at the end.
    lead_blocks = ([quote_lead(quote_text, 99)] if quote else []) + ([plain(lead)] if lead else [])

    def then_prime(rendered: str) -> str:
        # A chat template's assistant turn ends on a newline; the plain prompt of a model without
        # one (ChatModel.render) on "Answer:", where the model's own first word would follow a space.
        return rendered + (" " if prime and rendered and not rendered[-1].isspace() else "") + prime

    base = count(then_prime(render(system, user_text(lead_blocks))))
    used, blocks, kept = base, list(lead_blocks), []
    for p in passages:
        body = plain(p.text)
        block = f"Passage [{len(kept) + 1}]:\n{body}"
        cost = count(block) + 2
        if used + cost > budget:
            room = budget - used - count("Passage [1]:\n") - 4
            if room < 48 or kept:  # a stub of a lower-ranked passage is not worth the context
                break
            # The top passage alone does not fit: keep its beginning rather than nothing.
            text = body[: room * 3]
            while count(text) > room and len(text) > 40:
                text = text[: int(len(text) * 0.85)]
            block = f"Passage [1]:\n{text}"
            cost = count(block) + 2
        blocks.append(block)
        kept.append(p)
        used += cost
    if quote:
        n = next((i + 1 for i, p in enumerate(kept) if p.chunk_id == quote[1]), None)
        blocks[0] = quote_lead(quote_text, n)
    prompt = then_prime(render(system, user_text(blocks)))
    return BuiltPrompt(prompt, kept, count(prompt), prime, quote_text)
