"""Migrations in the editor: findings against git HEAD as diagnostics, the command, the source action."""
from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import change_document, diagnostics_after, open_document
from lsprotocol import types
from pytest_lsp import client_capabilities

from schema_lang.core.vcs import git_environment

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

COMMITTED = """schema: shop
dialect: postgresql
tables:
  users:
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
      note: text
    indexes:
      - user_id
"""

# orders.note dropped, orders.status added NOT NULL without a default
EDITED = COMMITTED.replace("      note: text\n", "      status: varchar(20) not null\n")

GENERATE = "schemaLang.generateMigration"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


def under(text: str, d: types.Diagnostic) -> str:
    """The text a single-line range covers (the schemas here are ASCII: any encoding counts alike)."""
    assert d.range.start.line == d.range.end.line
    return text.splitlines()[d.range.start.line][d.range.start.character:d.range.end.character]


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


def migration_codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics if str(d.code).startswith("migration/"))


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=schema-lang tests", "-c", "user.email=tests@example.invalid",
                "-c", "commit.gpgsign=false"]  # a fresh CI machine has no identity
    subprocess.run(["git", *identity, *args], cwd=repo, env=git_environment(), check=True, capture_output=True)


def committed_repo(folder: Path, text: str = COMMITTED) -> Path:
    """A git repository in `folder` with shop.schema.yaml committed; returns the file."""
    git(folder, "init", "-q")
    path = folder / "shop.schema.yaml"
    path.write_text(text, encoding="utf-8")
    git(folder, "add", "shop.schema.yaml")
    git(folder, "commit", "-q", "-m", "shop")
    return path


def outside_git(folder: Path) -> None:
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=folder, env=git_environment(),
                            capture_output=True)
    if inside.returncode == 0:
        pytest.skip(f"{folder} lies inside a git repository")


async def execute(client, *arguments):
    return await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=GENERATE, arguments=list(arguments))), 30)


async def source_action_titles(client, uri: str) -> list[str]:
    # a CodeAction carrying a command is decoded as a bare Command by lsprotocol 2025.0.0 on the test
    # side, but its title survives: enough to tell whether the action is offered
    actions = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]))), 10)
    return [a.title for a in actions or ()]


def messages(client, kind: types.MessageType) -> list[str]:
    return [m.message for m in client.messages if m.type == kind]


async def test_findings_are_diagnostics_while_the_buffer_differs_from_head(client):
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED))
    assert migration_codes(diagnostics) == ["migration/adds-not-null-without-default", "migration/drops-column"]
    drop = next(d for d in diagnostics if d.code == "migration/drops-column")
    add = next(d for d in diagnostics if d.code == "migration/adds-not-null-without-default")
    # the dropped column is gone from the buffer: reported on its table's name line
    assert drop.range.start.line == line_of(EDITED, "  orders:")
    assert under(EDITED, drop) and under(EDITED, drop) in "  orders:"
    assert add.range.start.line == line_of(EDITED, "status:")
    assert under(EDITED, add) and under(EDITED, add) in "      status: varchar(20) not null"
    assert "note" in drop.message and "status" in add.message
    assert drop.source == "schema-lang"

    back = await diagnostics_after(client, uri, lambda: change_document(client, uri, COMMITTED, 2))
    assert migration_codes(back) == []
    assert back == []  # and the committed schema itself is clean


async def test_head_is_read_again_on_save(client):
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED))
    assert migration_codes(diagnostics)
    path.write_text(EDITED, encoding="utf-8")
    git(client.workspace, "commit", "-q", "-am", "edited")  # HEAD now holds the buffer's text
    saved = await diagnostics_after(client, uri, lambda: client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))))
    assert migration_codes(saved) == []


async def test_setting_turns_the_findings_off(fresh_client):
    client = fresh_client  # changes a setting the server keeps
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    assert migration_codes(await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED)))
    off = await diagnostics_after(client, uri, lambda: client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"schemaLang": {"migrationDiagnostics": False}})))
    assert migration_codes(off) == []
    on = await diagnostics_after(client, uri, lambda: client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"schemaLang": {"migrationDiagnostics": True}})))
    assert migration_codes(on) == ["migration/adds-not-null-without-default", "migration/drops-column"]
    # rule levels and ignore comments apply to them as to any finding
    quiet = await diagnostics_after(client, uri, lambda: client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"schemaLang": {"rules": {"migration/drops-column": "off"}}})))
    assert migration_codes(quiet) == ["migration/adds-not-null-without-default"]
    ignored = EDITED.replace("not null\n", "not null  # schema-lang: ignore[migration/adds-not-null-without-default]\n")
    assert codes(await diagnostics_after(client, uri, lambda: change_document(client, uri, ignored, 2))) == []


async def test_migration_rules_are_known_from_the_first_analysis(client):
    """A file may name the migration rules before any migration was looked at."""
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    text = EDITED.replace("not null\n", "not null  # schema-lang: ignore[migration/adds-not-null-without-default]\n")
    text = text.replace("dialect: postgresql\n", "dialect: postgresql\nrules: {migration/drops-column: error}\n")
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, text))
    assert codes(diagnostics) == ["migration/drops-column"]  # no schema/unknown-rule
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error  # the file's level


async def test_command_writes_numbered_up_and_down_scripts(client):
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED))
    result = await execute(client, uri)
    folder = client.workspace / "migrations"
    up, down = folder / "0001_migration.up.sql", folder / "0001_migration.down.sql"
    assert result["uri"] == up.as_uri() and result["downUri"] == down.as_uri()
    up_sql, down_sql = up.read_text(), down.read_text()
    assert "ALTER TABLE" in up_sql and re.search(r"DROP COLUMN\s+\"?note", up_sql)
    assert re.search(r"ADD COLUMN\s+\"?note", down_sql)  # the way back re-adds the column
    rules = {f["rule"]: f for f in result["findings"]}
    assert rules["migration/drops-column"]["destructive"] is True
    assert "migration/adds-not-null-without-default" in rules
    assert all(set(f) == {"rule", "message", "destructive"} for f in result["findings"])
    warnings = messages(client, types.MessageType.Warning)
    assert len(warnings) == 1 and "0001_migration.up.sql" in warnings[0] and "note" in warnings[0]
    capabilities = client_capabilities(client.profile)
    if getattr(capabilities.window, "show_document", None) is not None:
        assert [d.uri for d in client.shown_documents] == [up.as_uri()]
    if capabilities.window.work_done_progress:
        assert client.progress_reports

    second = await execute(client, {"uri": uri})
    assert second["uri"] == (folder / "0002_migration.up.sql").as_uri()
    named = await execute(client, {"uri": uri, "name": "drop note"})
    assert named["uri"] == (folder / "0003_drop_note.up.sql").as_uri()
    assert sorted(p.name for p in folder.iterdir()) == [
        "0001_migration.down.sql", "0001_migration.up.sql", "0002_migration.down.sql", "0002_migration.up.sql",
        "0003_drop_note.down.sql", "0003_drop_note.up.sql"]
    assert path.read_text() == COMMITTED  # the command reads the buffer, it does not save it


async def test_migrations_dir_setting(fresh_client):
    client = fresh_client  # changes a setting the server keeps
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED))
    await diagnostics_after(client, uri, lambda: client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"schemaLang": {"migrationsDir": "db/changes"}})))
    result = await execute(client, uri)
    assert result["uri"] == (client.workspace / "db" / "changes" / "0001_migration.up.sql").as_uri()


async def test_base_file_instead_of_head(client):
    outside_git(client.workspace)
    base = client.workspace / "released" / "shop.schema.yaml"
    base.parent.mkdir()
    base.write_text(COMMITTED, encoding="utf-8")
    path = client.workspace / "shop.schema.yaml"
    path.write_text(EDITED, encoding="utf-8")
    uri = path.as_uri()
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED))
    assert migration_codes(diagnostics) == []  # no HEAD to compare with
    assert "Generate migration from HEAD" not in await source_action_titles(client, uri)

    by_path = await execute(client, {"uri": uri, "base": str(base), "name": "from_release"})
    up = client.workspace / "migrations" / "0001_from_release.up.sql"
    assert by_path["uri"] == up.as_uri() and "ALTER TABLE" in up.read_text()
    relative = await execute(client, {"uri": uri, "base": "released/shop.schema.yaml"})
    assert relative["uri"].endswith("/migrations/0002_migration.up.sql")
    by_uri = await execute(client, {"uri": uri, "base": base.as_uri()})
    assert by_uri["uri"].endswith("/migrations/0003_migration.up.sql")


async def test_without_head_or_base_nothing_is_written(client):
    outside_git(client.workspace)
    path = client.workspace / "shop.schema.yaml"
    path.write_text(EDITED, encoding="utf-8")
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, EDITED))
    result = await execute(client, uri)
    assert result["uri"] is None and "not committed in git: pass a base file" in result["error"]
    assert any("not committed in git" in m for m in messages(client, types.MessageType.Error))
    missing = await execute(client, {"uri": uri, "base": "nowhere.schema.yaml"})
    assert missing["uri"] is None and "nowhere.schema.yaml" in missing["error"]
    assert not (client.workspace / "migrations").exists()


async def test_no_change_and_broken_versions(client):
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, COMMITTED))
    same = await execute(client, uri)
    assert same == {"uri": None, "error": "no changes"}
    assert any("no changes" in m for m in messages(client, types.MessageType.Info))

    broken = EDITED.replace("references users", "references usrs")
    diagnostics = await diagnostics_after(client, uri, lambda: change_document(client, uri, broken, 2))
    assert migration_codes(diagnostics) == []  # the edited version does not load: nothing to compare
    result = await execute(client, uri)
    assert result["uri"] is None and "the edited version has 1 error(s)" in result["error"]
    assert not (client.workspace / "migrations").exists()


async def test_a_change_that_cannot_be_made_in_place_is_refused(client):
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    partitioned = COMMITTED.replace("  orders:\n", "  orders:\n    partition_by: hash(id)\n")
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, partitioned))
    assert migration_codes(diagnostics) == ["migration/unsupported-change"]
    result = await execute(client, uri)
    assert result["uri"] is None and "cannot be made in place" in result["error"]
    assert not (client.workspace / "migrations").exists()


async def test_bad_arguments_are_an_error_response(client):
    with pytest.raises(Exception, match="expected \\[uri\\]"):
        await execute(client, {"base": "x"})
    with pytest.raises(Exception, match="'online' must be"):
        await execute(client, {"uri": "file:///x.schema.yaml", "online": "yes"})


async def test_source_action_only_while_the_buffer_differs(client):
    path = committed_repo(client.workspace)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, COMMITTED))
    titles = await source_action_titles(client, uri)
    assert "Generate DDL (PostgreSQL)" in titles  # the other source actions are there
    assert "Generate migration from HEAD" not in titles
    await diagnostics_after(client, uri, lambda: change_document(client, uri, EDITED, 2))
    assert "Generate migration from HEAD" in await source_action_titles(client, uri)
    await diagnostics_after(client, uri, lambda: change_document(client, uri, COMMITTED, 3))
    assert "Generate migration from HEAD" not in await source_action_titles(client, uri)
