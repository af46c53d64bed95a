"""Hover: what the engine knows about the thing under the cursor."""
from __future__ import annotations

from lsprotocol import types

from schema_lang.analysis.normalization import normalization_of

from .app import SchemaLanguageServer
from .convert import PositionConverter


def table_markdown(document, table) -> str:
    data = normalization_of(document.schema, table)
    lines = [f"**table** `{table.name}`"]
    if table.description:
        lines += ["", table.description]
    if table.rows is not None:
        lines += ["", f"Expected rows: {table.rows:,}"]
    keys = " or ".join("(" + ", ".join(k) + ")" for k in data.candidate_keys) or "none"
    lines += ["", f"Normal form: **{data.normal_form}**", "", f"Candidate keys: {keys}"]
    dependencies = data.dependency_strings()
    if dependencies:
        lines += ["", "Functional dependencies:", ""] + [f"- `{d}`" for d in dependencies]
    kept = [(n, c.denormalized) for n, c in table.columns.items() if c.denormalized]
    if kept:
        lines += ["", "Denormalized on purpose:", ""] + [f"- `{n}`: {why}" for n, why in kept]
    return "\n".join(lines)


def register(server: SchemaLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: SchemaLanguageServer, params: types.HoverParams):
        state = ls.states.get(params.text_document.uri)
        if state is None or state.document is None:
            return None
        document = state.document
        convert = PositionConverter(document.lines, ls.workspace.position_encoding)
        offset = convert.offset(params.position)
        table = document.table_at(offset)
        if table is None or not table.columns:
            return None
        start, end = table.at(table.span)
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=table_markdown(document, table)),
                           range=convert.range(start, end))
