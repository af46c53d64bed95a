"""Reading and writing SQL text, all through sqlglot."""
