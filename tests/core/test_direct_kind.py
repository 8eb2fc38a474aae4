"""The direct answer and the kind of answer a question asks for (`assistant.rag.direct`), over real
ingested manuals with the real embedding model: an explanation ("why", "what is/are") rather than
an instruction or a remedy, and an instruction the Smart TV manual glues to a heading. Measured on
the dev sets' tuning halves (bench/direct_answer.py); the manuals here are written for these tests."""

from __future__ import annotations

import pytest

from assistant.library import ingest
from assistant.rag import direct
from tests.core.ask_fixtures import direct_answer

# A PDF's troubleshooting table read row by row with no cell borders: one row's symptom, its
# explanation, then the next row's symptom and its remedy, all in one run of sentences.
TV = """# Television user guide

## Other issues

Use these procedures to resolve other issues that may occur. The problem Try this! The TV is hot.
The TV smells of plastic. This smell is normal and will dissipate over time. The TV is tilted to the
side. Remove the base stand from the TV and reassemble it. The remote control does not work.
"""

# A feature section that describes the feature, then says how to turn it on; the menu path holds
# the feature's name as the question does.
PHONE = """# Phone user guide

## Connections

### NFC and payment

Near Field Communication (NFC) lets your phone exchange data with another device without joining a
network. Card readers and payment apps use this technology. The other device must support NFC and
be within four centimetres of your phone.

From Settings, tap Connections > NFC and payment, and then tap to turn on this feature.

### Printing

Print photos and documents from your phone to a printer on the same Wi-Fi network.
"""

# The Smart TV manual's layout: a heading, a menu path and the sentence run together with no stop,
# and the next item's heading begins with a word that reads as an order ("Set").
HUB = """# Smart hub guide

## Using the home hub app

Monitor and configure the smart devices you have connected to the home hub service. Location list
Press the Select button to see all connected devices or the devices of one location. Sign In Go to
the Account screen to create a new account or sign in to your account. Set Your Scene Devices All
Devices Settings Turn notifications on or off for the connected smart devices.
"""


@pytest.fixture
def library(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tv.md").write_text(TV, encoding="utf-8")
    (docs / "phone.md").write_text(PHONE, encoding="utf-8")
    (docs / "hub.md").write_text(HUB, encoding="utf-8")
    assert not ingest.run(session.db, session.embedder, [docs]).failed
    return session


def test_a_why_question_gets_the_explanation_without_the_next_rows_remedy(library):
    d = direct_answer(library, "Why does the TV smell of plastic?")
    assert d is not None and d.manual == "Television user guide"
    assert "This smell is normal and will dissipate over time." in d.text
    assert "Remove the base stand" not in d.text


def test_a_what_is_question_prefers_the_description_to_the_instruction(library):
    d = direct_answer(library, "What is NFC and payment?")
    assert d is not None and d.manual == "Phone user guide"
    assert not d.text.startswith("From Settings")
    assert "exchange data" in d.text or "four centimetres" in d.text


def test_an_instruction_glued_to_a_heading_is_not_followed_by_a_remedy(library):
    d = direct_answer(library, "How to create a new account in the home hub?")
    assert d is not None and d.manual == "Smart hub guide"
    assert "Go to the Account screen to create a new account" in d.text
    assert "Set Your Scene" not in d.text


@pytest.mark.no_models
def test_which_questions_want_an_explanation_and_which_lines_are_instructions():
    assert direct._wants_explanation("Why the TV smells of plastic?")
    assert direct._wants_explanation("What are the benefits of NFC and payment?")
    assert not direct._wants_explanation("What are the steps to update the software?")
    assert not direct._wants_explanation("Why won't it connect, and how do I fix it?")
    assert direct._is_instruction("Sign In Go to the Account screen to create a new account.")
    assert direct._is_instruction("Check the cable.")
    # a capitalised run followed by a lower-case word is a sentence, not a heading before an order
    assert not direct._is_instruction("The TV Settings to show are chosen here.")
    assert not direct._is_instruction("Notifications to show: Choose which ones.")
