"""A how-to question answered by a later step of a procedure (`assistant.rag.direct._steps_before`),
over real ingested manuals with the real embedding model: the steps before it are shown first, and
when they reach back to the sentence that opens the procedure (what it is for), that sentence too.
Measured on the dev sets' tuning halves (bench/direct_answer.py); the manual here is written for
these tests in the layout of a phone manual's feature sections."""

from __future__ import annotations

import pytest

from tests.core.ask_fixtures import direct_answer
from tests.core.spec_fixtures import ingest_text

# Each feature section: what the feature is for, then the procedure in short steps. "Merge
# duplicates" has three steps before the one that names it: more than are shown before a step.
PHONE = """# Phone user guide

## Contacts

### Link contacts

Consolidate contact information from multiple sources into one contact by linking entries into a
single contact.

From Contacts, tap the contact to select it.

Tap More options > Link to another contact.

### Merge duplicates

Combine contacts that were saved twice under slightly different names.

From Contacts, tap Open drawer.

Tap Manage contacts.

Tap Storage and accounts, and then tap the account to clean up.

Tap More options > Merge duplicates.
"""


@pytest.fixture
def library(session, tmp_path):
    ingest_text(session, tmp_path, "phone.md", PHONE)
    return session


def test_a_later_step_comes_with_the_steps_before_it_and_the_sentence_that_opens_them(library):
    d = direct_answer(library, "How can I link a contact?")
    assert d is not None and d.section.endswith("Link contacts")
    assert d.text == ("Consolidate contact information from multiple sources into one contact by linking entries "
                      "into a single contact. From Contacts, tap the contact to select it. "
                      "Tap More options > Link to another contact.")


def test_the_opening_sentence_is_left_out_when_the_steps_shown_do_not_reach_it(library):
    d = direct_answer(library, "How do I merge duplicates?")
    assert d is not None and d.section.endswith("Merge duplicates")
    assert d.text.endswith("Tap More options > Merge duplicates.")
    assert "Tap Manage contacts." in d.text
    assert "saved twice" not in d.text and "Open drawer" not in d.text
