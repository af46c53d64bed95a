"""Migrations: the change from a schema file's last committed version to the open buffer.

Command `schemaLang.generateMigration`, arguments `[uri]` or
`[{"uri": ..., "base": ..., "name": ..., "online": ...}]`:

- `base` (optional): a path (relative to the schema file's folder) or a `file:` URI of a file to compare
  with instead of the file's version at git HEAD;
- `name` (optional, default `migration`): the migration's name, in file names `NNNN_<name>.up.sql`
  (lowercased, other characters than letters and digits become `_`: see `migration_paths`);
- `online` (optional, default false): ask the engine for a plan that avoids long locks.

It writes `NNNN_<name>.up.sql` and `NNNN_<name>.down.sql` into the setting `migrationsDir` (default
`migrations`, relative to the schema file's folder; created when missing; never overwrites), opens the up
script with window/showDocument when the client can, warns with window/showMessage when a finding is
destructive, and returns `{"uri": up, "downUri": down, "findings": [{"rule", "message", "destructive"}]}`.
When nothing is written it shows a message and returns `{"uri": None, "error": <the message>}`:
no baseline (not committed in git and no `base`), an unreadable base, errors in either version, a change
that cannot be made in place (`migration/unsupported-change`: refused, as `schema-lang migrate` does), or
no change at all (`"error": "no changes"`, with an information message, not an error one). Malformed
arguments are a JSON-RPC error.  Destructive changes are written (the editor's user asked for the
migration; the warning and the scripts' header comments say what is lost).  The dialect is the setting
`dialect` when set, else the file's.

The HEAD version the command and the diagnostics compare with is kept by baseline.py.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import cast
from urllib.parse import urlparse

from lsprotocol import types
from pygls.uris import to_fs_path

from schema_lang.core.diagnostics import LineIndex
from schema_lang.core.vcs import committed_text
from schema_lang.generate.migrate import MigrationError, migration_paths, plan_texts

from .app import SchemaLanguageServer
from .baseline import GENERATE_MIGRATION, TITLE, file_path, set_baseline
from .commands import progress, show_document
from .diagnostics import ask_to_pull, schedule

log = logging.getLogger(__name__)

NO_CHANGES = "no changes"


def _arguments(arguments: tuple) -> tuple[str, str | None, str, bool]:
    usage = 'expected [uri] or [{"uri": ..., "base"?: path or URI, "name"?: string, "online"?: bool}]'
    if len(arguments) != 1:
        raise ValueError(f"{GENERATE_MIGRATION}: {usage}")
    argument = arguments[0]
    if isinstance(argument, str):
        return argument, None, "migration", False
    if not isinstance(argument, dict) or not isinstance(argument.get("uri"), str):
        raise ValueError(f"{GENERATE_MIGRATION}: {usage}")
    base, name, online = argument.get("base"), argument.get("name"), argument.get("online", False)
    if base is not None and not isinstance(base, str):
        raise ValueError(f"{GENERATE_MIGRATION}: 'base' must be a path or a URI")
    if name is not None and not isinstance(name, str):
        raise ValueError(f"{GENERATE_MIGRATION}: 'name' must be a string")
    if not isinstance(online, bool):
        raise ValueError(f"{GENERATE_MIGRATION}: 'online' must be true or false")
    return argument["uri"], base or None, name or "migration", online


def _base_path(base: str, schema_path: Path) -> Path:
    if urlparse(base).scheme == "file":
        return Path(cast(str, to_fs_path(base)))  # a file: URI always has a path
    path = Path(base).expanduser()
    return path if path.is_absolute() else schema_path.parent / path


def _error_summary(error, old_text: str, new_text: str, what_old: str) -> str:
    version = what_old if error.side == "old" else "edited"
    count = len(error.diagnostics)
    text = f"the {version} version has {count} error(s); fix them first"
    if error.diagnostics:
        first = error.diagnostics[0]
        line = LineIndex(old_text if error.side == "old" else new_text).position(first.start).line + 1
        text += f" (line {line}: {first.message})"
    return text


async def generate_migration(ls: SchemaLanguageServer, *arguments):
    uri, base, name, online = _arguments(arguments)

    def fail(message: str, kind: types.MessageType = types.MessageType.Error, error: str | None = None) -> dict:
        ls.window_show_message(types.ShowMessageParams(kind, f"{TITLE}: {message}"))
        return {"uri": None, "error": error or message}

    path = file_path(uri)
    if path is None:
        return fail(f"{uri} is not a file on disk")
    async with progress(ls, TITLE) as report:
        try:
            new_text = ls.workspace.get_text_document(uri).source  # the buffer, else the file
        except OSError as exc:
            return fail(f"cannot read {path}: {exc.strerror or exc}")
        old_text: str | None
        if base is not None:
            base_path = _base_path(base, path)
            try:
                old_text = base_path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                return fail(f"cannot read the base file {base_path}: {exc.strerror or exc}")
            what_old = "base"
        else:
            old_text = await asyncio.to_thread(committed_text, path)
            state = ls.states.get(uri)
            if state is not None and set_baseline(state, old_text):  # HEAD moved since the last save
                schedule(ls, uri, 0)
                ask_to_pull(ls)
            if old_text is None:
                return fail(f"{path.name} is not committed in git: pass a base file to compare with")
            what_old = "committed"
        report("comparing", 30)
        try:
            here = ls.options_for(uri).path
            migration = plan_texts(old_text, new_text, dialect=ls.settings.dialect, online=online,
                                   old_path=here, new_path=here)
        except MigrationError as error:
            return fail(_error_summary(error, old_text, new_text, what_old))
        if migration.unsupported:  # as the CLI: a script that silently skips a change is worse than none
            listed = "; ".join(f.message for f in migration.unsupported)
            return fail(f"nothing written: {len(migration.unsupported)} change(s) cannot be made in place: "
                        f"{listed}")
        if migration.empty:
            than = "since HEAD" if base is None else f"from {Path(base).name}"
            return fail(f"no changes {than}", types.MessageType.Info, NO_CHANGES)
        report("writing", 70)
        out_dir = path.parent / ls.settings.migrations_dir
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            up, down = migration_paths(out_dir, name)
            with open(up, "x", encoding="utf-8") as f:  # "x": never overwrite a migration
                f.write(migration.up.sql())
            try:
                with open(down, "x", encoding="utf-8") as f:
                    f.write(migration.down.sql())
            except OSError:
                up.unlink()  # no up script without its down script
                raise
        except OSError as exc:
            return fail(f"cannot write the migration in {out_dir}: {exc.strerror or exc}")
        destructive = [f for f in migration.findings if f.destructive]
        if destructive:
            listed = "; ".join(f.message for f in destructive[:5])
            more = f"; and {len(destructive) - 5} more" if len(destructive) > 5 else ""
            ls.window_show_message(types.ShowMessageParams(
                types.MessageType.Warning,
                f"{TITLE}: {up.name} destroys data: {listed}{more}. Check it before you run it."))
        await show_document(ls, up.as_uri())
        return {"uri": up.as_uri(), "downUri": down.as_uri(),
                "findings": [{"rule": f.rule, "message": f.message, "destructive": f.destructive}
                             for f in migration.findings]}


def register(server: SchemaLanguageServer) -> None:
    server.command(GENERATE_MIGRATION)(generate_migration)
