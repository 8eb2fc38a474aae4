"""Procedure extraction against procedures picked by hand (issue 14).

    .venv/bin/python bench/procedure_extraction.py [DEVDATA] [--devset bench/devsets/procedures.json] [--show]

The dev set (`bench/devsets/procedures.json`) holds 30 procedures read by hand from the demo
library (resources/demo), the Klipper docs (Markdown), the Samsung Galaxy S10 e-manual (E-Manual
QA: its sections' own HTML, written out as one HTML manual) and MyFixit repair guides (their steps
typeset as a PDF manual here, one guide per chapter, so steps wrap and run over page breaks as
in a printed manual). For each: the manual, its title, the first words of every step and
whether its section carries a warning.

Scores:
- found: a procedure with that title was extracted;
- steps right: every expected step starts one extracted step, in order, and there is no extra step;
- warnings: for procedures whose section has a warning, the procedure carries it (`warnings`
  or a step's `warning`); for the others, none is invented.

Also printed: the time extraction takes beside the time parsing the same manuals takes (the peer
measured in the same run): extraction runs inside every ingest.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import DEFAULT_DEVDATA, PROJECT_ROOT, banner, loadavg, table  # noqa: E402

DEVSET = PROJECT_ROOT / "bench" / "devsets" / "procedures.json"


def write_myfixit_pdf(src: Path, guide_ids: list[int], out: Path) -> Path:
    """The chosen MyFixit guides typeset as one PDF manual: a chapter heading per guide, its tools,
    then its steps numbered 1..n (body text wraps; steps run over page breaks)."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    wanted = set(guide_ids)
    guides: dict[int, dict] = {}
    for name in ("Appliance.json", "Vehicle.json", "Car and Truck.json"):
        with open(src / name, encoding="utf-8") as fh:
            for line in fh:
                g = json.loads(line)
                if g["Guidid"] in wanted:
                    guides[g["Guidid"]] = g
    ss = getSampleStyleSheet()
    story = []
    for n, gid in enumerate(guide_ids, 1):
        g = guides[gid]
        story.append(Paragraph(html.escape(f"{n} {g['Title']}"), ss["Heading1"]))
        tools = ", ".join(t["Name"] for t in g.get("Toolbox", []))
        if tools:
            story.append(Paragraph(html.escape(f"Tools: {tools}."), ss["BodyText"]))
        for i, step in enumerate(g["Steps"], 1):
            story.append(Paragraph(html.escape(f"{i}. {' '.join(step['Text_raw'].split())}"), ss["BodyText"]))
        story.append(Spacer(1, 12))
    doc = SimpleDocTemplate(str(out), pagesize=A5, title="MyFixit repair guides")
    doc.build(story)
    return out


def write_emanual_html(src: Path, out: Path) -> Path:
    """The Galaxy S10 e-manual's sections, in order, each with its own HTML, as one page."""
    s10 = json.loads((src / "s10_manual_corpus.json").read_text(encoding="utf-8"))
    body = "\n".join("\n".join(sec.get("html") or []) for sec in s10.values())
    out.write_text(f"<html><head><title>Samsung Galaxy S10 User Manual</title></head><body>{body}</body></html>",
                   encoding="utf-8")
    return out


def manual_files(devdata: Path, devset: dict, work: Path) -> dict[str, Path]:
    files = {
        "p200": PROJECT_ROOT / "resources" / "demo" / "p200-pump-service-manual.pdf",
        "ups3000": PROJECT_ROOT / "resources" / "demo" / "ups-3000-user-guide.md",
        "s10": write_emanual_html(devdata / "emanualqa", work / "s10.html"),
        "myfixit": write_myfixit_pdf(devdata / "myfixit", devset["myfixit_guides"], work / "myfixit.pdf"),
    }
    for name in {p["manual"] for p in devset["procedures"] if p["manual"].startswith("klipper/")}:
        files[name] = devdata / "klipper" / "docs" / name.split("/", 1)[1]
    return files


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def score(expected: dict, procs: list) -> dict:
    want_title = _norm(expected["title"])
    # Same title first; else a title that holds the expected one ("8.3 Replacing ..." for "Replacing ...").
    cands = [p for p in procs if _norm(p.title) == want_title] or [p for p in procs if want_title in _norm(p.title)]
    starts = [_norm(s) for s in expected["steps"]]
    # Of the procedures with that title, the one whose first step is the expected first step.
    best = next((p for p in cands if p.steps and _norm(p.steps[0].text).startswith(starts[0])), cands[0] if cands else None)
    out = {"found": best is not None, "steps_ok": False, "warn_ok": False, "got_steps": 0, "note": ""}
    if best is None:
        out["note"] = "not found"
        out["warn_ok"] = not expected["warning"]
        return out
    got = [_norm(s.text) for s in best.steps]
    out["got_steps"] = len(got)
    out["steps_ok"] = len(got) == len(starts) and all(g.startswith(s) for g, s in zip(got, starts, strict=True))
    if not out["steps_ok"]:
        bad = next((i for i, (g, s) in enumerate(zip(got, starts, strict=False)) if not g.startswith(s)), None)
        out["note"] = (f"step {bad + 1}: {got[bad][:40]!r}" if bad is not None
                       else f"{len(got)} steps, expected {len(starts)}")
    has_warning = bool(best.warnings) or any(s.warning for s in best.steps)
    out["warn_ok"] = has_warning == expected["warning"]
    if not out["warn_ok"]:
        out["note"] = (out["note"] + "; " if out["note"] else "") + ("warning missing" if expected["warning"]
                                                                      else "warning invented")
    return out


def heldout_myfixit(src: Path, skip: set[int], n: int, work: Path) -> tuple[int, int, int]:
    """Guides the dev set does not use (the first `n` in file order with 2-12 steps), typeset the
    same way and scored automatically against the guides' own step lists: a check that the
    figures above do not only hold for the procedures looked at while building extraction.
    Returns (guides, found, steps right)."""
    from assistant.library.parse import parse
    from assistant.procedures.extract import extract

    picked: list[dict] = []
    names = ("Appliance.json", "Vehicle.json", "Car and Truck.json")
    for k, name in enumerate(names):
        want = n * (k + 1) // len(names)  # a third from each file
        with open(src / name, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if len(picked) >= want:
                    break
                g = json.loads(line)
                if i % 7 == 3 and g["Guidid"] not in skip and 2 <= len(g["Steps"]) <= 12 \
                        and all(st["Text_raw"].strip() for st in g["Steps"]):
                    picked.append(g)
    pdf = write_myfixit_pdf(src, [g["Guidid"] for g in picked], work / "heldout.pdf")
    procs = extract(parse(pdf))
    found = right = 0
    for g in picked:
        exp = {"title": g["Title"], "warning": False,
               "steps": [" ".join(re.findall(r"\w[\w'-]*", st["Text_raw"])[:3]) for st in g["Steps"]]}
        r = score(exp, procs)
        found += r["found"]
        right += r["steps_ok"]
    return len(picked), found, right


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--devset", type=Path, default=DEVSET)
    ap.add_argument("--show", action="store_true", help="list every procedure extracted from each manual")
    ap.add_argument("--heldout", type=int, default=60, metavar="N",
                    help="also score N MyFixit guides outside the dev set automatically (0: skip)")
    args = ap.parse_args()

    from assistant.library.parse import parse
    from assistant.procedures.extract import extract

    devset = json.loads(args.devset.read_text(encoding="utf-8"))
    banner("Procedure extraction (issue 14)")
    with tempfile.TemporaryDirectory(prefix="fa-bench-proc-") as tmp:
        files = manual_files(args.devdata.resolve(), devset, Path(tmp))
        extracted: dict[str, list] = {}
        parse_s = extract_s = 0.0
        for name, path in files.items():
            t0 = time.perf_counter()
            doc = parse(path)
            t1 = time.perf_counter()
            extracted[name] = extract(doc)
            t2 = time.perf_counter()
            parse_s += t1 - t0
            extract_s += t2 - t1
            if args.show:
                print(f"\n{name}:")
                for p in extracted[name]:
                    print(f"  {p.title[:70]!r} ({len(p.steps)} steps, {len(p.warnings)} warnings)")

        heldout = heldout_myfixit(args.devdata.resolve() / "myfixit", set(devset["myfixit_guides"]), args.heldout,
                                  Path(tmp)) if args.heldout else None

    rows, results = [], []
    for exp in devset["procedures"]:
        r = score(exp, extracted[exp["manual"]])
        results.append((exp, r))
        rows.append([exp["manual"], exp["title"][:44], len(exp["steps"]), r["got_steps"],
                     "yes" if r["found"] else "NO", "yes" if r["steps_ok"] else "NO",
                     ("yes" if r["warn_ok"] else "NO") + (" (W)" if exp["warning"] else ""), r["note"][:48]])
    print()
    print(table(["manual", "procedure", "steps", "got", "found", "steps right", "warning ok", "note"], rows))
    n = len(results)
    found = sum(r["found"] for _, r in results)
    steps_ok = sum(r["steps_ok"] for _, r in results)
    with_w = [r for e, r in results if e["warning"]]
    without_w = [r for e, r in results if not e["warning"]]
    print(f"\nprocedures found:          {found}/{n} ({100 * found / n:.0f} %)")
    print(f"step boundaries right:     {steps_ok}/{n} ({100 * steps_ok / n:.0f} %)   target >= 90 %")
    print(f"warnings attached:         {sum(r['warn_ok'] for r in with_w)}/{len(with_w)} of the procedures whose "
          f"section has one   target: all")
    print(f"no warning invented:       {sum(r['warn_ok'] for r in without_w)}/{len(without_w)}")
    if heldout:
        g, f, r = heldout
        print(f"held-out MyFixit guides:   found {f}/{g} ({100 * f / g:.0f} %), steps right {r}/{g} ({100 * r / g:.0f} %)")
    print(f"extraction time / parse time of the same {len(files)} manuals: {extract_s / parse_s:.3f} "
          f"({extract_s * 1000:.0f} ms / {parse_s * 1000:.0f} ms); {loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
