"""Hover: what the engine knows about the thing under the cursor (schema_lang.ide.hover builds it)."""
from __future__ import annotations

from lsprotocol import types

from schema_lang.ide import hover as engine

from .app import SchemaLanguageServer
from .convert import PositionConverter


def table_markdown(document, table) -> str:
    """Kept for callers of the old server-side builder: the engine's table hover."""
    return engine.table_markdown(document.schema, table)


def hover(ls: SchemaLanguageServer, params: types.HoverParams):
    state = ls.states.get(params.text_document.uri)
    if state is None or state.document is None:
        return None
    document = state.document
    convert = PositionConverter(document.lines, ls.workspace.position_encoding)
    offset = convert.offset(params.position)
    found = engine.hover(document, offset, extra_diagnostics=state.migration or ())
    if found is None:
        return None
    markdown, (start, end) = found
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
                       range=convert.range(start, end))


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
