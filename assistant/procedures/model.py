"""A procedure as the rest of the app sees it: what extraction stores and procedure mode shows.

Plain data, no database or GUI: extraction (`assistant.procedures.extract`) builds these from a
parsed manual, the store reads them back, and procedure mode walks through `steps`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Step:
    n: int  # 1-based position in the procedure
    text: str
    page: int | None  # PDF page the step starts on; None for formats without pages
    char_start: int = 0  # offsets in that page's text (PDF) or the document text (other formats),
    char_end: int = 0  # as Block offsets are, so the viewer can highlight the step
    warning: str | None = None  # a DANGER / WARNING / CAUTION that belongs to this step itself


@dataclass
class Procedure:
    title: str  # "8.3 Replacing the mechanical seal", "To replace the fan motor"
    steps: list[Step]
    section: str = ""  # heading path, " > "-joined like a passage's section
    page: int | None = None  # where the procedure starts
    # DANGER / WARNING / CAUTION / lockout-tagout text of the procedure's section and the sections
    # above it, in reading order: shown and acknowledged before step 1.
    warnings: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    torques: list[str] = field(default_factory=list)  # values as written: "45 N·m", "10-12 Nm"
    id: int | None = None  # row id once stored
    manual_id: int | None = None
    manual_title: str = ""
    manual_path: str = ""
    format: str = ""  # the manual's format: "pdf" | "html" | "md" | "txt" | "docx" | "image"
