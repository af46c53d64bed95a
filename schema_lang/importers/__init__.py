"""Importers: existing schemas (SQL DDL, ...) turned into schema files."""
from .sql import ImportResult, import_sql

__all__ = ["ImportResult", "import_sql"]
