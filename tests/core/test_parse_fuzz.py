"""Hostile and random files through every parser: no crash but the typed ManualParseError, no hang
past a per-file limit, no memory blow-up (zip bombs in DOCX, deeply nested HTML, a PDF of 100,000
empty pages). Bounded here (`slow`); FA_FUZZ_EXAMPLES raises the count for a longer run.

Each file is parsed in a child process with an address-space limit and a wall-clock limit, so a
hang or a runaway allocation fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("FA_FUZZ_EXAMPLES", "25"))
PER_FILE_S = 60  # far above any honest manual of these sizes on a loaded 2-core machine
MEMORY_LIMIT = 2 * 2**30  # address space of the parsing child

CHILD = r"""
import json, resource, signal, sys, time
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("parse took too long")))
from assistant.errors import ManualParseError
from assistant.library.parse import parse
out = []
for p in sys.argv[3:]:
    t0 = time.monotonic()
    signal.alarm(int(sys.argv[2]))
    try:
        doc = parse(p)
        r = {"path": p, "ok": True, "blocks": len(doc.blocks)}
    except ManualParseError as e:
        r = {"path": p, "ok": False, "error": str(e)}
    except BaseException as e:  # what the test is looking for
        r = {"path": p, "crash": f"{type(e).__name__}: {e}"[:300]}
    finally:
        signal.alarm(0)
    r["s"] = round(time.monotonic() - t0, 2)
    out.append(r)
print(json.dumps(out))
"""


def parse_all(paths: list[Path]) -> list[dict]:
    r = subprocess.run([sys.executable, "-c", CHILD, str(MEMORY_LIMIT), str(PER_FILE_S), *map(str, paths)],
                       capture_output=True, text=True, cwd=ROOT, timeout=PER_FILE_S * len(paths) + 120)
    assert r.returncode == 0, r.stderr[-2000:]
    results = json.loads(r.stdout.strip().splitlines()[-1])
    crashes = [x for x in results if "crash" in x]
    assert not crashes, crashes
    # A MemoryError turned into a ManualParseError is a blow-up too: limits must stop it first.
    assert not [x for x in results if "MemoryError" in x.get("error", "")], results
    return results


# ---------------------------------------------------------------- random content, every format

markup = st.lists(st.sampled_from(["<div>", "</div>", "<table>", "<tr>", "<td>", "</td>", "<h1>", "</h2>", "<p>",
                                   "<!--", "-->", "<script>", "&amp;", "&#0;", "\x00", "# ", "## ", "> ", "- ",
                                   "| a | b |\n", "|---|\n", "```", "[x](", "\n", "Torque 45 Nm. ", "<?xml",
                                   "\ufeff", "\udcff"]), max_size=400).map("".join)
raw = st.binary(max_size=4000)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(html=markup, md=markup, txt=raw, pdf=raw, docx=raw)
def test_random_files_give_a_manual_or_a_parse_error(tmp_path, html, md, txt, pdf, docx):
    files = {"a.html": html.encode("utf-8", "surrogatepass"), "a.md": md.encode("utf-8", "surrogatepass"),
             "a.txt": txt, "a.pdf": b"%PDF-1.4\n" + pdf, "a.docx": b"PK\x03\x04" + docx}
    paths = []
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(p)
    parse_all(paths)


def test_mutated_real_files_give_a_manual_or_a_parse_error(tmp_path):
    """The demo PDF, and a real DOCX, with bytes flipped and cut at random places (seeded)."""
    import random

    from tests.core.fixtures_docs import build_docx

    rng = random.Random(20261202)
    sources = [ROOT / "resources" / "demo" / "p200-pump-service-manual.pdf", build_docx(tmp_path / "src.docx"),
               ROOT / "resources" / "demo" / "rtu-45-alarm-codes.html"]
    paths = []
    for src in sources:
        data = src.read_bytes()
        for i in range(max(4, EXAMPLES // 3)):
            b = bytearray(data)
            for _ in range(rng.randint(1, 40)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            if i % 2:
                b = b[: rng.randrange(len(b))]
            p = tmp_path / f"m{i}-{src.name}"
            p.write_bytes(bytes(b))
            paths.append(p)
    parse_all(paths)


# ---------------------------------------------------------------- bombs

def _docx_bomb(path: Path, megabytes: int) -> Path:
    """A DOCX whose document.xml inflates to `megabytes` MB (a few hundred KB on disk)."""
    head = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
    tail = "</w:t></w:r></w:p></w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            chunk = b"A" * 2**20
            for _ in range(megabytes):
                f.write(chunk)
            f.write(tail.encode())
    return path


def _pdf_of_empty_pages(path: Path, n: int) -> Path:
    """A valid PDF whose page tree lists one empty page `n` times."""
    kids = " ".join(["3 0 R"] * n)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def test_bombs_are_refused_within_the_limits(tmp_path):
    files = [
        _docx_bomb(tmp_path / "bomb.docx", 300),  # 300 MB of XML in 0.3 MB: over the limit
        _pdf_of_empty_pages(tmp_path / "empty-100k.pdf", 100_000),
    ]
    (tmp_path / "deep.html").write_text("<div>" * 200_000 + "Torque 45 Nm" + "</div>" * 200_000)
    (tmp_path / "deep.md").write_text("> " * 100_000 + "Torque 45 Nm\n" + "[" * 200_000)
    (tmp_path / "long-line.txt").write_text("x" * 50_000_000)
    files += [tmp_path / "deep.html", tmp_path / "deep.md", tmp_path / "long-line.txt"]
    results = {Path(r["path"]).name: r for r in parse_all(files)}
    assert not results["bomb.docx"]["ok"] and "expands" in results["bomb.docx"]["error"], results["bomb.docx"]
    assert not results["empty-100k.pdf"]["ok"], results["empty-100k.pdf"]
    assert all(r["s"] < PER_FILE_S for r in results.values()), results
