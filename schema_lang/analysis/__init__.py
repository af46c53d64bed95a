"""Analyses over the resolved schema.

Each analysis is a function `(schema, report) -> None`; adding a family of
rules means adding a module and listing its entry point here.
"""
from __future__ import annotations

from collections.abc import Callable

from ..loader import Reporter
from ..model import Schema
from . import design, indexes, normalization, references

Analysis = Callable[[Schema, Reporter], None]

ANALYSES: list[Analysis] = [references.check, design.check, normalization.check, indexes.check]


def run_all(schema: Schema, report: Reporter) -> None:
    for analysis in ANALYSES:
        analysis(schema, report)
