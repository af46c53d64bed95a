"""Navigation: definition, references, highlights, rename, document and workspace symbols.

The engine (schema_lang.ide.symbols) finds the names; this module converts offsets to the
client's positions (the negotiated encoding) and builds the LSP results.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from schema_lang.core.diagnostics import LineIndex
from schema_lang.core.document import Document
from schema_lang.ide import symbols

from .app import SchemaLanguageServer
from .convert import PositionConverter
from .diagnostics import analyse_document

_KINDS = {
    symbols.TABLE: types.SymbolKind.Struct,
    symbols.COLUMN: types.SymbolKind.Field,
    symbols.ENUM: types.SymbolKind.Enum,
    symbols.ENUM_VALUE: types.SymbolKind.EnumMember,
    "index": types.SymbolKind.Key,
    "query": types.SymbolKind.Function,
}

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed


class RenameRefused(JsonRpcException):
    CODE = REQUEST_FAILED


def current_document(ls: SchemaLanguageServer, uri: str) -> Document | None:
    """The analysis of the document's current text (analysed now if the last one is older)."""
    if uri not in ls.workspace.text_documents:
        return None
    state = ls.state(uri)
    version = ls.workspace.get_text_document(uri).version
    if state.document is None or state.version != version:
        document, _ = analyse_document(ls, uri)
        return document
    return state.document


def _included_definition(ls: SchemaLanguageServer, uri: str, document: Document, offset: int):
    """A name declared in an included file: its location there (the open buffer's text if open)."""
    found = symbols.external_definition(document, offset)
    if found is None:
        return None
    path, (start, end) = found
    # set by options_for whenever the document is a file, the only case with included files
    read = cast(Callable[[str], "str | None"], ls.options_for(uri).read)
    text = read(path)
    if text is None:
        return None
    convert = PositionConverter(LineIndex(text), ls.workspace.position_encoding)
    return [types.Location(uri=Path(path).as_uri(), range=convert.range(start, end))]


def _references_in_other_files(ls: SchemaLanguageServer, uri: str, document: Document, offset: int,
                               include_declaration: bool) -> list[types.Location]:
    """Where other open files name the thing at `offset`: the files that include the file declaring
    it, and (for a thing of an included file) its declaration there."""
    at = symbols.symbol_at(document, offset)
    if at is None:
        return []
    home = ls.options_for(uri).path
    out: list[types.Location] = []
    external = symbols.external_definition(document, offset)
    if external is not None:
        home = external[0]
        if include_declaration:
            out.extend(_included_definition(ls, uri, document, offset) or [])
    for other, state in list(ls.states.items()):
        if other == uri or state.document is None or home not in state.document.schema.included:
            continue
        other_document = current_document(ls, other)
        if other_document is None:
            continue
        convert = _converter(ls, other_document)
        out.extend(types.Location(uri=other, range=convert.range(o.start, o.end))
                   for o in symbols.uses_elsewhere(other_document, at.symbol))
    return out


def _converter(ls: SchemaLanguageServer, document: Document) -> PositionConverter:
    return PositionConverter(document.lines, ls.workspace.position_encoding)


def _located(ls: SchemaLanguageServer, uri: str, position: types.Position):
    document = current_document(ls, uri)
    if document is None:
        return None, None, None
    convert = _converter(ls, document)
    return document, convert, convert.offset(position)


def _document_changes_supported(ls: SchemaLanguageServer) -> bool:
    caps = ls.client_capabilities
    workspace = getattr(caps, "workspace", None) if caps else None
    edit = getattr(workspace, "workspace_edit", None)
    return bool(getattr(edit, "document_changes", False))


def _hierarchical(ls: SchemaLanguageServer) -> bool:
    caps = ls.client_capabilities
    text_document = getattr(caps, "text_document", None) if caps else None
    symbol = getattr(text_document, "document_symbol", None)
    return bool(getattr(symbol, "hierarchical_document_symbol_support", False))


def _rename_adds_was(ls: SchemaLanguageServer) -> bool:
    return ls.settings.rename_adds_was


def _document_symbol(node: symbols.SymbolNode, convert: PositionConverter) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=node.name, kind=_KINDS.get(node.kind, types.SymbolKind.Variable),
        range=convert.range(*node.span), selection_range=convert.range(*node.selection),
        detail=node.detail,
        children=[_document_symbol(c, convert) for c in node.children] or None)


def _flat_symbols(nodes, uri: str, convert: PositionConverter, container: str | None = None):
    out = []
    for node in nodes:
        out.append(types.SymbolInformation(
            name=node.name, kind=_KINDS.get(node.kind, types.SymbolKind.Variable),
            location=types.Location(uri=uri, range=convert.range(*node.selection)),
            container_name=container))
        out.extend(_flat_symbols(node.children, uri, convert, node.name))
    return out


def definition(ls: SchemaLanguageServer, params: types.DefinitionParams):
    uri = params.text_document.uri
    document, convert, offset = _located(ls, uri, params.position)
    if document is None:
        return None
    found = symbols.definition(document, offset)
    if found is None:
        return _included_definition(ls, uri, document, offset)
    return [types.Location(uri=uri, range=convert.range(found.start, found.end))]


def references(ls: SchemaLanguageServer, params: types.ReferenceParams):
    uri = params.text_document.uri
    document, convert, offset = _located(ls, uri, params.position)
    if document is None:
        return None
    include = bool(params.context.include_declaration) if params.context else True
    found = [types.Location(uri=uri, range=convert.range(o.start, o.end))
             for o in symbols.references(document, offset, include)]
    return found + _references_in_other_files(ls, uri, document, offset, include)


def highlight(ls: SchemaLanguageServer, params: types.DocumentHighlightParams):
    uri = params.text_document.uri
    document, convert, offset = _located(ls, uri, params.position)
    if document is None:
        return None
    return [types.DocumentHighlight(
        range=convert.range(o.start, o.end),
        kind=types.DocumentHighlightKind.Write if o.declaration else types.DocumentHighlightKind.Read)
        for o in symbols.highlights(document, offset)]


def prepare_rename(ls: SchemaLanguageServer, params: types.PrepareRenameParams):
    uri = params.text_document.uri
    document, convert, offset = _located(ls, uri, params.position)
    if document is None:
        return None
    span = symbols.prepare_rename(document, offset)
    if span is None:
        return None
    return types.PrepareRenamePlaceholder(range=convert.range(*span), placeholder=document.text[span[0]:span[1]])


def rename(ls: SchemaLanguageServer, params: types.RenameParams):
    uri = params.text_document.uri
    document, convert, offset = _located(ls, uri, params.position)
    if document is None:
        return None
    try:
        result = symbols.rename(document, offset, params.new_name, add_was=_rename_adds_was(ls))
    except symbols.RenameError as exc:
        raise RenameRefused(str(exc)) from None
    by_uri = {uri: [types.TextEdit(range=convert.range(e.start, e.end), new_text=e.new_text)
                    for e in result.edits]}
    # open files that include this one name the renamed thing too
    symbol = cast(symbols.Occurrence, symbols.symbol_at(document, offset)).symbol  # rename found it
    for other in ls.dependents(uri):
        other_document = current_document(ls, other)
        if other_document is None:
            continue
        other_convert = _converter(ls, other_document)
        edits = [types.TextEdit(range=other_convert.range(e.start, e.end), new_text=e.new_text)
                 for e in symbols.rename_elsewhere(other_document, symbol, params.new_name.strip())]
        if edits:
            by_uri[other] = edits
    if _document_changes_supported(ls):
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(
                uri=u, version=ls.workspace.get_text_document(u).version), edits=edits)
            for u, edits in by_uri.items()])
    return types.WorkspaceEdit(changes=by_uri)


def document_symbol(ls: SchemaLanguageServer, params: types.DocumentSymbolParams):
    uri = params.text_document.uri
    document = current_document(ls, uri)
    if document is None:
        return None
    convert = _converter(ls, document)
    nodes = symbols.document_symbols(document)
    if _hierarchical(ls):
        return [_document_symbol(n, convert) for n in nodes]
    return _flat_symbols(nodes, uri, convert)


def workspace_symbol(ls: SchemaLanguageServer, params: types.WorkspaceSymbolParams):
    documents = []
    for uri in list(ls.workspace.text_documents):
        document = current_document(ls, uri)
        if document is not None:
            documents.append((uri, document))
    out = []
    for item in symbols.workspace_symbols(documents, params.query or ""):
        convert = _converter(ls, cast(Document, item.document))  # workspace_symbols sets it
        out.append(types.SymbolInformation(
            name=item.name, kind=_KINDS.get(item.kind, types.SymbolKind.Variable),
            location=types.Location(uri=item.uri, range=convert.range(*item.span)),
            container_name=item.container))
    return out


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(types.TEXT_DOCUMENT_REFERENCES)(references)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)(highlight)
    server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)(prepare_rename)
    server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))(rename)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbol)
    server.feature(types.WORKSPACE_SYMBOL)(workspace_symbol)
