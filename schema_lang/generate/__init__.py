"""Generators: SQL and documents from a schema."""
