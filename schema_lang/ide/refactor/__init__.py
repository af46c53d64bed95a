"""Refactorings: minimal text edits computed against the original text, so the
user's comments, order and layout survive everything they do not touch."""
