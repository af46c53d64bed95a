"""Code lenses above each table: `2 references · 3NF · 1 query`.

Each lens carries the command `schemaLang.showReferences` with the document's URI and
the table's position; the command answers with the locations of the foreign keys that
reference the table (a client can show them with its own references view).
"""
from __future__ import annotations

from lsprotocol import types

from schema_lang.ide.lens import table_lenses

from .app import SchemaLanguageServer
from .convert import PositionConverter
from .diagnostics import analyse_document, result_id

SHOW_REFERENCES = "schemaLang.showReferences"


def _document(ls: SchemaLanguageServer, uri: str):
    """The analysis of the document's current text (made now when the last one is stale)."""
    if uri not in ls.workspace.text_documents:
        return None
    state = ls.state(uri)
    version = ls.workspace.get_text_document(uri).version
    if state.document is None or state.result_id != result_id(ls, state, version):
        analyse_document(ls, uri)
    return state.document


def code_lens(ls: SchemaLanguageServer, params: types.CodeLensParams):
    uri = params.text_document.uri
    document = _document(ls, uri)
    if document is None:
        return []
    convert = PositionConverter(document.lines, ls.workspace.position_encoding)
    out = []
    for lens in table_lenses(document):
        rng = convert.range(*lens.span)
        out.append(types.CodeLens(range=rng, command=types.Command(
            title=lens.title, command=SHOW_REFERENCES, arguments=[uri, rng.start])))
    return out


def show_references(ls: SchemaLanguageServer, uri: str, position: types.Position):
    """The locations of the foreign keys that reference the table at `position`."""
    document = _document(ls, uri)
    if document is None:
        return []
    convert = PositionConverter(document.lines, ls.workspace.position_encoding)
    offset = convert.offset(position)
    for lens in table_lenses(document):
        if lens.span[0] <= offset <= lens.span[1]:
            return [types.Location(uri=uri, range=convert.range(*span)) for span in lens.references]
    return []


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))(code_lens)
    server.command(SHOW_REFERENCES)(show_references)
