"""The spec-row dev sets (devsets/spec_values.json, and devsets/spec_values_fresh.json,
spec_values_fresh2.json, spec_values_fresh3.json, spec_values_fresh4.json, spec_values_fresh5.json,
spec_values_fresh6.json, spec_values_fresh7.json, spec_values_fresh8.json, spec_values_fresh9.json,
spec_values_fresh10.json, spec_values_fresh11.json, spec_values_fresh12.json, spec_values_fresh13.json,
spec_values_fresh14.json, spec_values_fresh15.json, spec_values_fresh16.json, spec_values_fresh17.json,
spec_values_fresh18.json, spec_values_fresh19.json, spec_values_fresh20.json, spec_values_fresh21.json and
spec_values_fresh22.json, 20 questions each that nobody tunes on):
where their manuals are, and their tables as the source shows them, read without the app's
parsers, to check every question's row by hand.

    .venv/bin/python bench/spec_tables.py [DEVDATA]           # check every question's row, every set
    .venv/bin/python bench/spec_tables.py [DEVDATA] --set fresh  # only one set (values | fresh | fresh2 | ... | fresh22)
    .venv/bin/python bench/spec_tables.py [DEVDATA] --dump M  # print the tables of manual M

A manual is named "ROOT/PATH": `demo/` is resources/demo in the checkout (the demo library),
`devdata/` the evaluation data folder (../shared/devdata), `debian/` the manuals of
devsets/debian_manuals.json (its `extra` ones included), unpacked by bench/devset_debian.py into
its cache.

Tables are read with the tools a reader would use, not the app's: pdfplumber's `extract_tables`
on every PDF page, every `<tr>` of every HTML `<table>` (section = the nearest heading before
it), markdown-it-py's GFM tables (section = the nearest heading). A question checks out when
exactly one row of its manual holds every `row_contains` string in its cells, and that row is
on the stated page (PDF) or under the stated section heading (HTML, Markdown).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent
DEVSET = HERE / "devsets" / "spec_values.json"
FRESH = HERE / "devsets" / "spec_values_fresh.json"
FRESH2 = HERE / "devsets" / "spec_values_fresh2.json"
FRESH3 = HERE / "devsets" / "spec_values_fresh3.json"
FRESH4 = HERE / "devsets" / "spec_values_fresh4.json"
FRESH5 = HERE / "devsets" / "spec_values_fresh5.json"
FRESH6 = HERE / "devsets" / "spec_values_fresh6.json"
FRESH7 = HERE / "devsets" / "spec_values_fresh7.json"
FRESH8 = HERE / "devsets" / "spec_values_fresh8.json"
FRESH9 = HERE / "devsets" / "spec_values_fresh9.json"
FRESH10 = HERE / "devsets" / "spec_values_fresh10.json"
FRESH11 = HERE / "devsets" / "spec_values_fresh11.json"
FRESH12 = HERE / "devsets" / "spec_values_fresh12.json"
FRESH13 = HERE / "devsets" / "spec_values_fresh13.json"
FRESH14 = HERE / "devsets" / "spec_values_fresh14.json"
FRESH15 = HERE / "devsets" / "spec_values_fresh15.json"
FRESH16 = HERE / "devsets" / "spec_values_fresh16.json"
FRESH17 = HERE / "devsets" / "spec_values_fresh17.json"
FRESH18 = HERE / "devsets" / "spec_values_fresh18.json"
FRESH19 = HERE / "devsets" / "spec_values_fresh19.json"
FRESH20 = HERE / "devsets" / "spec_values_fresh20.json"
FRESH21 = HERE / "devsets" / "spec_values_fresh21.json"
FRESH22 = HERE / "devsets" / "spec_values_fresh22.json"
SETS = {"values": DEVSET, "fresh": FRESH, "fresh2": FRESH2, "fresh3": FRESH3, "fresh4": FRESH4, "fresh5": FRESH5,
        "fresh6": FRESH6, "fresh7": FRESH7, "fresh8": FRESH8, "fresh9": FRESH9, "fresh10": FRESH10,
        "fresh11": FRESH11, "fresh12": FRESH12, "fresh13": FRESH13, "fresh14": FRESH14,
        "fresh15": FRESH15, "fresh16": FRESH16, "fresh17": FRESH17, "fresh18": FRESH18,
        "fresh19": FRESH19, "fresh20": FRESH20, "fresh21": FRESH21, "fresh22": FRESH22}
DEFAULT_DEVDATA = PROJECT_ROOT.parent / "shared" / "devdata"
RESERVED = ("nut", "linuxcnc", "expeyes", "apcupsd", "hackrf")


@dataclass
class SourceRow:
    manual: str
    page: int | None
    section: str
    headers: list[str]
    cells: list[str]


def load(path: Path = DEVSET) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def squash(text: str) -> str:
    """Compare cell text as a reader would: NFKC, lower case, no whitespace and no zero-width
    characters (a PDF cell wraps its lines anywhere, HTML keeps its indentation)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s\u200b\u00ad]+", "", text)


def holds(cells: list[str], wanted: list[str]) -> bool:
    """Every wanted string is inside one cell of the row."""
    sq = [squash(c) for c in cells]
    return all(any(squash(w) in c for c in sq) for w in wanted)


def resolve(manual: str, devdata: Path = DEFAULT_DEVDATA, fetch_debian: bool = True) -> Path:
    root, _, rel = manual.partition("/")
    if root == "demo":
        return PROJECT_ROOT / "resources" / "demo" / rel
    if root == "devdata":
        return devdata / rel
    if root == "debian":
        sys.path.insert(0, str(HERE))
        import devset_debian

        if not fetch_debian:
            return devset_debian.cache_dir() / "manuals" / rel
        return devset_debian.fetch(extra=True)[rel]
    raise ValueError(f"{manual}: the root must be demo/, devdata/ or debian/")


def _clean(text: str | None) -> str:
    return " ".join((text or "").replace("\u200b", "").split())


def pdf_rows(path: Path, name: str) -> list[SourceRow]:
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for no, page in enumerate(pdf.pages, 1):
            for table in page.extract_tables():
                rows = [[_clean(c) for c in r] for r in table]
                out += [SourceRow(name, no, "", rows[0], r) for r in rows[1:]]
    return out


def html_rows(path: Path, name: str) -> list[SourceRow]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(path.read_bytes().decode("utf-8", errors="replace"))
    out = []
    section = ""
    for node in tree.css("h1, h2, h3, h4, h5, h6, table"):
        if node.tag != "table":
            # Sphinx ends every heading with a permalink anchor whose text is a pilcrow (or,
            # in coreboot's theme, the icon-font link glyph U+F0C1): not part of the heading a
            # reader sees. Newer Sphinx themes write that link as a "#" (python-can's docs): strip
            # the link's own text only, so a heading that really ends in "#" keeps it.
            section = _clean(node.text()).rstrip("\u00b6\uf0c1").rstrip()
            link = node.css_first("a.headerlink")
            if link is not None and link.text() == "#" and section.endswith("#"):
                section = section[:-1].rstrip()
            continue
        rows = [[_clean(c.text()) for c in tr.css("th, td")] for tr in node.css("tr")]
        heads = rows[0] if rows and node.css_first("th") is not None else []
        out += [SourceRow(name, None, section, heads, r) for r in rows[1 if heads else 0:]]
    return out


def md_rows(path: Path, name: str) -> list[SourceRow]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    out = []
    section = ""
    heads: list[str] = []
    row: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            section = _clean(tokens[i + 1].content).strip("# ")
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and i and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(_clean(tok.content.replace("<br>", " ")))
        elif tok.type == "tr_close":
            if tokens[i - 1].type == "th_close":
                heads = row
            else:
                out.append(SourceRow(name, None, section, heads, row))
    return out


def rows_of(manual: str, devdata: Path = DEFAULT_DEVDATA) -> list[SourceRow]:
    path = resolve(manual, devdata)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_rows(path, manual)
    if suffix in (".html", ".htm"):
        return html_rows(path, manual)
    if suffix == ".md":
        return md_rows(path, manual)
    raise ValueError(f"{manual}: no table reader for {suffix}")


def check(devdata: Path, devset: Path = DEVSET, cache: dict[str, list[SourceRow]] | None = None) -> int:
    data = load(devset)
    cache = {} if cache is None else cache
    bad = 0
    print(f"{devset.name}:")
    for q in data["questions"]:
        rows = cache.setdefault(q["manual"], rows_of(q["manual"], devdata))
        hits = [r for r in rows if holds(r.cells, q["row_contains"])]
        problem = None
        if len(hits) != 1:
            problem = f"{len(hits)} rows hold {q['row_contains']}"
            for r in hits[:3]:
                problem += f"\n      p{r.page} {r.section!r}: {r.cells}"
        elif q.get("page") is not None and hits[0].page != q["page"]:
            problem = f"row on page {hits[0].page}, not {q['page']}"
        elif q.get("section") and _clean(q["section"]) != hits[0].section:
            problem = f"row under {hits[0].section!r}, not {q['section']!r}"
        if problem:
            bad += 1
            print(f"{q['id']}: {problem}")
    n = len(data["questions"])
    print(f"{n - bad} of {n} questions check out")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--dump", metavar="MANUAL", help="print the tables of one manual (ROOT/PATH)")
    ap.add_argument("--set", choices=(*SETS, "all"), default="all", help="which dev set to check (default: all of them)")
    args = ap.parse_args()
    if args.dump:
        for r in rows_of(args.dump, args.devdata):
            print(f"p{r.page} {r.section!r}: {r.cells}")
        return 0
    cache: dict[str, list[SourceRow]] = {}
    sets = list(SETS.values()) if args.set == "all" else [SETS[args.set]]
    return max(check(args.devdata, path, cache) for path in sets)


if __name__ == "__main__":
    raise SystemExit(main())
