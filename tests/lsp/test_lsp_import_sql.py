"""Import SQL in the editor: the command `schemaLang.server.importSql` (server/import_sql.py).

Both profiles run every test: the VS Code profile declares `documentChanges` and the resource
operation "create", so the server creates the file through workspace/applyEdit (applied to disk by
the handler below, as an editor would); the Neovim profile has no `documentChanges`, so the server
writes the file itself. The fixture `tweaked` swaps that around."""
from __future__ import annotations

import asyncio
from pathlib import Path

import attrs
import pytest
import pytest_lsp
from conftest import ROOT, SERVER, apply_lsp_edits
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from schema_lang.importers import import_sql

IMPORT = "schemaLang.server.importSql"

DUMP = """--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TABLE public.customers (
    id bigint NOT NULL,
    email character varying(255) NOT NULL,
    location public.geometry
);

ALTER TABLE public.customers OWNER TO shop;

CREATE TABLE public.orders (
    id bigint NOT NULL,
    customer_id bigint NOT NULL,
    total numeric(10,2) DEFAULT 0 NOT NULL
);

COPY public.customers (id, email, location) FROM stdin;
1	a@example.com	\\N
\\.

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);
CREATE INDEX orders_customer_id_idx ON public.orders USING btree (customer_id);
CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch();
"""

DUMP_SKIPPED = {"ALTER TABLE": 1, "COPY": 1, "CREATE EXTENSION": 1, "CREATE FUNCTION": 1, "CREATE TRIGGER": 1,
                "SELECT": 1, "SET": 2}

# read as PostgreSQL, MySQL's backquotes leave no table: the dialect matters
MYSQL_DUMP = """CREATE TABLE `users` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `name` varchar(100) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'a');
UNLOCK TABLES;
"""


# --- an editor's workspace/applyEdit, applied to disk ----------------------------------------------

def handle_apply_edit(client: LanguageClient) -> None:
    """Registers a workspace/applyEdit handler that applies CreateFile and text edits to disk as an
    editor would (a CreateFile on an existing file without overwrite/ignoreIfExists fails the whole
    edit); every request is kept in `client.applied_edits`. `client.refuse_edits = True` answers
    applied=false instead."""
    fresh = not hasattr(client, "applied_edits")  # a shared client keeps the handler of an earlier test
    client.applied_edits = []
    client.refuse_edits = False
    utf8 = client_capabilities(client.profile).general.position_encodings == (types.PositionEncodingKind.Utf8,)

    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.applied_edits.append(params)
        if client.refuse_edits:
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="refused by the test")
        for change in params.edit.document_changes or ():
            if isinstance(change, types.CreateFile):
                path = Path(to_fs_path(change.uri))
                options = change.options or types.CreateFileOptions()
                if path.exists() and not (options.overwrite or options.ignore_if_exists):
                    return types.ApplyWorkspaceEditResult(applied=False, failure_reason=f"{path} exists")
                path.parent.mkdir(parents=True, exist_ok=True)
                if options.overwrite or not path.exists():
                    path.write_text("", encoding="utf-8")
            elif isinstance(change, types.TextDocumentEdit):
                path = Path(to_fs_path(change.text_document.uri))
                text = path.read_text(encoding="utf-8")
                path.write_text(apply_lsp_edits(text, change.edits, utf8), encoding="utf-8")
            else:
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason=f"unexpected {change!r}")
        for uri, edits in (params.edit.changes or {}).items():
            path = Path(to_fs_path(uri))
            path.write_text(apply_lsp_edits(path.read_text(encoding="utf-8"), edits, utf8), encoding="utf-8")
        return types.ApplyWorkspaceEditResult(applied=True)

    if fresh:
        client.feature(types.WORKSPACE_APPLY_EDIT)(apply_edit)


@pytest.fixture
def editor(client):
    """The profile's client, with the workspace/applyEdit handler."""
    handle_apply_edit(client)
    return client


def by_edit(capabilities: types.ClientCapabilities) -> bool:
    edit = capabilities.workspace.workspace_edit
    creates = types.ResourceOperationKind.Create in ((edit.resource_operations or ()) if edit else ())
    return bool(edit and edit.document_changes and creates)


def expects_edit(client: LanguageClient) -> bool:
    return by_edit(getattr(client, "capabilities_sent", None) or client_capabilities(client.profile))


# profile -> how its capabilities are changed: the other way of creating the file
TWEAKS = {
    "visual-studio-code": lambda edit: attrs.evolve(edit, resource_operations=(types.ResourceOperationKind.Rename,
                                                                               types.ResourceOperationKind.Delete)),
    "neovim": lambda edit: attrs.evolve(edit, document_changes=True),
}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env={"PYTHONPATH": str(ROOT)}),
                    params=list(TWEAKS))
async def tweaked(request, lsp_client: LanguageClient, tmp_path):
    """VS Code without the "create" resource operation (the server writes the file), Neovim with
    `documentChanges` (the server sends workspace/applyEdit)."""
    capabilities = client_capabilities(request.param)
    workspace = attrs.evolve(capabilities.workspace,
                             workspace_edit=TWEAKS[request.param](capabilities.workspace.workspace_edit))
    capabilities = attrs.evolve(capabilities, workspace=workspace)
    lsp_client.profile, lsp_client.workspace, lsp_client.capabilities_sent = request.param, tmp_path, capabilities
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"debounceMs": 20}, root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")]))
    handle_apply_edit(lsp_client)
    yield
    await lsp_client.shutdown_session()


# --- helpers ----------------------------------------------------------------------------------------

async def execute(client, *arguments):
    return await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=IMPORT, arguments=list(arguments))), 30)


def messages(client, kind: types.MessageType) -> list[str]:
    return [m.message for m in client.messages if m.type == kind]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def assert_created(client, target: Path, number: int = 1) -> None:
    """The file came the way the client's capabilities call for: `number` applyEdit requests so far,
    each a CreateFile of a new file then one insert at the start, or none at all."""
    if not expects_edit(client):
        assert client.applied_edits == []
        return
    assert len(client.applied_edits) == number
    changes = client.applied_edits[-1].edit.document_changes
    assert [type(c) for c in changes] == [types.CreateFile, types.TextDocumentEdit]
    create, insert = changes
    assert create.uri == target.as_uri() and create.options.overwrite is False
    assert create.options.ignore_if_exists is False
    assert insert.text_document.uri == target.as_uri() and insert.text_document.version is None
    (edit,) = insert.edits
    assert edit.range == types.Range(types.Position(0, 0), types.Position(0, 0))
    assert edit.new_text == target.read_text(encoding="utf-8")
    assert client.applied_edits[-1].label.startswith("Import SQL from ")


# --- the tests ---------------------------------------------------------------------------------------

async def test_a_dump_becomes_a_schema_file_next_to_it(editor):
    client = editor
    sql = write(client.workspace / "dump.sql", DUMP)
    expected = import_sql(DUMP, "postgresql", schema_name="dump")
    result = await execute(client, sql.as_uri())

    target = client.workspace / "dump.schema.yaml"
    assert target.read_text(encoding="utf-8") == expected.yaml_text
    assert result == {"uri": target.as_uri(), "dialect": "postgresql", "tables": 2, "skipped": DUMP_SKIPPED,
                      "notes": expected.notes}
    assert expected.notes and "geometry" in expected.notes[0]
    assert_created(client, target)

    # the one-line summary, and the notes in the log
    assert messages(client, types.MessageType.Info) == [
        "Import SQL: 2 tables from dump.sql (postgresql) into dump.schema.yaml; skipped 1 ALTER TABLE, 1 COPY, "
        "1 CREATE EXTENSION, 1 CREATE FUNCTION, 1 CREATE TRIGGER, 1 SELECT, 2 SET; 1 note in the log"]
    assert messages(client, types.MessageType.Error) == []
    logged = [m.message for m in client.log_messages if m.type == types.MessageType.Warning]
    assert logged == [f"Import SQL (dump.sql): {note}" for note in expected.notes]

    capabilities = client_capabilities(client.profile)
    if getattr(capabilities.window, "show_document", None) is not None:
        assert [(d.uri, d.take_focus) for d in client.shown_documents] == [(target.as_uri(), True)]
    if capabilities.window.work_done_progress:
        assert client.progress_reports
    assert sql.read_text(encoding="utf-8") == DUMP  # the source is left alone


async def test_a_taken_name_is_never_overwritten(editor):
    client = editor
    sql = write(client.workspace / "dump.sql", DUMP)
    mine = write(client.workspace / "dump.schema.yaml", "schema: mine\n")
    first = await execute(client, sql.as_uri())
    assert first["uri"] == (client.workspace / "dump-2.schema.yaml").as_uri()
    assert_created(client, client.workspace / "dump-2.schema.yaml")
    second = await execute(client, {"uri": sql.as_uri()})
    assert second["uri"] == (client.workspace / "dump-3.schema.yaml").as_uri()
    assert_created(client, client.workspace / "dump-3.schema.yaml", number=2)
    assert mine.read_text(encoding="utf-8") == "schema: mine\n"
    text = import_sql(DUMP, "postgresql", schema_name="dump").yaml_text  # the name is the file's, not the target's
    assert (client.workspace / "dump-2.schema.yaml").read_text(encoding="utf-8") == text
    assert (client.workspace / "dump-3.schema.yaml").read_text(encoding="utf-8") == text
    assert "into dump-3.schema.yaml" in messages(client, types.MessageType.Info)[-1]


async def test_the_open_buffer_wins_over_the_file(editor):
    client = editor
    sql = write(client.workspace / "Legacy Shop.sql", "-- nothing yet\n")
    edited = "CREATE TABLE items (id bigint PRIMARY KEY, label text NOT NULL);\n"
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=sql.as_uri(), language_id="sql", version=3, text=edited)))
    result = await execute(client, {"uri": sql.as_uri()})
    target = client.workspace / "Legacy Shop.schema.yaml"
    assert result["uri"] == target.as_uri() and result["tables"] == 1, result
    assert target.read_text(encoding="utf-8") == import_sql(edited, "postgresql", schema_name="legacy_shop").yaml_text
    assert target.read_text(encoding="utf-8").startswith("schema: legacy_shop\n")

    # `text`: what a client that does not sync .sql buffers sends (the VS Code extension)
    sent = "CREATE TABLE tags (id integer PRIMARY KEY);\nCREATE TABLE notes (id integer PRIMARY KEY);\n"
    again = await execute(client, {"uri": sql.as_uri(), "text": sent})
    assert again["uri"] == (client.workspace / "Legacy Shop-2.schema.yaml").as_uri() and again["tables"] == 2
    assert "tags:" in (client.workspace / "Legacy Shop-2.schema.yaml").read_text(encoding="utf-8")


async def test_dialect_is_guessed_or_given(editor):
    client = editor
    sql = write(client.workspace / "legacy.sql", MYSQL_DUMP)
    guessed = await execute(client, sql.as_uri())
    assert guessed["dialect"] == "mysql" and guessed["tables"] == 1 and guessed["skipped"] == {
        "INSERT": 1, "LOCK": 1, "UNLOCK": 1}
    assert (client.workspace / "legacy.schema.yaml").read_text(encoding="utf-8") == \
        import_sql(MYSQL_DUMP, "mysql", schema_name="legacy").yaml_text
    given = await execute(client, {"uri": sql.as_uri(), "dialect": "MariaDB"})  # an alias
    assert given["dialect"] == "mysql" and given["uri"].endswith("/legacy-2.schema.yaml")
    # read as PostgreSQL, nothing of it is a table: refused, nothing created
    wrong = await execute(client, {"uri": sql.as_uri(), "dialect": "postgresql"})
    assert wrong["uri"] is None and "no table to import in legacy.sql (postgresql)" in wrong["error"]
    assert wrong["skipped"] == {"CREATE TABLE": 1, "INSERT": 1, "LOCK": 1, "UNLOCK": 1}
    assert not (client.workspace / "legacy-3.schema.yaml").exists()


async def test_explicit_target(editor):
    client = editor
    sql = write(client.workspace / "db" / "dump.sql", DUMP)
    relative = await execute(client, {"uri": sql.as_uri(), "target": "../schemas/shop.schema.yaml"})
    target = client.workspace / "schemas" / "shop.schema.yaml"
    assert relative["uri"] == target.as_uri()
    assert target.read_text(encoding="utf-8") == import_sql(DUMP, "postgresql", schema_name="dump").yaml_text
    by_uri = client.workspace / "other.schema.yaml"
    result = await execute(client, {"uri": sql.as_uri(), "target": by_uri.as_uri(), "dialect": "postgresql"})
    assert result["uri"] == by_uri.as_uri() and by_uri.exists()
    assert_created(client, by_uri, number=2)

    # an existing target is refused, not replaced, and not renamed either
    before = by_uri.read_text(encoding="utf-8")
    exists = await execute(client, {"uri": sql.as_uri(), "target": str(by_uri)})
    assert exists["uri"] is None and "already exists" in exists["error"]
    assert by_uri.read_text(encoding="utf-8") == before
    assert any("already exists" in m for m in messages(client, types.MessageType.Error))
    assert sorted(p.name for p in client.workspace.rglob("*.schema.yaml")) == ["other.schema.yaml", "shop.schema.yaml"]


async def test_errors_are_messages_not_tracebacks(editor):
    client = editor
    notes = write(client.workspace / "notes.txt", DUMP)
    result = await execute(client, notes.as_uri())
    assert result == {"uri": None, "error": "notes.txt is not a .sql file"}

    missing = await execute(client, (client.workspace / "gone.sql").as_uri())
    assert missing["uri"] is None and missing["error"].startswith("cannot read gone.sql")

    latin1 = client.workspace / "latin1.sql"
    latin1.write_bytes("CREATE TABLE caf\u00e9 (id int);\n".encode("latin-1"))
    not_utf8 = await execute(client, latin1.as_uri())
    assert not_utf8["uri"] is None and "not UTF-8" in not_utf8["error"]

    empty = write(client.workspace / "settings.sql", "SET statement_timeout = 0;\nSELECT 1;\n")
    nothing = await execute(client, empty.as_uri())
    assert nothing == {"uri": None, "error": "no table to import in settings.sql (postgresql): no CREATE TABLE "
                       "could be read; skipped 1 SELECT, 1 SET", "skipped": {"SELECT": 1, "SET": 1}, "notes": []}

    untitled = await execute(client, {"uri": "untitled:Untitled-1"})
    assert untitled["uri"] is None and "is not a file on disk" in untitled["error"]

    errors = messages(client, types.MessageType.Error)
    assert len(errors) == 5 and all(m.startswith("Import SQL: ") for m in errors)
    assert not any("Traceback" in m.message for m in client.messages + client.log_messages)
    assert sorted(p.name for p in client.workspace.iterdir()) == ["latin1.sql", "notes.txt", "settings.sql"]
    if expects_edit(client):
        assert client.applied_edits == []


async def test_bad_arguments_are_an_error_response(editor):
    client = editor
    with pytest.raises(Exception, match=r"expected \[uri\]"):
        await execute(client, {"dialect": "mysql"})
    with pytest.raises(Exception, match=r"expected \[uri\]"):
        await execute(client, "file:///a.sql", "mysql")
    with pytest.raises(Exception, match="unknown dialect 'oracle'"):
        await execute(client, {"uri": "file:///a.sql", "dialect": "oracle"})
    with pytest.raises(Exception, match="'target' must be"):
        await execute(client, {"uri": "file:///a.sql", "target": 3})


async def test_the_other_way_of_creating_the_file(tweaked):
    client = tweaked
    sql = write(client.workspace / "dump.sql", DUMP)
    result = await execute(client, sql.as_uri())
    target = client.workspace / "dump.schema.yaml"
    assert result["uri"] == target.as_uri() and result["tables"] == 2
    assert target.read_text(encoding="utf-8") == import_sql(DUMP, "postgresql", schema_name="dump").yaml_text
    assert expects_edit(client) == (client.profile == "neovim")
    assert_created(client, target)


async def test_an_edit_the_editor_refuses_creates_nothing(editor):
    client = editor
    client.refuse_edits = True
    sql = write(client.workspace / "dump.sql", DUMP)
    result = await execute(client, sql.as_uri())
    target = client.workspace / "dump.schema.yaml"
    if not expects_edit(client):  # never asked: the server writes the file itself
        assert result["uri"] == target.as_uri() and target.exists() and client.applied_edits == []
        return
    assert result == {"uri": None, "error": "the editor did not create dump.schema.yaml: refused by the test"}
    assert len(client.applied_edits) == 1 and not target.exists()
    assert client.shown_documents == []
    assert messages(client, types.MessageType.Error) == [
        "Import SQL: the editor did not create dump.schema.yaml: refused by the test"]
