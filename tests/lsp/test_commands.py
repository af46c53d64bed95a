"""Generators run from the editor: DDL, design document, ER diagram."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, diagnostics_after, open_document
from lsprotocol import types
from pytest_lsp import client_capabilities

SHOP = (ROOT / "examples" / "shop.schema.yaml").read_text()


async def execute(client, command: str, *arguments):
    return await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))), 30)


def shows_documents(client) -> bool:
    window = client_capabilities(client.profile).window
    return getattr(window, "show_document", None) is not None


async def test_generate_ddl_opens_a_script_that_runs(client):
    path = client.workspace / "shop.schema.yaml"
    path.write_text(SHOP)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, SHOP))
    result = await execute(client, "schemaLang.generateDdl", uri, "sqlite")
    target = Path(client.workspace / "shop.sqlite.sql")
    assert result["uri"] == target.as_uri()
    script = target.read_text()
    assert "CREATE TABLE users (" in script
    sqlite3.connect(":memory:").executescript(script)  # it runs
    if shows_documents(client):
        assert [d.uri for d in client.shown_documents] == [target.as_uri()]


async def test_design_document_and_erd(client):
    path = client.workspace / "shop.schema.yaml"
    path.write_text(SHOP)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, SHOP))
    doc = await execute(client, "schemaLang.generateDesignDoc", uri)
    assert Path(client.workspace / "shop.design.md").read_text().startswith("# shop: database design")
    erd = await execute(client, "schemaLang.showErd", uri)
    assert Path(client.workspace / "shop.erd.md").read_text().startswith("```mermaid\nerDiagram\n")
    assert doc["uri"].endswith("shop.design.md") and erd["uri"].endswith("shop.erd.md")
    if client_capabilities(client.profile).window.work_done_progress:
        assert client.progress_reports  # begin/report/end were sent


async def test_generators_refuse_a_broken_schema(client):
    broken = SHOP.replace("references users on delete cascade", "references usrs on delete cascade", 1)
    path = client.workspace / "shop.schema.yaml"
    path.write_text(broken)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, broken))
    result = await execute(client, "schemaLang.generateDdl", uri, "postgresql")
    assert result["uri"] is None and "error" in result["error"]
    assert not (client.workspace / "shop.postgresql.sql").exists()


async def test_unknown_dialect_is_an_error_response(client):
    path = client.workspace / "shop.schema.yaml"
    path.write_text(SHOP)
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, SHOP))
    with pytest.raises(Exception, match="unknown dialect"):
        await execute(client, "schemaLang.generateDdl", uri, "oracle")


async def test_an_unsaved_buffer_gets_a_message_not_an_error_response(client):
    uri = "untitled:Untitled-1"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=SHOP)))
    for command, *arguments in (("schemaLang.generateDdl", "sqlite"), ("schemaLang.generateDesignDoc",),
                                ("schemaLang.showErd",)):
        result = await execute(client, command, uri, *arguments)
        assert result["uri"] is None and "not a file on disk" in result["error"]
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 3 and all(uri in m for m in errors)
    assert sorted(p.name for p in client.workspace.iterdir()) == []
