"""Start the language server on stdio: `python -m schema_lang_server` or `schema-lang serve`."""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from . import (
    code_actions,
    code_lens,
    commands,
    completion,
    configuration,
    diagnostics,
    formatting,
    hover,
    import_sql,
    migration,
    navigation,
)
from .app import SchemaLanguageServer


def build_server() -> SchemaLanguageServer:
    server = SchemaLanguageServer()
    configuration.register(server)
    diagnostics.register(server)
    code_actions.register(server)
    hover.register(server)
    commands.register(server)
    migration.register(server)
    completion.register(server)
    navigation.register(server)
    formatting.register(server)
    code_lens.register(server)
    import_sql.register(server)
    return server


def main(argv: Sequence[str] | None = None) -> int:
    # stdout is the protocol channel: logs go to stderr
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="schema-lang: %(levelname)s %(message)s")
    server = build_server()
    server.start_io()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
