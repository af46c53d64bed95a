"""Commands that generate documents from the open schema: DDL, design document, ER diagram.

The result is written next to the schema file and shown with window/showDocument when
the client can (VS Code, Neovim 0.10+); the command also returns the file's URI so any
client can open it itself.  Long work reports $/progress when the client supports it.
"""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from schema_lang.core.diagnostics import Severity
from schema_lang.dialects import DIALECT_NAMES, get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.generate.docs import design_document
from schema_lang.generate.erd import mermaid

from .app import SchemaLanguageServer
from .diagnostics import analyse_document

GENERATE_DDL = "schemaLang.generateDdl"
GENERATE_DESIGN_DOC = "schemaLang.generateDesignDoc"
SHOW_ERD = "schemaLang.showErd"


def _target(uri: str, suffix: str) -> Path | None:
    """The file next to the schema file's, or None when the document is not a file (e.g. `untitled:`)."""
    fs_path = to_fs_path(uri)
    if fs_path is None:
        return None
    path = Path(fs_path)
    stem = path.name
    for ending in (".schema.yaml", ".schema.yml"):
        if stem.endswith(ending):
            stem = stem[: -len(ending)]
    return path.with_name(stem + suffix)


def _window(ls: SchemaLanguageServer):
    caps = ls.client_capabilities
    return getattr(caps, "window", None) if caps else None


@asynccontextmanager
async def progress(ls: SchemaLanguageServer, title: str) -> AsyncIterator[Callable[[str, int], None]]:
    """$/progress begin ... end around a command's work, when the client supports it; yields
    `report(message, percentage)` (which does nothing for other clients)."""
    token = None
    if getattr(_window(ls), "work_done_progress", False):
        token = f"schema-lang-{uuid.uuid4()}"
        await ls.work_done_progress.create_async(token)
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, percentage=0))

    def report(message: str, percentage: int) -> None:
        if token:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percentage))

    try:
        yield report
    finally:
        if token:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))


async def show_document(ls: SchemaLanguageServer, uri: str) -> None:
    """Opens `uri` in the editor when the client supports window/showDocument."""
    if getattr(_window(ls), "show_document", None) is not None:
        await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))


async def _run(ls: SchemaLanguageServer, uri: str, title: str, suffix: str, produce) -> dict:
    async with progress(ls, title) as report:
        document, _ = analyse_document(ls, uri)
        errors = [d for d in document.diagnostics if d.severity is Severity.ERROR]
        if errors:
            message = f"{title}: the schema has {len(errors)} error(s); fix them first"
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
            return {"uri": None, "error": message}
        report("generating", 50)
        text = produce(document.schema)
        target = _target(uri, suffix)
        if target is None:
            message = f"{title}: {uri} is not a file on disk"
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
            return {"uri": None, "error": message}
        target.write_text(text, encoding="utf-8")
        target_uri = target.as_uri()
        await show_document(ls, target_uri)
        return {"uri": target_uri}


async def generate_ddl(ls: SchemaLanguageServer, uri: str, dialect: str | None = None):

    if dialect is not None and dialect not in DIALECT_NAMES:
        raise ValueError(f"unknown dialect '{dialect}': use one of {', '.join(DIALECT_NAMES)}")

    def produce(schema):
        return generate(schema, get_dialect(dialect or schema.dialect.name)).script()

    name = dialect or "ddl"
    return await _run(ls, uri, "Generate DDL", f".{name}.sql", produce)


async def generate_design_doc(ls: SchemaLanguageServer, uri: str):

    return await _run(ls, uri, "Generate design document", ".design.md", design_document)


async def show_erd(ls: SchemaLanguageServer, uri: str):

    return await _run(ls, uri, "Show ER diagram", ".erd.md", lambda s: "```mermaid\n" + mermaid(s) + "```\n")


def register(server: SchemaLanguageServer) -> None:
    server.command(GENERATE_DDL)(generate_ddl)
    server.command(GENERATE_DESIGN_DOC)(generate_design_doc)
    server.command(SHOW_ERD)(show_erd)


def source_actions(uri: str) -> list[types.CodeAction]:
    """The generators, offered as code actions on the file."""
    actions = []
    for dialect in DIALECT_NAMES:
        actions.append(types.CodeAction(
            title=f"Generate DDL ({get_dialect(dialect).display_name})", kind=types.CodeActionKind.Source,
            command=types.Command(title="Generate DDL", command=GENERATE_DDL, arguments=[uri, dialect])))
    actions.append(types.CodeAction(title="Generate design document", kind=types.CodeActionKind.Source,
                                    command=types.Command(title="Generate design document",
                                                          command=GENERATE_DESIGN_DOC, arguments=[uri])))
    actions.append(types.CodeAction(title="Show ER diagram", kind=types.CodeActionKind.Source,
                                    command=types.Command(title="Show ER diagram", command=SHOW_ERD,
                                                          arguments=[uri])))
    return actions
