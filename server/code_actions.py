"""Quick fixes: the engine's fixes for the diagnostics under the cursor, as edits."""
from __future__ import annotations

from lsprotocol import types

from .app import SchemaLanguageServer
from .convert import PositionConverter
from .diagnostics import to_lsp


def register(server: SchemaLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_actions(ls: SchemaLanguageServer, params: types.CodeActionParams):
        uri = params.text_document.uri
        state = ls.states.get(uri)
        if state is None or state.document is None:
            return None
        document = state.document
        if document.text != ls.workspace.get_text_document(uri).source:
            return None  # stale: the next analysis will offer fresh fixes
        convert = PositionConverter(document.lines, ls.workspace.position_encoding)
        start = convert.offset(params.range.start)
        end = convert.offset(params.range.end)
        actions = []
        for d in document.diagnostics:
            if not d.fixes or d.end < start or d.start > end:
                continue
            lsp_diagnostic = to_lsp(d, convert)
            for fix in d.fixes:
                edits = [types.TextEdit(range=convert.range(e.start, e.end), new_text=e.new_text) for e in fix.edits]
                actions.append(types.CodeAction(
                    title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp_diagnostic],
                    is_preferred=fix.preferred or None,
                    edit=types.WorkspaceEdit(changes={uri: edits})))
        return actions or None
