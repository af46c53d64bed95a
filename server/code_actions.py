"""Code actions: the engine's fixes for the diagnostics at the cursor, and table refactorings."""
from __future__ import annotations

from lsprotocol import types

from schema_lang.analysis.normalization import normalization_of
from schema_lang.core.diagnostics import Fix
from schema_lang.ide.fixes import fixes_for, ignore_fix
from schema_lang.ide.refactor.normalize import NormalizeError, normalize
from schema_lang.ide.refactor.text_edits import EditError

from . import baseline, commands
from .app import SchemaLanguageServer
from .convert import PositionConverter
from .diagnostics import to_lsp

NORMAL_FORM_ORDER = ("1NF", "2NF", "3NF", "BCNF")


def _edit(uri: str, convert: PositionConverter, edits) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: [
        types.TextEdit(range=convert.range(e.start, e.end), new_text=e.new_text) for e in edits]})


def _normalize_actions(uri: str, document, convert: PositionConverter, offset: int) -> list[types.CodeAction]:

    table = document.table_at(offset)
    if table is None or not table.columns:
        return []
    form = normalization_of(document.schema, table).normal_form
    actions = []
    for target, label in (("3nf", "3NF"), ("bcnf", "BCNF")):
        if NORMAL_FORM_ORDER.index(form) >= NORMAL_FORM_ORDER.index(label):
            continue
        try:
            result = normalize(document.text, table.name, target, document=document)
        except (NormalizeError, EditError):
            continue
        if not result.edits:
            continue
        title = f"Normalize table {table.name} to {label}"
        if result.lost:
            title += f" (loses {'; '.join(result.lost)})"
        actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite,
                                        edit=_edit(uri, convert, result.edits)))
    return actions


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
    only = params.context.only
    actions: list[types.CodeAction] = []
    if not only or any(k.startswith(types.CodeActionKind.QuickFix) for k in only):
        ignored = []
        for d in document.diagnostics:
            if d.end < start or d.start > end:
                continue
            lsp_diagnostic = to_lsp(d, convert)
            for fix in fixes_for(document, d):
                actions.append(types.CodeAction(
                    title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp_diagnostic],
                    is_preferred=fix.preferred or None, edit=_edit(uri, convert, fix.edits)))
            ignored.append((d, lsp_diagnostic))
        # the ignore comments come after every real fix
        offered = set()
        for d, lsp_diagnostic in ignored:
            where = (d.rule, document.lines.position(d.start).line)
            if where in offered:
                continue  # one comment silences them all
            offered.add(where)
            comment_fix: Fix | None
            try:
                comment_fix = ignore_fix(document, d)
            except Exception:  # noqa: BLE001 - an action that cannot be built is not offered
                comment_fix = None
            if comment_fix is not None:
                actions.append(types.CodeAction(
                    title=comment_fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp_diagnostic],
                    edit=_edit(uri, convert, comment_fix.edits)))
    if not only or any(types.CodeActionKind.RefactorRewrite.startswith(k) for k in only):
        actions.extend(_normalize_actions(uri, document, convert, start))
    if only and any(k.startswith(types.CodeActionKind.Source) for k in only):
        actions.extend(commands.source_actions(uri))
        actions.extend(baseline.source_actions(ls, uri))
    return actions or None


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix,
                                                               types.CodeActionKind.RefactorRewrite,
                                                               types.CodeActionKind.Source]))(code_actions)
