"""Importers: existing schemas (SQL DDL, schema.prisma files, live databases) turned into schema files.

Every importer fills the intermediate model of `model` (tables, columns, keys,
indexes) and writes it with `model.render`, so all sources give the same idioms."""
from .model import ImportResult, ImportSourceError
from .prisma import import_prisma
from .sql import guess_dialect, import_sql

__all__ = ["ImportResult", "ImportSourceError", "guess_dialect", "import_prisma", "import_sql"]
