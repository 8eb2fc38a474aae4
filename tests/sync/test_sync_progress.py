"""`field-assistant sync` says how a depot download goes, on stderr, while stdout keeps the report (or
its JSON). Against a real pouchdb-server depot, as the other sync CLI tests run it."""

from __future__ import annotations

import json
import re

from assistant import settings as settingsmod
from assistant.cli import main
from assistant.cli.sync_progress import ProgressLines
from assistant.fleet.progress import DepotProgress

from .test_depot_admin import write_gguf
from .test_sync_order import depot  # noqa: F401 - the fixture: the depot's databases, empty, and a key

LINE = re.compile(r"depot: downloading model tiny 2: (\d{1,3})% \((\d+\.\d) MB of (\d+\.\d) MB\)")


def test_sync_prints_the_model_download_on_stderr_and_json_alone_on_stdout(couch, depot, dbname, home,  # noqa: F811
                                                                           tmp_path, capsys):
    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot.public)
    data = write_gguf(tmp_path / "tiny.gguf", n_floats=3 << 20).read_bytes()  # 12 MB: many chunks
    doc = depot.model("tiny", "2", data)
    depot.rollout("tiny", doc["_id"], percent=100)
    capsys.readouterr()
    code = main(["sync", "--json"])
    out, err = capsys.readouterr()
    report = json.loads(out)  # the JSON alone: no progress in it
    # Random weights do not load: rolled back, which makes the round's exit code 1 (said on stderr).
    assert code == 1 and report["depot"]["models"]["rolled_back"] == doc["_id"], err
    lines = [m for m in map(LINE.fullmatch, err.splitlines()) if m]
    assert len(lines) >= 2, err
    percents = [int(m.group(1)) for m in lines]
    assert percents == sorted(set(percents)) and percents[0] < 100 and percents[-1] == 100, percents
    assert all(m.group(3) == f"{len(data) / 2**20:.1f}" for m in lines)
    assert lines[-1].group(2) == lines[-1].group(3)
    assert "depot: trying model tiny 2 on this device..." in err.splitlines()
    assert err.index("depot: downloading model tiny 2") < err.index("depot: trying model tiny 2")

    # Without --json the same lines go to stderr, and stdout has the report only.
    depot.rollout("tiny", depot.model("tiny", "3", data[:4 << 20] + bytes(4))["_id"], percent=100)
    capsys.readouterr()
    main(["sync"])
    out, err = capsys.readouterr()
    assert "depot: downloading model tiny 3: 100%" in err and "downloading" not in out
    assert out.startswith("pushed ")


def test_a_line_each_5_percent_or_each_second_whichever_comes_first():
    """The rule itself, on a clock the test moves (no timing in the test): whole-percent events as
    fleet.progress.bytes_hook sends them."""
    import io

    now = [0.0]
    stream = io.StringIO()
    lines = ProgressLines(stream, clock=lambda: now[0])
    total = 100 << 20

    def at(pct: int, seconds: float) -> None:
        now[0] = seconds
        lines(DepotProgress("downloading", "model", "big", "7", total * pct // 100, total))

    at(0, 0.0)  # the first event of a file: said
    for pct in range(1, 12):  # fast: 1% each 0.1 s, a line each 5%
        at(pct, pct / 10)
    at(12, 1.2)  # too soon: 0.2 s after the 10% line, 2% more
    at(13, 2.5)  # slow: 1.5 s after the last line, 3% more: said
    at(13, 4.0)  # no new percent: nothing
    at(100, 4.1)  # done: said
    lines(DepotProgress("downloading", "manual", "pump", "B", 0, 2048))  # the next file: said at once
    percents = [(m.group(1), m.group(2)) for m in
                map(re.compile(r"depot: downloading (\w+ \w+ \w+): (\d+)%").match, stream.getvalue().splitlines())]
    assert percents == [("model big 7", "0"), ("model big 7", "5"), ("model big 7", "10"), ("model big 7", "13"),
                        ("model big 7", "100"), ("manual pump B", "0")], stream.getvalue()
    assert stream.getvalue().splitlines()[-1] == "depot: downloading manual pump B: 0% (0 KB of 2 KB)"
