"""Where a setting is (`assistant.rag.navigation`): the section's navigation line shown with the
direct answer's option line, over a real ingested manual with the real embedding model, and handed
to the model within the prompt cap."""

from __future__ import annotations

import pytest

from assistant import viewer
from assistant.library import ingest
from assistant.rag import navigation
from assistant.rag.answer import ask
from assistant.rag.direct import find
from assistant.rag.search import Passage
from tests.core.ask_fixtures import record_prompts

# Written for this test in the way device manuals lay a settings screen out: what the screen is
# for, how to reach it, then its options one per line.
PANEL = """# Field terminal user guide

## Display

### Screen saver

The screen saver protects the panel when the terminal is left on for a long time.

From Settings, tap Display > Screen saver.

Timeout: Choose how long the terminal waits before the screen saver starts.

Dim only: Lower the backlight to 10 % instead of showing the screen saver.

Wake on touch: Wake the terminal by just touching the screen.

## Radio

### Channel plan

Press MENU, then select Setup > Radio > Channel plan.

Channel spacing: Set the spacing between channels to 12.5 kHz or 25 kHz.

Scan list: Choose the channels the terminal scans for traffic.

## Care

Wipe the screen with a dry cloth. Never spray cleaner on the panel.
"""


@pytest.mark.parametrize(("sentence", "nav"), [
    ("From Settings, tap Biometrics and security > Fingerprints.", "From Settings, tap Biometrics and security > Fingerprints."),
    ("Press MENU, then select Setup > Comms.", "Press MENU, then select Setup > Comms."),
    ("Menu → Setup → Comms", "Menu → Setup → Comms"),
    ("Tap More options > Delete.", "Tap More options > Delete."),
    ("Settings > Display > Screen timeout.", "Settings > Display > Screen timeout."),
    ("Network > Wi-Fi > Advanced: set the channel.", "Network > Wi-Fi > Advanced: set the channel."),
    ("From a Home screen, tap Apps > Settings.", "From a Home screen, tap Apps > Settings."),
    # The TV manual's text lost its arrows: the path alone, without the link text and the sentence after it.
    ("Settings General Accessibility Caption Settings Try Now Set Caption to watch programs",
     "Settings General Accessibility Caption Settings"),
    ("Settings Support Self Diagnosis Reset Settings Support Self Diagnosis Reset Smart Hub",
     "Settings Support Self Diagnosis Reset"),
])
def test_navigation_lines_are_recognised(sentence, nav):
    assert navigation.navigation(sentence) == nav


@pytest.mark.parametrize("sentence", [
    "Settings You can change the voice responses of the assistant.",
    "It's configured in OctoPrint via a web browser under: Settings->GCODE Scripts",
    "In this case, select the other channel.",
    "Press POWER to turn the terminal off.",
    "Wake on touch: Wake the terminal by just touching the screen.",
    "Heat the bed to > 60 C before printing.",
    # Comparisons and ordinary sentences that begin like a path.
    "If VIN > VOUT, the regulator stops.",
    "Supply Voltage > Rated Voltage will damage the drive.",
    "From time to time, open the drain valve.",
    "From the factory, select models ship with the filter fitted.",
])
def test_other_sentences_are_not_navigation(sentence):
    assert navigation.navigation(sentence) is None


@pytest.fixture
def library(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "terminal.md").write_text(PANEL, encoding="utf-8")
    assert not ingest.run(session.db, session.embedder, [docs]).failed
    return session


def _retrieved(s, q):
    events = ask(s.db, s.embedder, s.chat, q, s.settings)
    first = next(events)
    events.close()
    return first


def test_the_direct_answer_shows_where_the_option_is(library):
    """The option line answers; the section's "From Settings, tap ..." line comes before it,
    verbatim, on a line of its own, and the option's own line is unchanged."""
    ev = _retrieved(library, "How do I wake the terminal by just touching the screen?")
    d = ev.direct
    assert d is not None
    nav, unit = d.text.split("\n")
    assert nav == "From Settings, tap Display > Screen saver."
    line = "Wake on touch: Wake the terminal by just touching the screen."
    assert unit.endswith(line) and nav not in unit
    # The viewer finds both lines in the cited passage (it highlights each line it finds).
    passage = next(p for p in ev.passages if p.chunk_id == d.chunk_id)
    found = [passage.text[a:b] for a, b in viewer.locate(passage.text, d.text)]
    # (a range ends at its last letter or digit: the full stop is not part of it)
    assert any(nav.rstrip(".") in x for x in found) and any(line.rstrip(".") in x for x in found)
    assert passage.text.index(nav) < passage.text.index(line)  # in the manual's order


def test_a_section_without_a_path_line_keeps_its_line_alone(library):
    d = _retrieved(library, "What should I wipe the screen with, and may I spray cleaner on it?").direct
    assert d is not None and "\n" not in d.text and "dry cloth" in d.text


def test_the_path_of_another_section_is_not_shown(library):
    """The channel plan's own path, not the screen saver's above it in the manual."""
    d = _retrieved(library, "What channel spacing can I set?").direct
    assert d is not None and d.text.startswith("Press MENU, then select Setup > Radio > Channel plan.\n")
    assert "Screen saver" not in d.text


def test_the_model_reads_the_path_within_the_prompt_cap(library, monkeypatch):
    """Through ask(): the prompt the real model reads, capped as on a slow device, leads with the
    direct answer and its path line."""
    s = library
    s.settings.max_answer_tokens = 8
    s.settings.max_prompt_tokens = 300
    chat = s.chat()
    prompts = record_prompts(monkeypatch, chat)
    events = list(ask(s.db, s.embedder, lambda: chat, "How do I wake the terminal by just touching the screen?",
                      s.settings))
    (prompt,) = prompts
    d = events[0].direct
    assert d.text.startswith("From Settings, tap Display > Screen saver.\n")
    assert prompt.index(f"The manual says [{d.n}]: {' '.join(d.text.split())}") < prompt.index("Passage [1]:")
    assert events[-1].answer.timings["prompt_tokens"] <= 300


def _chunk(text: str, ord_: int, section: str = "Radio > Channel plan", manual_id: int = 5) -> Passage:
    return Passage(200 + ord_, "Field terminal user guide", "/m/t.pdf", 12, section, text, 1.0,
                   manual_id=manual_id, ord=ord_)


FIRST = ("Channel plans group the channels of one site.\n\nPress MENU, then select Setup > Radio > Channel plan.\n\n"
         "Plan name: Name the channel plan.")
SECOND = "Scan list: Choose the channels the terminal scans for traffic.\n\nPriority: Set the channel scanned first."


def test_the_path_in_the_section_s_previous_chunk_comes_along_when_it_was_retrieved():
    """The chunker cut the section after its path line: the option in the next chunk still gets it,
    from the previous chunk of the same section (retrieved too), not from another section's chunk."""
    q = "Which channels does the terminal scan for traffic?"
    d = find(q, [_chunk(SECOND, 8), _chunk(FIRST, 7)])
    assert d is not None and d.chunk_id == 208
    assert d.text == ("Press MENU, then select Setup > Radio > Channel plan.\n"
                      "Scan list: Choose the channels the terminal scans for traffic.")
    for other in (_chunk(FIRST, 6), _chunk(FIRST, 7, section="Radio > Talk groups"), _chunk(FIRST, 7, manual_id=6)):
        d = find(q, [_chunk(SECOND, 8), other])
        assert d is not None and "\n" not in d.text and d.text.startswith("Scan list:")
