"""What every exporter is told: which part of the library to write."""

from __future__ import annotations

from dataclasses import dataclass, field

from paperdex.library.store import PaperFilter


@dataclass
class ExportOptions:
    filter: PaperFilter = field(default_factory=PaperFilter)
    title: str = "Paper notes"
    # Bibliographies (BibTeX, biblatex, RIS, CSL-JSON): write the reading notes, or only the references.
    notes: bool = True
