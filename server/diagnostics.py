"""Diagnostics: pushed on open, change (debounced) and save; answered on pull.

Besides the engine's findings, a document whose buffer differs from its git HEAD version gets
the findings of that change as a migration (see server/migration.py)."""
from __future__ import annotations

import asyncio
import logging
from typing import cast

from lsprotocol import types

from schema_lang.analysis import analyze
from schema_lang.core.diagnostics import Diagnostic, Severity
from schema_lang.core.document import Document
from schema_lang.rules import RULES

from .app import DocumentState, SchemaLanguageServer
from .baseline import baseline_ready, migration_findings, read_baseline
from .convert import PositionConverter

log = logging.getLogger(__name__)

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_lsp(d: Diagnostic, convert: PositionConverter) -> types.Diagnostic:
    rule = RULES.get(d.rule)
    description = None
    if rule is not None and rule.doc_path.exists():
        description = types.CodeDescription(href=rule.doc_path.as_uri())
    related: list[types.DiagnosticRelatedInformation] | None = None
    if d.related and not d.rule.startswith("internal/"):
        related = []  # filled by features that know the document's URI
    return types.Diagnostic(
        range=convert.range(d.start, d.end),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.rule,
        code_description=description,
        source="schema-lang",
        data={"rule": d.rule, "table": d.table, "column": d.column},
        related_information=related or None,
    )


def analyse_document(ls: SchemaLanguageServer, uri: str) -> tuple[Document, int | None]:
    """Analyses the current text of a document, reusing its table cache."""
    text_document = ls.workspace.get_text_document(uri)
    state = ls.state(uri)
    document = analyze(text_document.source, ls.options_for(uri), state.cache)
    state.document = document
    state.migration = migration_findings(ls, uri, state, document)
    state.version = text_document.version
    state.result_id = result_id(ls, state, text_document.version)
    return document, text_document.version


def result_id(ls: SchemaLanguageServer, state: DocumentState, version: int | None) -> str:
    """Changes whenever the diagnostics of a document may: its text, the settings, its HEAD version."""
    return f"{version}:{ls.settings_generation}:{state.baseline_generation}:{state.includes_generation}"


def lsp_diagnostics(ls: SchemaLanguageServer, state: DocumentState) -> list[types.Diagnostic]:
    """The last analysis' diagnostics, with the migration findings, in the client's positions."""
    document = cast(Document, state.document)  # the callers analyse the document first
    convert = PositionConverter(document.lines, ls.workspace.position_encoding)
    found = document.diagnostics
    if state.migration:
        found = sorted([*found, *state.migration], key=Diagnostic.sort_key)
    return [to_lsp(d, convert) for d in found]


def publish(ls: SchemaLanguageServer, uri: str) -> None:
    try:
        state = ls.state(uri)
        version = ls.workspace.get_text_document(uri).version
        if state.document is None or state.result_id != result_id(ls, state, version):
            analyse_document(ls, uri)  # else a pull has just analysed this very version
        items = lsp_diagnostics(ls, state)
    except Exception as exc:  # noqa: BLE001 - the server must outlive any bug
        log.exception("analysis failed for %s", uri)
        ls.window_log_message(types.LogMessageParams(types.MessageType.Error, f"schema-lang: {exc!r}"))
        version = None
        items = [types.Diagnostic(
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            message=f"schema-lang failed while analysing this file: {exc!r}",
            severity=types.DiagnosticSeverity.Error, code="internal/error", source="schema-lang")]
    if ls.should_push():
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=items))


def schedule(ls: SchemaLanguageServer, uri: str, delay: float) -> None:
    """Analyses after `delay` seconds unless another change comes first."""
    state = ls.state(uri)
    if state.pending is not None and not state.pending.done():
        state.pending.cancel()

    async def later() -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await baseline_ready(state)
            if ls.states.get(uri) is state:
                publish(ls, uri)
        except asyncio.CancelledError:
            pass

    state.pending = asyncio.get_running_loop().create_task(later())


def did_open(ls: SchemaLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    read_baseline(ls, uri, ls.state(uri))
    schedule(ls, uri, 0)  # as soon as the HEAD version is known


def did_change(ls: SchemaLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.settings.validate_on == "change":
        schedule(ls, uri, ls.settings.debounce_ms / 1000)
        refresh_dependents(ls, uri, ls.settings.debounce_ms / 1000)


def did_save(ls: SchemaLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    read_baseline(ls, uri, ls.state(uri))  # a commit may have moved HEAD
    schedule(ls, uri, 0)
    refresh_dependents(ls, uri, 0)


def did_close(ls: SchemaLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    state = ls.states.pop(uri, None)
    if state is not None and state.pending is not None:
        state.pending.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


async def pull(ls: SchemaLanguageServer, params: types.DocumentDiagnosticParams):
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:  # not open: nothing to say about it
        return types.FullDocumentDiagnosticReport(items=[])
    state = ls.state(uri)
    await baseline_ready(state)
    if uri not in ls.workspace.text_documents:  # closed meanwhile
        return types.FullDocumentDiagnosticReport(items=[])
    version = ls.workspace.get_text_document(uri).version
    current = result_id(ls, state, version)
    if state.document is None or state.result_id != current:
        try:
            analyse_document(ls, uri)
        except Exception as exc:  # noqa: BLE001
            log.exception("analysis failed for %s", uri)
            return types.FullDocumentDiagnosticReport(items=[types.Diagnostic(
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                message=f"schema-lang failed while analysing this file: {exc!r}",
                severity=types.DiagnosticSeverity.Error, code="internal/error", source="schema-lang")])
    if params.previous_result_id is not None and params.previous_result_id == state.result_id:
        return types.UnchangedDocumentDiagnosticReport(result_id=state.result_id)
    return types.FullDocumentDiagnosticReport(items=lsp_diagnostics(ls, state),
                                              result_id=state.result_id)


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="schema-lang", inter_file_dependencies=True,
                                            workspace_diagnostics=False))(pull)


def refresh_dependents(ls: SchemaLanguageServer, uri: str, delay: float) -> None:
    """Re-diagnoses the open documents that include this one (their references may have changed)."""
    dependents = ls.dependents(uri)
    for other in dependents:
        ls.states[other].includes_generation += 1
        schedule(ls, other, delay)
    if dependents:
        ask_to_pull(ls)


def refresh_all(ls: SchemaLanguageServer) -> None:
    """Re-diagnoses every open document (after a settings change)."""
    for uri in list(ls.states):
        publish(ls, uri)
    ask_to_pull(ls)


def ask_to_pull(ls: SchemaLanguageServer) -> None:
    """Asks a pulling client to pull again (workspace/diagnostic/refresh), when it can be asked."""
    if not ls.should_push():
        caps = ls.client_capabilities
        workspace = getattr(caps, "workspace", None) if caps else None
        if getattr(getattr(workspace, "diagnostics", None), "refresh_support", False):
            ls.workspace_diagnostic_refresh(None)
