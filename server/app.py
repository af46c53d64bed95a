"""The language server object and its per-document state."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pygls.lsp.server import LanguageServer

from schema_lang import __version__
from schema_lang.diagnostics import Diagnostic
from schema_lang.document import Document, TableCache

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
