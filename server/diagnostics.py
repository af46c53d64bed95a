"""Diagnostics: pushed on open, change (debounced) and save; answered on pull."""
from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from schema_lang.diagnostics import Diagnostic, Severity
from schema_lang.document import Document, analyze
from schema_lang.rules import RULES

from .app import SchemaLanguageServer
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
    related = None
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
    document = analyze(text_document.source, ls.settings.options(), state.cache)
    state.document = document
    state.version = text_document.version
    state.result_id = f"{text_document.version}:{ls.settings_generation}"
    return document, text_document.version


def lsp_diagnostics(ls: SchemaLanguageServer, document: Document) -> list[types.Diagnostic]:
    convert = PositionConverter(document.lines, ls.workspace.position_encoding)
    return [to_lsp(d, convert) for d in document.diagnostics]


def publish(ls: SchemaLanguageServer, uri: str) -> None:
    try:
        document, version = analyse_document(ls, uri)
        items = lsp_diagnostics(ls, document)
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
            if uri in ls.states:
                publish(ls, uri)
        except asyncio.CancelledError:
            pass

    state.pending = asyncio.get_running_loop().create_task(later())


def register(server: SchemaLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SchemaLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.state(params.text_document.uri)
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SchemaLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.settings.validate_on == "change":
            schedule(ls, uri, ls.settings.debounce_ms / 1000)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: SchemaLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.state(uri)
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()
        publish(ls, uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SchemaLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.states.pop(uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="schema-lang", inter_file_dependencies=False,
                                            workspace_diagnostics=False))
    def pull(ls: SchemaLanguageServer, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        if uri not in ls.workspace.text_documents:  # not open: nothing to say about it
            return types.FullDocumentDiagnosticReport(items=[])
        state = ls.state(uri)
        version = ls.workspace.get_text_document(uri).version
        current = f"{version}:{ls.settings_generation}"
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
        return types.FullDocumentDiagnosticReport(items=lsp_diagnostics(ls, state.document),
                                                  result_id=state.result_id)


def refresh_all(ls: SchemaLanguageServer) -> None:
    """Re-diagnoses every open document (after a settings change)."""
    for uri in list(ls.states):
        publish(ls, uri)
    if not ls.should_push():
        caps = ls.client_capabilities
        workspace = getattr(caps, "workspace", None) if caps else None
        if getattr(getattr(workspace, "diagnostics", None), "refresh_support", False):
            ls.workspace_diagnostic_refresh(None)
