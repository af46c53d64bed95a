"""The schema-lang language server: a thin LSP layer over the `schema_lang` engine."""
