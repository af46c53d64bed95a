"""Analyses over the resolved schema, and `analyze`: the whole check of a file.

Each analysis is a pass `(schema, report) -> None` that reports findings and changes
nothing; adding a family of rules means adding a module, its rules to the catalogue in
schema_lang.rules, and its entry point here.
"""
from __future__ import annotations

from ..core.document import Document, Options, Pass, TableCache
from ..core.document import analyze as read_document
from . import design, indexes, normalization, references

ANALYSES: tuple[Pass, ...] = (references.check, design.check, normalization.check, indexes.check)


def analyze(text: str, options: Options | None = None, cache: TableCache | None = None) -> Document:
    """Reads, resolves and checks a schema file: the core pipeline with every analysis.  Pass the
    same `cache` for successive versions of one document and only changed tables are read again."""
    return read_document(text, options, cache, ANALYSES)
