"""The spec-row dev sets (bench/devsets/spec_values.json, and spec_values_fresh.json,
spec_values_fresh2.json, spec_values_fresh3.json, spec_values_fresh4.json, spec_values_fresh5.json,
spec_values_fresh6.json, spec_values_fresh7.json, spec_values_fresh8.json, spec_values_fresh9.json,
spec_values_fresh10.json, spec_values_fresh11.json, spec_values_fresh12.json, spec_values_fresh13.json,
spec_values_fresh14.json, spec_values_fresh15.json, spec_values_fresh16.json, spec_values_fresh17.json,
spec_values_fresh18.json, spec_values_fresh19.json, spec_values_fresh20.json, spec_values_fresh21.json and
spec_values_fresh22.json, 20 questions each that nobody tunes on) keep their shape: the benchmark that reads them (bench/spec_rows.py) runs on demand, so a broken entry would otherwise go
unnoticed until then. Only the files are read here; their rows are checked in their sources by bench/spec_tables.py."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_models

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "bench" / "devsets" / "spec_values.json"
FRESH = ROOT / "bench" / "devsets" / "spec_values_fresh.json"
FRESH2 = ROOT / "bench" / "devsets" / "spec_values_fresh2.json"
FRESH3 = ROOT / "bench" / "devsets" / "spec_values_fresh3.json"
FRESH4 = ROOT / "bench" / "devsets" / "spec_values_fresh4.json"
FRESH5 = ROOT / "bench" / "devsets" / "spec_values_fresh5.json"
FRESH6 = ROOT / "bench" / "devsets" / "spec_values_fresh6.json"
FRESH7 = ROOT / "bench" / "devsets" / "spec_values_fresh7.json"
FRESH8 = ROOT / "bench" / "devsets" / "spec_values_fresh8.json"
FRESH9 = ROOT / "bench" / "devsets" / "spec_values_fresh9.json"
FRESH10 = ROOT / "bench" / "devsets" / "spec_values_fresh10.json"
FRESH11 = ROOT / "bench" / "devsets" / "spec_values_fresh11.json"
FRESH12 = ROOT / "bench" / "devsets" / "spec_values_fresh12.json"
FRESH13 = ROOT / "bench" / "devsets" / "spec_values_fresh13.json"
FRESH14 = ROOT / "bench" / "devsets" / "spec_values_fresh14.json"
FRESH15 = ROOT / "bench" / "devsets" / "spec_values_fresh15.json"
FRESH16 = ROOT / "bench" / "devsets" / "spec_values_fresh16.json"
FRESH17 = ROOT / "bench" / "devsets" / "spec_values_fresh17.json"
FRESH18 = ROOT / "bench" / "devsets" / "spec_values_fresh18.json"
FRESH19 = ROOT / "bench" / "devsets" / "spec_values_fresh19.json"
FRESH20 = ROOT / "bench" / "devsets" / "spec_values_fresh20.json"
FRESH21 = ROOT / "bench" / "devsets" / "spec_values_fresh21.json"
FRESH22 = ROOT / "bench" / "devsets" / "spec_values_fresh22.json"
DEBIAN_MANIFEST = ROOT / "bench" / "devsets" / "debian_manuals.json"
DEVDATA = ROOT.parent / "shared" / "devdata"  # evaluation data beside the checkout, when present
RESERVED = ("nut", "linuxcnc", "expeyes", "apcupsd", "hackrf")
FIELDS = {"id", "kind", "form", "paraphrased", "question", "manual", "row_contains", "half"}


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return json.loads(DEVSET.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh() -> list[dict]:
    return json.loads(FRESH.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh2() -> list[dict]:
    return json.loads(FRESH2.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh3() -> list[dict]:
    return json.loads(FRESH3.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh4() -> list[dict]:
    return json.loads(FRESH4.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh5() -> list[dict]:
    return json.loads(FRESH5.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh6() -> list[dict]:
    return json.loads(FRESH6.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh7() -> list[dict]:
    return json.loads(FRESH7.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh8() -> list[dict]:
    return json.loads(FRESH8.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh9() -> list[dict]:
    return json.loads(FRESH9.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh10() -> list[dict]:
    return json.loads(FRESH10.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh11() -> list[dict]:
    return json.loads(FRESH11.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh12() -> list[dict]:
    return json.loads(FRESH12.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh13() -> list[dict]:
    return json.loads(FRESH13.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh14() -> list[dict]:
    return json.loads(FRESH14.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh15() -> list[dict]:
    return json.loads(FRESH15.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh16() -> list[dict]:
    return json.loads(FRESH16.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh17() -> list[dict]:
    return json.loads(FRESH17.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh18() -> list[dict]:
    return json.loads(FRESH18.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh19() -> list[dict]:
    return json.loads(FRESH19.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh20() -> list[dict]:
    return json.loads(FRESH20.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh21() -> list[dict]:
    return json.loads(FRESH21.read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def fresh22() -> list[dict]:
    return json.loads(FRESH22.read_text(encoding="utf-8"))["questions"]


def source(manual: str) -> str:
    """The unit the halves are balanced over: each demo manual, the Klipper docs, the Debian docs."""
    root, _, rel = manual.partition("/")
    return rel if root == "demo" else root


def test_sixty_value_questions_with_unique_ids_and_every_field(questions):
    assert len(questions) == 60
    check_fields(questions)


def check_fields(questions: list[dict]) -> None:
    ids = [q["id"] for q in questions]
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    for q in questions:
        assert FIELDS <= q.keys(), (q["id"], FIELDS - q.keys())
        assert q["kind"] == "value"
        assert q["form"] in ("thing_quantity", "value_lookup"), q["id"]
        assert isinstance(q["paraphrased"], bool)
        assert q["question"].strip().endswith("?"), q["id"]
        assert 2 <= len(q["row_contains"]) <= 3 and all(s.strip() for s in q["row_contains"]), q["id"]
        # a PDF row is located by its page, an HTML or Markdown row by its section heading
        if q["manual"].endswith(".pdf"):
            assert isinstance(q.get("page"), int) and q["page"] >= 1, q["id"]
        else:
            assert q.get("section"), q["id"]


def test_halves_are_twenty_each_and_tune_and_report_balanced_within_each_source(questions):
    assert Counter(q["half"] for q in questions) == {"tune": 20, "report": 20, "heldout": 20}
    per_source = Counter((source(q["manual"]), q["half"]) for q in questions)
    for src in {source(q["manual"]) for q in questions}:
        assert abs(per_source[(src, "tune")] - per_source[(src, "report")]) <= 1, src
    for form in ("thing_quantity", "value_lookup"):
        by_half = Counter(q["half"] for q in questions if q["form"] == form)
        assert abs(by_half["tune"] - by_half["report"]) <= 2, form


def test_every_manual_exists_and_none_is_reserved(questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7,
                                                  fresh8, fresh9, fresh10, fresh11, fresh12, fresh13, fresh14, fresh15,
                                                  fresh16, fresh17, fresh18, fresh19, fresh20, fresh21, fresh22):
    debian = {e["file"]: e for e in json.loads(DEBIAN_MANIFEST.read_text(encoding="utf-8"))["manuals"]}
    for q in (questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9 + fresh10
              + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16 + fresh17 + fresh18 + fresh19 + fresh20
              + fresh21 + fresh22):
        root, _, rel = q["manual"].partition("/")
        assert not any(name in q["manual"].lower() for name in RESERVED), q["id"]
        if root == "demo":
            assert (ROOT / "resources" / "demo" / rel).is_file(), q["manual"]
        elif root == "debian":
            # fetched by bench/devset_debian.py from the package its manifest names
            assert rel in debian, q["manual"]
            assert not any(name in debian[rel]["package"].lower() for name in RESERVED), q["manual"]
        else:
            assert root == "devdata", q["manual"]
            if DEVDATA.is_dir():  # a clone without ../shared has no evaluation data
                assert (DEVDATA / rel).is_file(), q["manual"]


def test_heldout_half_has_the_sets_mix_and_its_own_rows(questions):
    """The held-out half was written after the tuning, in the set's forms and mix, and asks for
    rows the tune and report halves do not: a row seen during tuning is not held out. Two
    questions on one row would name the same cell, so no held-out question shares a
    row_contains string with a tune or report question at the same page or section."""
    held = [q for q in questions if q["half"] == "heldout"]
    assert all(q["id"].startswith("ho-") for q in held)
    forms = Counter(q["form"] for q in held)
    assert forms["thing_quantity"] >= 10 and forms["value_lookup"] >= 6, forms
    tq = [q for q in held if q["form"] == "thing_quantity"]
    assert 2 * sum(q["paraphrased"] for q in tq) >= len(tq)
    assert sum(q["manual"].startswith("demo/") for q in held) <= 8

    def cells(q: dict) -> set[tuple]:
        where = q["manual"], q.get("page") or q.get("section")
        return {(*where, s.strip().lower()) for s in q["row_contains"]}

    seen = set().union(*(cells(q) for q in questions if q["half"] != "heldout"))
    assert not [(q["id"], cells(q) & seen) for q in held if cells(q) & seen]


def test_fresh_set_is_twenty_in_the_sets_mix_on_rows_nobody_asked_before(questions, fresh):
    """The fresh file: 20 questions of its own half, in the main set's forms and mix, spread over
    manuals (at most 5 from one, at most 6 from the demo library), none on a row a question of
    spec_values.json already names (same rule as the held-out half's)."""
    assert len(fresh) == 20
    check_fields(fresh)
    assert not {q["id"] for q in fresh} & {q["id"] for q in questions}
    assert all(q["half"] == "fresh" and q["id"].startswith("fr-") for q in fresh)
    forms = Counter(q["form"] for q in fresh)
    assert forms["thing_quantity"] >= 10 and forms["value_lookup"] >= 6, forms
    tq = [q for q in fresh if q["form"] == "thing_quantity"]
    assert 2 * sum(q["paraphrased"] for q in tq) >= len(tq)
    assert sum(q["manual"].startswith("demo/") for q in fresh) <= 6
    assert max(Counter(q["manual"] for q in fresh).values()) <= 5

    def cells(q: dict) -> set[tuple]:
        where = q["manual"], q.get("page") or q.get("section")
        return {(*where, s.strip().lower()) for s in q["row_contains"]}

    seen = set().union(*(cells(q) for q in questions))
    assert not [(q["id"], cells(q) & seen) for q in fresh if cells(q) & seen]


def test_second_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(questions, fresh, fresh2):
    """The second fresh file: 20 questions of its own half, in the main set's forms and mix, at
    most 5 from one manual, PDF and HTML or Markdown both, and on manuals neither earlier file
    uses, but for at most 3 demo-library questions, on rows no earlier question names."""
    assert len(fresh2) == 20
    check_fields(fresh2)
    assert not {q["id"] for q in fresh2} & {q["id"] for q in questions + fresh}
    assert all(q["half"] == "fresh2" and q["id"].startswith("f2-") for q in fresh2)
    forms = Counter(q["form"] for q in fresh2)
    assert forms["thing_quantity"] >= 10 and forms["value_lookup"] >= 6, forms
    tq = [q for q in fresh2 if q["form"] == "thing_quantity"]
    assert 2 * sum(q["paraphrased"] for q in tq) >= len(tq)
    assert max(Counter(q["manual"] for q in fresh2).values()) <= 5
    assert any(q["manual"].endswith(".pdf") for q in fresh2)
    assert any(q["manual"].endswith((".html", ".md")) for q in fresh2)
    demo = [q for q in fresh2 if q["manual"].startswith("demo/")]
    assert len(demo) <= 3
    earlier = {q["manual"] for q in questions + fresh}
    assert not [q["id"] for q in fresh2 if q not in demo and q["manual"] in earlier]

    def cells(q: dict) -> set[tuple]:
        where = q["manual"], q.get("page") or q.get("section")
        return {(*where, s.strip().lower()) for s in q["row_contains"]}

    seen = set().union(*(cells(q) for q in questions + fresh))
    assert not [(q["id"], cells(q) & seen) for q in fresh2 if cells(q) & seen]


def test_third_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(questions, fresh, fresh2, fresh3):
    """The third fresh file: 20 questions of its own half, in the main set's forms and mix, at
    most 5 from one manual, PDF and HTML or Markdown both, and on manuals none of the three
    earlier files uses, but for at most 2 demo-library questions, on rows no earlier question
    names."""
    assert len(fresh3) == 20
    check_fields(fresh3)
    assert not {q["id"] for q in fresh3} & {q["id"] for q in questions + fresh + fresh2}
    assert all(q["half"] == "fresh3" and q["id"].startswith("f3-") for q in fresh3)
    forms = Counter(q["form"] for q in fresh3)
    assert forms["thing_quantity"] >= 10 and forms["value_lookup"] >= 6, forms
    tq = [q for q in fresh3 if q["form"] == "thing_quantity"]
    assert 2 * sum(q["paraphrased"] for q in tq) >= len(tq)
    assert max(Counter(q["manual"] for q in fresh3).values()) <= 5
    assert any(q["manual"].endswith(".pdf") for q in fresh3)
    assert any(q["manual"].endswith((".html", ".md")) for q in fresh3)
    demo = [q for q in fresh3 if q["manual"].startswith("demo/")]
    assert len(demo) <= 2
    earlier = {q["manual"] for q in questions + fresh + fresh2}
    assert not [q["id"] for q in fresh3 if q not in demo and q["manual"] in earlier]

    def cells(q: dict) -> set[tuple]:
        where = q["manual"], q.get("page") or q.get("section")
        return {(*where, s.strip().lower()) for s in q["row_contains"]}

    seen = set().union(*(cells(q) for q in questions + fresh + fresh2))
    assert not [(q["id"], cells(q) & seen) for q in fresh3 if cells(q) & seen]


def check_fresh_file(new: list[dict], earlier_qs: list[dict], half: str, min_pdf: int, max_demo: int) -> None:
    """A fresh file written blind: 20 questions of its own half (ids `f<n>-`), in the main set's
    forms and mix, at most 5 from one manual, at least `min_pdf` from a PDF and some from HTML or
    Markdown, on manuals no earlier file uses but for at most `max_demo` demo-library questions,
    on rows no earlier question names."""
    assert len(new) == 20
    check_fields(new)
    assert not {q["id"] for q in new} & {q["id"] for q in earlier_qs}
    prefix = "f" + half.removeprefix("fresh") + "-"
    assert all(q["half"] == half and q["id"].startswith(prefix) for q in new)
    forms = Counter(q["form"] for q in new)
    assert forms["thing_quantity"] >= 10 and forms["value_lookup"] >= 6, forms
    tq = [q for q in new if q["form"] == "thing_quantity"]
    assert 2 * sum(q["paraphrased"] for q in tq) >= len(tq)
    assert max(Counter(q["manual"] for q in new).values()) <= 5
    assert sum(q["manual"].endswith(".pdf") for q in new) >= min_pdf
    assert any(q["manual"].endswith((".html", ".md")) for q in new)
    demo = [q for q in new if q["manual"].startswith("demo/")]
    assert len(demo) <= max_demo
    earlier = {q["manual"] for q in earlier_qs}
    assert not [q["id"] for q in new if q not in demo and q["manual"] in earlier]

    def cells(q: dict) -> set[tuple]:
        where = q["manual"], q.get("page") or q.get("section")
        return {(*where, s.strip().lower()) for s in q["row_contains"]}

    seen = set().union(*(cells(q) for q in earlier_qs))
    assert not [(q["id"], cells(q) & seen) for q in new if cells(q) & seen]


def test_fourth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4):
    """The fourth fresh file: at least 3 PDF questions, at most 2 from the demo library."""
    check_fresh_file(fresh4, questions + fresh + fresh2 + fresh3, "fresh4", min_pdf=3, max_demo=2)


def test_fifth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5):
    """The fifth fresh file: at least 3 PDF questions, at most 2 from the demo library."""
    check_fresh_file(fresh5, questions + fresh + fresh2 + fresh3 + fresh4, "fresh5", min_pdf=3, max_demo=2)


def test_sixth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6):
    """The sixth fresh file: no demo-library question. All HTML: no PDF of the Debian doc packages
    tried gave table rows not already asked (see the file's "about")."""
    check_fresh_file(fresh6, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5, "fresh6", min_pdf=0, max_demo=0)


def test_seventh_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7):
    """The seventh fresh file: at least 4 PDF questions (the MCU 8051 IDE handbook), no
    demo-library question."""
    check_fresh_file(fresh7, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6, "fresh7",
                     min_pdf=4, max_demo=0)


def test_eighth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8):
    """The eighth fresh file: at least 4 PDF questions (the Gutenprint user's manual), no
    demo-library question."""
    check_fresh_file(fresh8, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7, "fresh8",
                     min_pdf=4, max_demo=0)


def test_ninth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9):
    """The ninth fresh file: at least 4 PDF questions (the Gpredict user manual), no
    demo-library question."""
    check_fresh_file(fresh9, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8,
                     "fresh9", min_pdf=4, max_demo=0)


def test_tenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10):
    """The tenth fresh file: no demo-library question. All HTML, as the sixth: no unused PDF of the
    Debian doc packages tried gave pdfplumber table rows (see the file's "about")."""
    check_fresh_file(fresh10, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9,
                     "fresh10", min_pdf=0, max_demo=0)


def test_eleventh_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11):
    """The eleventh fresh file: at least 4 PDF questions (the Bacula main manual), no
    demo-library question."""
    check_fresh_file(fresh11, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10, "fresh11", min_pdf=4, max_demo=0)


def test_twelfth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12):
    """The twelfth fresh file: no demo-library question. All HTML, as the sixth and tenth: no unused PDF of the
    Debian doc packages tried gave pdfplumber table rows of equipment (see the file's "about")."""
    check_fresh_file(fresh12, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11, "fresh12", min_pdf=0, max_demo=0)


def test_thirteenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13):
    """The thirteenth fresh file: at least 3 PDF questions (the w1retap manual), no demo-library question."""
    check_fresh_file(fresh13, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12, "fresh13", min_pdf=3, max_demo=0)


def test_fourteenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14):
    """The fourteenth fresh file: no demo-library question. All HTML, as the sixth, tenth and twelfth: none of
    its four packages ships a PDF with equipment tables (see the file's "about")."""
    check_fresh_file(fresh14, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13, "fresh14", min_pdf=0, max_demo=0)


def test_fifteenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15):
    """The fifteenth fresh file: at least 5 PDF questions (SIMH's card-reader note), no demo-library question."""
    check_fresh_file(fresh15, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14, "fresh15", min_pdf=5, max_demo=0)


def test_sixteenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16):
    """The sixteenth fresh file: no demo-library question. All HTML: none of its three packages (frr-doc,
    openvswitch-doc, wireshark-doc) ships a PDF."""
    check_fresh_file(fresh16, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15, "fresh16", min_pdf=0, max_demo=0)


def test_seventeenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16, fresh17):
    """The seventeenth fresh file: no demo-library question. All HTML: the two PDFs of the packages tried (gpsim-doc's
    manual, yosys-doc's manual) give pdfplumber no table rows worth asking, and motion, haproxy-doc and linux-doc-6.1
    ship none."""
    check_fresh_file(fresh17, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16, "fresh17", min_pdf=0,
                     max_demo=0)


def test_eighteenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16, fresh17, fresh18):
    """The eighteenth fresh file: no demo-library question. All HTML: none of the packages looked at ships a PDF with
    tables (direwolf, rtklib, gputils and owfs-doc ship no manual, python-pymodbus-doc and gammu-doc only API pages),
    and smstools and linux-doc-6.1 ship none."""
    check_fresh_file(fresh18, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16 + fresh17, "fresh18", min_pdf=0,
                     max_demo=0)


def test_nineteenth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16, fresh17, fresh18, fresh19):
    """The nineteenth fresh file: no demo-library question, at least 3 PDF questions (the AltairZ80 manual of SIMH;
    no other package looked at ships a PDF whose tables a table reader finds)."""
    check_fresh_file(fresh19, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16 + fresh17 + fresh18, "fresh19",
                     min_pdf=3, max_demo=0)


def test_twentieth_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16, fresh17, fresh18, fresh19, fresh20):
    """The twentieth fresh file: no demo-library question, at least 4 PDF questions (two SIMH papers: the DEC 18-bit
    computers' comparison table and the magtape error matrix; no other package looked at ships a PDF whose tables a
    table reader finds)."""
    check_fresh_file(fresh20, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16 + fresh17 + fresh18 + fresh19,
                     "fresh20", min_pdf=4, max_demo=0)


def test_twenty_first_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16, fresh17, fresh18, fresh19, fresh20, fresh21):
    """The twenty-first fresh file: no demo-library question, at least 2 PDF questions (UHD's reference manual: the
    USRP device arguments table; no other PDF looked at, the unused SIMH manuals among them, gives a table a table
    reader finds)."""
    check_fresh_file(fresh21, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16 + fresh17 + fresh18 + fresh19
                     + fresh20, "fresh21", min_pdf=2, max_demo=0)


def test_twenty_second_fresh_set_is_twenty_in_the_sets_mix_on_manuals_nobody_asked_before(
        questions, fresh, fresh2, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9, fresh10, fresh11, fresh12, fresh13,
        fresh14, fresh15, fresh16, fresh17, fresh18, fresh19, fresh20, fresh21, fresh22):
    """The twenty-second fresh file: no demo-library question, at least 2 PDF questions (the Debian 12 installation
    guide: its hardware requirements, RAID levels, task sizes and device names tables; of the other PDFs looked at,
    gpsim's, gputils', BIRD's, Yosys' and Bacula's other manuals among them, none gives a usable table)."""
    check_fresh_file(fresh22, questions + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6 + fresh7 + fresh8 + fresh9
                     + fresh10 + fresh11 + fresh12 + fresh13 + fresh14 + fresh15 + fresh16 + fresh17 + fresh18 + fresh19
                     + fresh20 + fresh21, "fresh22", min_pdf=2, max_demo=0)
