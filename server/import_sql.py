"""Import SQL: a `.sql` file (a dump, a DDL script) turned into a new schema file next to it.

Command `schemaLang.server.importSql`, arguments `[uri]` or
`[{"uri": ..., "dialect"?: ..., "target"?: ..., "text"?: ...}]`:

- `uri`: the `.sql` file (a `file:` URI). Its text is the open buffer when the client synced it, else
  the file on disk (UTF-8);
- `dialect` (optional): `postgresql`, `mysql` or `sqlite` (also `postgres`, `pg`, `mariadb`, `sqlite3`);
  without it the engine guesses from the text (`guess_dialect`);
- `target` (optional): a path (relative to the `.sql` file's folder) or a `file:` URI for the new file;
  an existing file is never replaced: the command fails instead;
- `text` (optional): the SQL to import instead of the buffer or the file, for a client that does not
  sync `.sql` buffers to this server (the VS Code extension sends its unsaved buffer this way).

Without `target` the new file is `<stem>.schema.yaml` next to the `.sql` file, or `<stem>-2.schema.yaml`,
`-3`, ... when that name is taken. The schema is named after the file (as `schema-lang import` does).
The file is created through `workspace/applyEdit` (a CreateFile operation and an insert: the editor owns
the change and can undo it) when the client supports resource operations with "create" and
`documentChanges`; otherwise it is written to disk. It is then shown (window/showDocument, when the client
can) and a one-line summary is shown with window/showMessage: the tables imported, the statements
skipped by kind and the number of notes; the notes themselves go to window/logMessage.

Returns `{"uri": <new file>, "dialect": ..., "tables": n, "skipped": {kind: count}, "notes": [...]}`.
When nothing is created it shows an error message and returns `{"uri": None, "error": <the message>}`
(with `skipped` and `notes` when the SQL was read but holds no table): not a `.sql` file, unreadable,
not UTF-8, the target exists, nothing importable, the editor refused the edit. Malformed arguments
are a JSON-RPC error.

Why `schemaLang.server.importSql` and not `schemaLang.importSql`: vscode-languageclient registers every
command the server lists as a VS Code command of the same id, and the VS Code extension contributes
`schemaLang.importSql` itself (it must exist before any server runs: it starts the server, and it turns
the explorer's `Uri` argument into a URI string). Two registrations of one id would fail.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml
from lsprotocol import types
from pygls.uris import to_fs_path

from schema_lang.dialects import ALIASES
from schema_lang.importers import guess_dialect, import_sql

from .app import SchemaLanguageServer
from .commands import progress, show_document

log = logging.getLogger(__name__)

IMPORT_SQL = "schemaLang.server.importSql"
TITLE = "Import SQL"
DIALECTS = ("postgresql", "mysql", "sqlite")
SCHEMA_SUFFIX = ".schema.yaml"


class _Failed(Exception):
    """Nothing is created: the message is shown to the user and returned."""

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message)
        self.message, self.extra = message, extra


# --- arguments ----------------------------------------------------------------------------------


def _arguments(arguments: tuple) -> tuple[str, str | None, str | None, str | None]:
    usage = ('expected [uri] or [{"uri": ..., "dialect"?: "postgresql"|"mysql"|"sqlite", '
             '"target"?: path or URI, "text"?: string}]')
    if len(arguments) != 1:
        raise ValueError(f"{IMPORT_SQL}: {usage}")
    argument = arguments[0]
    if isinstance(argument, str):
        return argument, None, None, None
    if not isinstance(argument, dict) or not isinstance(argument.get("uri"), str):
        raise ValueError(f"{IMPORT_SQL}: {usage}")
    dialect, target, text = argument.get("dialect"), argument.get("target"), argument.get("text")
    if dialect is not None:
        if not isinstance(dialect, str):
            raise ValueError(f"{IMPORT_SQL}: 'dialect' must be a string")
        name = ALIASES.get(dialect.strip().lower(), dialect.strip().lower())
        if name not in DIALECTS:
            raise ValueError(f"{IMPORT_SQL}: unknown dialect '{dialect}': use postgresql, mysql or sqlite")
        dialect = name
    if target is not None and not isinstance(target, str):
        raise ValueError(f"{IMPORT_SQL}: 'target' must be a path or a file URI")
    if text is not None and not isinstance(text, str):
        raise ValueError(f"{IMPORT_SQL}: 'text' must be a string")
    return argument["uri"], dialect or None, target or None, text


def _file_path(uri: str) -> Path | None:
    if urlparse(uri).scheme != "file":
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def _target_path(target: str, sql_path: Path) -> Path:
    if urlparse(target).scheme == "file":
        path = _file_path(target)
        if path is None:
            raise _Failed(f"{target} is not a file path")
        return path
    if "://" in target or target.startswith("untitled:"):
        raise _Failed(f"{target} is not a file on disk")
    path = Path(target).expanduser()
    # normalized ("db/../x" is "x"), not resolved: the URI keeps the folder the client knows
    return Path(os.path.normpath(path if path.is_absolute() else sql_path.parent / path))


def schema_name(sql_path: Path) -> str:
    """The schema's name from the file's name, as `schema-lang import` makes it."""
    return re.sub(r"\W+", "_", sql_path.stem.split(".")[0]).strip("_").lower() or "imported"


def new_file_path(sql_path: Path, taken=lambda path: path.exists()) -> Path:
    """`<stem>.schema.yaml` next to the file, or `<stem>-2.schema.yaml`, `-3`, ... when taken."""
    stem = sql_path.stem
    candidate = sql_path.with_name(stem + SCHEMA_SUFFIX)
    number = 2
    while taken(candidate):
        candidate = sql_path.with_name(f"{stem}-{number}{SCHEMA_SUFFIX}")
        number += 1
    return candidate


# --- reading and importing ----------------------------------------------------------------------


def _read_sql(ls: SchemaLanguageServer, uri: str, path: Path) -> str:
    """The open buffer when the client synced it, else the file (UTF-8)."""
    document = ls.workspace.text_documents.get(unquote(uri))  # pygls keys them unquoted
    if document is not None:
        return document.source
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Failed(f"cannot read {path.name}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise _Failed(f"{path.name} is not UTF-8 text (byte {exc.start}): convert it to UTF-8 first") from None


def _import(text: str, dialect: str | None, name: str):
    """Runs in a worker thread (a dump can be large): (dialect, result, number of tables)."""

    dialect = dialect or guess_dialect(text)
    result = import_sql(text, dialect, schema_name=name)
    loaded = yaml.load(result.yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tables = loaded.get("tables") if isinstance(loaded, dict) else None
    return dialect, result, len(tables) if isinstance(tables, dict) else 0


def skipped_summary(skipped: dict[str, int]) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in skipped.items())


def summary(tables: int, sql_name: str, dialect: str, target_name: str, skipped: dict[str, int],
            notes: list[str]) -> str:
    """The one line shown when the file was created."""
    line = f"{TITLE}: {tables} table{'s' if tables != 1 else ''} from {sql_name} ({dialect}) into {target_name}"
    line += f"; skipped {skipped_summary(skipped)}" if skipped else "; nothing skipped"
    if notes:
        line += f"; {len(notes)} note{'s' if len(notes) != 1 else ''} in the log"
    return line


# --- creating the file --------------------------------------------------------------------------


def _can_create_by_edit(ls: SchemaLanguageServer) -> bool:
    caps = ls.client_capabilities
    workspace = getattr(caps, "workspace", None) if caps else None
    edit = getattr(workspace, "workspace_edit", None) if workspace else None
    if edit is None or not getattr(workspace, "apply_edit", False):
        return False
    operations = getattr(edit, "resource_operations", None) or ()
    return bool(edit.document_changes) and types.ResourceOperationKind.Create in operations


async def _create(ls: SchemaLanguageServer, target: Path, text: str, label: str) -> str:
    """Creates `target` with `text`: by the editor (workspace/applyEdit) when it can, else on disk.
    Returns how ("edit" or "disk")."""
    uri = target.as_uri()
    if _can_create_by_edit(ls):
        edit = types.WorkspaceEdit(document_changes=[
            types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)),
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[types.TextEdit(range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                                      new_text=text)]),
        ])
        try:
            response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=label))
        except Exception as exc:  # noqa: BLE001 - an error response from the client
            raise _Failed(f"the editor could not create {target.name}: {exc}") from None
        if not response.applied:
            reason = f": {response.failure_reason}" if response.failure_reason else ""
            raise _Failed(f"the editor did not create {target.name}{reason}")
        return "edit"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
            f.write(text)
    except FileExistsError:
        raise _Failed(f"{target.name} already exists: nothing written") from None
    except OSError as exc:
        raise _Failed(f"cannot write {target}: {exc.strerror or exc}") from None
    return "disk"


# --- the command --------------------------------------------------------------------------------
async def import_sql_command(ls: SchemaLanguageServer, *arguments):
    uri, dialect, target_argument, text = _arguments(arguments)
    try:
        async with progress(ls, TITLE) as report:
            return await _run(ls, uri, dialect, target_argument, text, report)
    except _Failed as failure:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"{TITLE}: {failure.message}"))
        return {"uri": None, "error": failure.message, **failure.extra}


def register(server: SchemaLanguageServer) -> None:
    server.command(IMPORT_SQL)(import_sql_command)


async def _run(ls: SchemaLanguageServer, uri: str, dialect: str | None, target_argument: str | None,
               text: str | None, report) -> dict:
    path = _file_path(uri)
    if path is None:
        raise _Failed(f"{uri} is not a file on disk: save it as a .sql file first")
    if path.suffix.lower() != ".sql":
        raise _Failed(f"{path.name} is not a .sql file")
    if text is None:
        text = _read_sql(ls, uri, path)
    text = text.replace("\r\n", "\n")

    if target_argument is not None:
        target = _target_path(target_argument, path)
        if target.exists():
            raise _Failed(f"{target} already exists: choose another target (an existing file is never replaced)")
    else:
        open_paths = {Path(d.path) for d in list(ls.workspace.text_documents.values()) if d.path}
        target = new_file_path(path, lambda p: p.exists() or p in open_paths)

    report("importing", 20)
    try:
        dialect, result, tables = await asyncio.to_thread(_import, text, dialect, schema_name(path))
    except Exception as exc:  # noqa: BLE001 - the engine failed on this input: say so, no traceback
        log.exception("importing %s failed", uri)
        raise _Failed(f"could not import {path.name}: {exc}") from None

    for note in result.notes:
        ls.window_log_message(types.LogMessageParams(types.MessageType.Warning, f"{TITLE} ({path.name}): {note}"))
    if tables == 0:
        message = f"no table to import in {path.name} ({dialect}): no CREATE TABLE could be read"
        if result.skipped:
            message += f"; skipped {skipped_summary(result.skipped)}"
        if result.notes:
            message += f"; {len(result.notes)} note{'s' if len(result.notes) != 1 else ''} in the log"
        raise _Failed(message, skipped=result.skipped, notes=result.notes)

    report("creating the file", 70)
    how = await _create(ls, target, result.yaml_text, f"{TITLE} from {path.name}")
    log.info("imported %s into %s (%s)", path, target, how)
    target_uri = target.as_uri()
    await show_document(ls, target_uri)
    ls.window_show_message(types.ShowMessageParams(
        types.MessageType.Info, summary(tables, path.name, dialect, target.name, result.skipped, result.notes)))
    return {"uri": target_uri, "dialect": dialect, "tables": tables, "skipped": result.skipped,
            "notes": result.notes}
