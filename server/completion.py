"""Completion: the engine's items (schema_lang.ide.completion) in the client's positions.

Works on the document's current text (the last analysis may be a keystroke or a
debounce behind); the last analysis only supplies names the current text cannot."""
from __future__ import annotations

import logging

from lsprotocol import types

from schema_lang.core.diagnostics import LineIndex
from schema_lang.ide.completion import CompletionItem, complete

from .app import SchemaLanguageServer
from .convert import PositionConverter

log = logging.getLogger(__name__)

TRIGGER_CHARACTERS = [" ", "(", ".", ",", "[", ":"]

KINDS = {
    "keyword": types.CompletionItemKind.Keyword,
    "table": types.CompletionItemKind.Class,
    "column": types.CompletionItemKind.Field,
    "type": types.CompletionItemKind.TypeParameter,
    "enum": types.CompletionItemKind.Enum,
    "enum-value": types.CompletionItemKind.EnumMember,
    "rule": types.CompletionItemKind.Reference,
    "snippet": types.CompletionItemKind.Snippet,
    "property": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.Value,
}


def _item_options(ls: SchemaLanguageServer):
    caps = ls.client_capabilities
    completion = getattr(getattr(caps, "text_document", None), "completion", None)
    return getattr(completion, "completion_item", None)


def snippet_support(ls: SchemaLanguageServer) -> bool:
    return bool(getattr(_item_options(ls), "snippet_support", False))


def _as_is_supported(ls: SchemaLanguageServer) -> bool:
    modes = getattr(_item_options(ls), "insert_text_mode_support", None)
    return modes is not None and types.InsertTextMode.AsIs in (modes.value_set or ())


def to_lsp(item: CompletionItem, convert: PositionConverter, as_is: bool) -> types.CompletionItem:
    text = item.text
    return types.CompletionItem(
        label=item.label,
        kind=KINDS.get(item.kind),
        detail=item.detail,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
        if item.documentation else None,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=types.InsertTextFormat.Snippet if item.is_snippet else types.InsertTextFormat.PlainText,
        # multi-line items carry their own indentation
        insert_text_mode=types.InsertTextMode.AsIs if as_is and "\n" in text else None,
        text_edit=types.TextEdit(range=convert.range(*item.replace), new_text=text),
    )


def completion(ls: SchemaLanguageServer, params: types.CompletionParams):
    uri = params.text_document.uri
    try:
        text = ls.workspace.get_text_document(uri).source
    except (OSError, ValueError):
        return None
    state = ls.states.get(uri)
    document = state.document if state is not None else None
    convert = PositionConverter(LineIndex(text), ls.workspace.position_encoding)
    offset = convert.offset(params.position)
    try:
        items = complete(text, offset, document, snippet_support(ls))
    except Exception:  # noqa: BLE001 - a bug here must not break typing
        log.exception("completion failed at %s:%s", uri, offset)
        return None
    as_is = _as_is_supported(ls)
    return types.CompletionList(is_incomplete=False, items=[to_lsp(i, convert, as_is) for i in items])


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False))(completion)
