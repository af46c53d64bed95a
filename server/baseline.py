"""The HEAD version of open documents, and the migration findings it gives.

Diagnostics: each open document keeps its git HEAD text (`DocumentState.baseline`), read off the event
loop on open and on save (a commit can move HEAD) and when the command runs. While the buffer differs
from it, the engine's `migration_diagnostics` are added to the document's diagnostics, unless the
setting `migrationDiagnostics` is false.  The source action "Generate migration from HEAD" is offered
while the buffer differs from HEAD.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import urlparse

from lsprotocol import types
from pygls.uris import to_fs_path

from schema_lang.core.diagnostics import Diagnostic
from schema_lang.core.document import Document, apply_rule_levels
from schema_lang.core.vcs import committed_text
from schema_lang.generate.migrate import migration_diagnostics

from .app import DocumentState, SchemaLanguageServer

log = logging.getLogger(__name__)

GENERATE_MIGRATION = "schemaLang.generateMigration"
TITLE = "Generate migration"


def file_path(uri: str) -> Path | None:
    if urlparse(uri).scheme != "file":
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def same_text(a: str, b: str) -> bool:
    """Equal, line endings aside (git may store LF for a CRLF working copy)."""
    return a == b or a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


def read_baseline(ls: SchemaLanguageServer, uri: str, state: DocumentState) -> None:
    """Starts reading the document's HEAD version in a worker thread; `baseline_ready` waits for it."""
    path = file_path(uri)
    if path is None:
        return
    previous = state.baseline_task

    async def read() -> None:
        if previous is not None and not previous.done():
            await asyncio.wait([previous])  # an older read must not land after this one
        try:
            text = await asyncio.to_thread(committed_text, path)
        except Exception:  # noqa: BLE001 - e.g. no thread at shutdown: keep what we had
            log.exception("reading the HEAD version of %s failed", uri)
            return
        set_baseline(state, text)

    state.baseline_task = asyncio.get_running_loop().create_task(read())


def set_baseline(state: DocumentState, text: str | None) -> bool:
    """Records a document's HEAD text; True when it changed."""
    if text == state.baseline:
        return False
    state.baseline = text
    state.baseline_generation += 1
    return True


async def baseline_ready(state: DocumentState) -> None:
    """Waits for the reads of the HEAD version under way (never cancels them)."""
    while (task := state.baseline_task) is not None and not task.done():
        await asyncio.shield(task)


def migration_findings(ls: SchemaLanguageServer, uri: str, state: DocumentState,
                       document: Document) -> list[Diagnostic]:
    """The engine's findings on the change from the HEAD version to `document`, under the rule levels
    and ignore comments that apply to the document's own findings: [] when there is no change, the
    setting is off, or anything fails (the other diagnostics must not suffer)."""
    baseline = state.baseline
    if not ls.settings.migration_diagnostics or baseline is None or same_text(baseline, document.text):
        return []
    try:
        found = migration_diagnostics(baseline, document, ls.settings.dialect, path=ls.options_for(uri).path)
        return apply_rule_levels(document, found, ls.settings.options()) if found else []
    except Exception:  # noqa: BLE001
        log.exception("migration diagnostics failed")
        return []


def source_actions(ls: SchemaLanguageServer, uri: str) -> list[types.CodeAction]:
    """The action "Generate migration from HEAD", while the buffer differs from HEAD."""
    state = ls.states.get(uri)
    if state is None or state.baseline is None or state.document is None:
        return []
    if same_text(state.baseline, state.document.text):
        return []
    return [types.CodeAction(
        title="Generate migration from HEAD", kind=types.CodeActionKind.Source,
        command=types.Command(title=TITLE, command=GENERATE_MIGRATION, arguments=[uri]))]
