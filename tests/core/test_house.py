"""Rules of the house that the code's structure must keep (ARCHITECTURE.md, "Rules of the house")."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "assistant"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_core_has_no_path_into_the_gui():
    """Not even a lazy import: the desktop app builds on the core (ui/command.py adds `gui` to the
    core's CLI), never the reverse."""
    offenders = {str(p.relative_to(CORE.parent)): sorted(n for n in _imports(p)
                                                         if n.split(".")[0] in ("ui", "PySide6", "shiboken6"))
                 for p in CORE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def _relative_imports(path: Path) -> set[str]:
    """Absolute names of the `assistant` modules a core module imports (relative or absolute)."""
    package = ".".join(path.relative_to(CORE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n.startswith("assistant")}


def test_the_library_does_not_build_on_answers():
    """`rag` searches what `library` stored and may import it; the reverse would be a cycle (the
    embedder both use lives in assistant/embedding.py, safety words in library/safety.py)."""
    back = {str(p.relative_to(CORE.parent)): sorted(n for n in _relative_imports(p) if n.startswith("assistant.rag"))
            for p in (CORE / "library").rglob("*.py")}
    assert {k: v for k, v in back.items() if v} == {}
