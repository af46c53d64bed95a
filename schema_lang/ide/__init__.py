"""Editor features over a Document (completion, hover, navigation and rename, formatting,
code lenses, quick fixes, refactorings); they know nothing of the protocol that carries them."""
