"""The language server object and its per-document state."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from schema_lang import __version__
from schema_lang.core.diagnostics import Diagnostic
from schema_lang.core.document import Document, Options, TableCache

from .settings import Settings


@dataclass
class DocumentState:
    cache: TableCache = field(default_factory=TableCache)
    document: Document | None = None
    version: int | None = None
    result_id: str | None = None
    pending: asyncio.Task | None = None
    # the file's text at git HEAD (None: not in git), read on open and save, never per keystroke
    baseline: str | None = None
    baseline_generation: int = 0  # changes with `baseline`: part of the pull result id
    baseline_task: asyncio.Task | None = None  # the read under way
    # findings of the change from `baseline` to `document` (schema_lang.generate.migrate)
    migration: list[Diagnostic] = field(default_factory=list)
    # changes when a file this one includes changes: part of the pull result id
    includes_generation: int = 0


class SchemaLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("schema-lang", __version__)
        self.settings = Settings()
        self.settings_generation = 0
        self.states: dict[str, DocumentState] = {}

    def state(self, uri: str) -> DocumentState:
        state = self.states.get(uri)
        if state is None:
            state = self.states[uri] = DocumentState()
        return state

    def options_for(self, uri: str) -> Options:
        """The engine's options for a document: the settings, its path (for `include:`), and a
        reader that takes an included file from its open buffer when there is one."""
        options = self.settings.options()
        path = _path_of(uri)
        if path is None:
            return options
        options.path = path

        def read(wanted: str) -> str | None:
            for open_uri, document in list(self.workspace.text_documents.items()):
                if _path_of(open_uri) == wanted:
                    return document.source
            return None if not Path(wanted).is_file() else _read_disk(wanted)

        options.read = read
        return options

    def dependents(self, uri: str) -> list[str]:
        """The open documents that include `uri`'s file, directly or through other includes."""
        path = _path_of(uri)
        return [other for other, state in self.states.items()
                if other != uri and path and state.document is not None and path in state.document.schema.included]

    def client_supports_pull(self) -> bool:
        caps = self.client_capabilities
        text_document = getattr(caps, "text_document", None) if caps else None
        return getattr(text_document, "diagnostic", None) is not None

    def should_push(self) -> bool:
        mode = self.settings.diagnostics_mode
        if mode == "push":
            return True
        if mode == "pull":
            return False
        return not self.client_supports_pull()


def _path_of(uri: str) -> str | None:

    try:
        path = to_fs_path(uri)
    except Exception:  # noqa: BLE001 - an unusual URI scheme has no file
        return None
    return str(Path(path).resolve()) if path else None


def _read_disk(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None
