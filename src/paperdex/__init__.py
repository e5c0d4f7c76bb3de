"""paperdex: turn scattered paper-reading notes into one searchable library of papers."""

__version__ = "0.1.0"
