"""The engine itself: text -> positioned YAML -> validated, resolved model -> diagnostics."""
