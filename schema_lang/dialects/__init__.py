"""The target dialects, one module each."""
from __future__ import annotations

from .base import Dialect, TypeMapping
from .mysql import DIALECT as MYSQL
from .postgresql import DIALECT as POSTGRESQL
from .sqlite import DIALECT as SQLITE

DIALECTS: dict[str, Dialect] = {d.name: d for d in (POSTGRESQL, MYSQL, SQLITE)}
# accepted spellings of dialect names
ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql", "sqlite3": "sqlite"}
DIALECT_NAMES = tuple(DIALECTS)


def get_dialect(name: str | None) -> Dialect:
    name = (name or "postgresql").lower()
    return DIALECTS[ALIASES.get(name, name)]


__all__ = ["Dialect", "TypeMapping", "DIALECTS", "DIALECT_NAMES", "get_dialect"]
