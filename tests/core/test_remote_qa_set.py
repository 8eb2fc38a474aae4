"""The Smart Remote QA set the answer benches read (bench/retrieval_quality.remote_qa_questions):
E-Manual QA's question-answer pairs over the Smart TV manual, less the questions the 50-question TV
file asks. The benches run on demand, so a change that counted a question twice or put the TV
file's questions in again would otherwise go unnoticed; the devdata sits beside the checkout."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMANUAL = ROOT.parent / "shared" / "devdata" / "emanualqa"

pytestmark = pytest.mark.skipif(not (EMANUAL / "smart_remote_QA_salvaged.json").exists(),
                                reason="E-Manual QA devdata not beside the checkout")


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from _common import half_of
        from retrieval_quality import _question_key, remote_qa_questions, write_emanual
    finally:
        sys.path.remove(str(ROOT / "bench"))
    manuals = write_emanual(EMANUAL, tmp_path_factory.mktemp("emanual"))
    qs, unresolved = remote_qa_questions(EMANUAL, manuals, {p: {} for p in manuals})
    return qs, unresolved, _question_key, half_of


def test_no_question_is_counted_twice_or_taken_from_the_tv_file(remote):
    qs, unresolved, key, _half_of = remote
    with open(EMANUAL / "smart_tv_remote_50_questions.csv", newline="", encoding="utf-8") as fh:
        tv = {key(r["question"]) for r in csv.DictReader(fh)}
    keys = [key(q) for _qid, q, _ans, _rel in qs]
    assert len(keys) == len(set(keys)) == 624
    assert not tv & set(keys)
    assert len({qid for qid, *_ in qs}) == len(qs)
    assert all(ans.strip() for _qid, _q, ans, _rel in qs)
    assert len(unresolved) == 1  # "Re-registering and deleting a channel Removing": no such corpus section


def test_both_halves_hold_questions(remote):
    qs, _u, _k, half_of = remote
    halves = [half_of(qid) for qid, *_ in qs]
    assert halves.count("tune") == 300 and halves.count("report") == 324
