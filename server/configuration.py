"""Settings from initializationOptions and workspace/configuration (section `schemaLang`)."""
from __future__ import annotations

import logging

from lsprotocol import types

from .app import SchemaLanguageServer
from .diagnostics import refresh_all

log = logging.getLogger(__name__)


def _apply(ls: SchemaLanguageServer, raw) -> None:
    for problem in ls.settings.update(raw):
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, problem))
    ls.settings_generation += 1


async def pull_configuration(ls: SchemaLanguageServer) -> None:
    caps = ls.client_capabilities
    workspace = getattr(caps, "workspace", None) if caps else None
    if not getattr(workspace, "configuration", False):
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="schemaLang")]))
    except Exception as exc:  # noqa: BLE001 - a client that fails here keeps the defaults
        log.warning("workspace/configuration failed: %r", exc)
        return
    if result and isinstance(result[0], dict):
        _apply(ls, result[0])
        refresh_all(ls)


def initialize(ls: SchemaLanguageServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        _apply(ls, options.get("schemaLang", options))


async def initialized(ls: SchemaLanguageServer, params: types.InitializedParams) -> None:
    await pull_configuration(ls)


async def did_change_configuration(ls: SchemaLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("schemaLang"), dict):
        _apply(ls, settings["schemaLang"])
        refresh_all(ls)
    else:
        await pull_configuration(ls)


def register(server: SchemaLanguageServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
