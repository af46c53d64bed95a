"""schema-lang: design, check and generate relational database schemas."""
__version__ = "0.1.0"
