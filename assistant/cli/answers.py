"""Question and speech commands: ask (typed or spoken) and transcribe."""

from __future__ import annotations

import json
import logging
import sys
import threading
from pathlib import Path

from ..errors import AssistantError, Cancelled
from .output import fail, print_json, warn_keyword_only

log = logging.getLogger(__name__)


def _speech_terms(session, bias: bool = True) -> list:
    """The library's vocabulary to bias the recogniser toward ([] when off or unavailable)."""
    if not bias or session.settings.stt_bias == "off":
        return []
    from ..library import terms

    try:
        return terms.domain_terms(session.db)
    except AssistantError as e:  # no library is no reason not to transcribe
        log.warning("transcribing without the library's vocabulary: %s", e)
        return []


def cmd_transcribe(args, session) -> int:
    from ..speech.transcription import transcribe

    cancel = threading.Event()
    job = transcribe(Path(args.audio), settings=session.settings, model=args.model, cancel=cancel,
                     prompt_terms=_speech_terms(session, not args.no_bias))
    try:
        for i, seg in enumerate(job):
            if not args.json:
                sys.stdout.write((" " if i else "") + seg.text)
                sys.stdout.flush()
    except KeyboardInterrupt:
        cancel.set()
        print("\n[stopped]", file=sys.stderr)
        return 130
    t = job.result()
    if args.json:
        print_json(t.to_json())
    elif t.text:
        print()
    # Silence or noise: the JSON (text "") is still printed, and the reason goes to stderr.
    return fail(t.message) if t.message else 0


def _heard(args, session):
    """The spoken question of `ask --audio`, transcribed. Raises NoSpeechError if nothing was said."""
    from ..speech.transcription import transcribe_all

    try:
        t = transcribe_all(Path(args.audio), settings=session.settings, prompt_terms=_speech_terms(session))
        t.require_text()
    except AssistantError:
        from ..fleet import counters

        counters.record(session.db, "speech_error")  # the health document's speech errors
        raise
    return t


def verdict_after_stream(streamed: str, answer) -> str | None:
    """What to print under a streamed answer whose final text is not what was streamed: the answer
    was started with the manual's navigation line (answer.PRIME) and the model then said it found
    nothing, which the app reads as "not found" (the GUI replaces the text; a terminal cannot take
    back what it printed). None when the streamed text is the answer."""
    if not answer.abstained or " ".join(streamed.split()) == " ".join(answer.answer.split()):
        return None
    return (f"{answer.answer} The model did not confirm the manual's line it was started with: check the "
            "manual's line above against the manual before acting on it.")


class HoldBack:
    """What a terminal prints of a streamed answer when the manual's line (`direct`) was printed above
    it: the model often copies that line ("The manual says [1]: ..."), so its text is held back while
    it may still be only that (`turn.may_repeat`), and a copy is not printed twice, as the GUI hides it."""

    REPEATED = "(The model's answer repeated the manual's line above, so it is not shown twice.)"

    def __init__(self, direct: str | None):
        self.direct = direct
        self.holding = direct is not None
        self.streamed: list[str] = []
        self.held: list[str] = []

    def feed(self, text: str) -> str:
        """The text to print now for the next streamed piece ("" while held back)."""
        from ..rag.turn import may_repeat

        self.streamed.append(text)
        if not self.holding:
            return text
        self.held.append(text)
        if may_repeat("".join(self.streamed), self.direct):
            return ""
        self.holding = False  # it says more than the line: printed, and streamed from here on
        return self._release()

    def _release(self) -> str:
        # What was held back, less a first copy of the line printed above (turn.after_copy).
        from ..rag.turn import after_copy

        held, self.held = "".join(self.held), []
        rest = after_copy(held, self.direct)
        return held if rest is None else rest

    def end(self, answer) -> str:
        """What is left to print once the answer is done: the note for a copy, or what was held back
        when the answer ended while it could still have been one."""
        from ..rag.turn import repeats

        if not self.held:
            return ""
        if not answer.abstained and repeats(answer.answer, self.direct):
            return self.REPEATED
        return self._release()


def cmd_ask(args, session) -> int:
    from ..rag.answer import ask

    question, heard = args.question, None
    if args.audio:
        if question:
            return fail("ask: give a QUESTION or --audio FILE, not both", 2)
        heard = _heard(args, session)
        question = heard.text
        if not args.json:
            print(f"Heard: {question}\n", flush=True)
    elif not question:
        return fail("ask: give a QUESTION, or --audio FILE with the question spoken", 2)
    settings = session.settings
    if args.k:
        settings.top_k = args.k
    if args.max_tokens:
        settings.max_answer_tokens = args.max_tokens
    cancel = threading.Event()
    answer = None
    stream = not args.json
    printer = HoldBack(None)
    try:
        embedder = session.embedder_or_none()
        warn_keyword_only(session)
        events = ask(session.db, embedder, lambda: session.chat(args.model), question, settings, cancel,
                     all_manuals=args.all_manuals)
        if stream and not args.all_manuals:
            from ..fleet import jobs

            if (scope := jobs.scope(session.db, settings.device_groups)) is not None:
                print(scope.note.capitalize()[0] + scope.note[1:] + ":", flush=True)
        for ev in events:
            if ev.kind == "retrieved" and stream and (ev.warnings or ev.direct):
                for w in ev.warnings:
                    where = f", page {w.page}" if w.page is not None else ""
                    print(f"!! {w.level} ({w.manual}{where}): {w.text}")
                if ev.direct:  # the manual's own line first: it needs no model
                    d = ev.direct
                    printer = HoldBack(d.text)
                    where = f", page {d.page}" if d.page is not None else ""
                    text = d.text.replace("\n", "\n    ")
                    print(f"From the manual ({d.manual}{where}):\n    {text}\n")
                print(flush=True)  # shown while the model is still reading the prompt
            elif ev.kind == "token" and stream:
                if text := printer.feed(ev.text):
                    sys.stdout.write(text)
                    sys.stdout.flush()
            elif ev.kind == "done":
                answer = ev.answer
    except KeyboardInterrupt:
        cancel.set()
        print("\n[stopped]", file=sys.stderr)
        return 130
    except Cancelled:
        return 130
    if args.json:
        out = answer.to_json() if args.verbose else {k: v for k, v in answer.to_json().items() if k != "passages"}
        out.setdefault("question", question)
        out["notices"] = [session.embedder_problem] if session.embedder_problem else []
        if heard is not None:
            out["transcript"] = heard.to_json()
            out["timings"]["transcribe_ms"] = heard.timings["total_ms"]
        print_json(out)
        return 0
    sys.stdout.write(printer.end(answer))
    print()
    if (verdict := verdict_after_stream("".join(printer.streamed), answer)) is not None:
        print(f"\n{verdict}")
    if answer.unverified:
        print(f"\n!! Check against the manual: {', '.join(answer.unverified)} not found in the cited passages.")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            where = f", page {c.page}" if c.page is not None else ""
            sec = f" — {c.section}" if c.section else ""
            sec += " (read by OCR: check the page image)" if c.ocr else ""
            print(f"[{c.n}] {c.manual}{where}{sec}\n    {c.text[:300].replace(chr(10), ' ')}")
        if answer.citation_source == "retrieved":
            print("(the model did not cite a passage; these are the passages it was given)")
    for p in answer.procedures:
        print(f"\nProcedure: [{p['id']}] {p['title']} — step by step: field-assistant procedures show {p['id']}")
    t = answer.timings
    if args.timings:
        print(json.dumps(t), file=sys.stderr)
    return 0
