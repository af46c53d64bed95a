"""Formatting: textDocument/formatting and textDocument/rangeFormatting.

The engine (schema_lang.ide.format) computes minimal edits in code-point offsets; they are
converted to the client's position encoding here.  The client's `tabSize` is the
indentation step only for a file that shows none of its own.
"""
from __future__ import annotations

import logging

from lsprotocol import types

from schema_lang.core.diagnostics import LineIndex
from schema_lang.ide.format import format_edits

from .app import SchemaLanguageServer
from .convert import PositionConverter

log = logging.getLogger(__name__)


def _tab_size(options: types.FormattingOptions | None) -> int | None:
    size = getattr(options, "tab_size", None)
    return size if isinstance(size, int) and 0 < size <= 16 else None


def _edits(ls: SchemaLanguageServer, uri: str, options, rng: types.Range | None) -> list[types.TextEdit]:
    if uri not in ls.workspace.text_documents:
        return []
    text = ls.workspace.get_text_document(uri).source
    convert = PositionConverter(LineIndex(text), ls.workspace.position_encoding)
    start = end = None
    if rng is not None:
        start, end = convert.offset(rng.start), convert.offset(rng.end)
    try:
        edits = format_edits(text, start, end, indent=_tab_size(options))
    except Exception:  # a formatting bug must not take the server down
        log.exception("formatting failed for %s", uri)
        return []
    return [types.TextEdit(range=convert.range(e.start, e.end), new_text=e.new_text) for e in edits]


def formatting(ls: SchemaLanguageServer, params: types.DocumentFormattingParams):
    return _edits(ls, params.text_document.uri, params.options, None)


def range_formatting(ls: SchemaLanguageServer, params: types.DocumentRangeFormattingParams):
    return _edits(ls, params.text_document.uri, params.options, params.range)


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_FORMATTING)(formatting)
    server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)(range_formatting)
