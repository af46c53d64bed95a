"""The rules: stable ids, default severities and their documentation.

A rule's id is a contract (users write it in `rules:` and ignore comments,
CI tools match on it).  Its documentation lives next to this file as
`<family>/<name>.md` with three sections: why it matters, how to fix it, how
to suppress it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

DOCS_DIR = Path(__file__).parent


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2, Severity.HINT: 3}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str

    @property
    def doc_path(self) -> Path:
        family, name = self.id.split("/", 1)
        return DOCS_DIR / family / f"{name}.md"

    @property
    def doc(self) -> str:
        return _read_doc(self.id)


@cache
def _read_doc(rule_id: str) -> str:
    rule = RULES[rule_id]
    try:
        return rule.doc_path.read_text(encoding="utf-8")
    except OSError:
        return f"# {rule.id}\n\n{rule.title}\n"


E, W, INFO, H = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.HINT

_ALL = [
    Rule("syntax/yaml", E, "The file is not valid YAML, or uses YAML features that are refused"),
    Rule("syntax/duplicate-key", E, "A mapping has the same key twice"),
    Rule("schema/unknown-key", E, "A key the file format does not know"),
    Rule("schema/invalid-value", E, "A value of the wrong shape or out of range"),
    Rule("schema/missing-key", E, "A required key is missing"),
    Rule("schema/unknown-type", E, "A column type that is neither built in nor a declared enum"),
    Rule("schema/include-not-found", E, "An `include:` entry that names no readable file"),
    Rule("schema/include-conflict", E, "A table or enum defined both in this file and in an included one"),
    Rule("schema/was-unchanged", E, "A `was:` mark naming the thing itself, or a name still in use"),
    Rule("schema/was-conflict", E, "Two tables, or two columns of a table, claim the same old name with `was:`"),
    Rule("schema/unknown-rule", W, "A rule id in `rules:` or an ignore comment that does not exist"),
    Rule("reference/unknown-table", E, "A reference to a table that is not declared"),
    Rule("reference/unknown-column", E, "A reference to a column the table does not have"),
    Rule("reference/unknown-enum-value", E, "A default that is not one of the enum's values"),
    Rule("reference/type-mismatch", W, "A foreign key column's type differs from the column it references"),
    Rule("reference/target-not-unique", E, "A foreign key references columns that are not a primary key or unique"),
    Rule("normalization/repeating-group", W,
         "Columns that repeat one attribute with a counter (phone1, phone2, phone3): 1NF"),
    Rule("normalization/multivalued-column", INFO,
         "A column that holds a list of values: 1NF"),
    Rule("normalization/duplicated-attribute", W,
         "A column that copies an attribute of a table the row already references"),
    Rule("normalization/partial-dependency", W,
         "A non-key column that depends on part of a composite key: 2NF"),
    Rule("normalization/transitive-dependency", W,
         "A non-key column that depends on another non-key column: 3NF"),
    Rule("normalization/bcnf-violation", INFO,
         "A dependency whose determinant is not a key and whose dependent is part of a key: BCNF"),
    Rule("normalization/key-search-bounded", INFO,
         "Too many dependencies to list every candidate key exhaustively"),
    Rule("index/fk-missing-index", W,
         "A foreign key whose columns do not lead any index of its table"),
    Rule("index/query-missing-index", W,
         "A declared query that no index serves"),
    Rule("index/redundant-index", W,
         "An index whose columns lead another index of the same kind"),
    Rule("index/duplicate-index", W,
         "Two indexes with the same columns, order and kind"),
    Rule("index/write-heavy-table", W,
         "A write-heavy schema with many secondary indexes on one table"),
    Rule("query/syntax", E, "A declared query that is not valid SQL"),
    Rule("design/missing-primary-key", W, "A table without a primary key"),
    Rule("design/reserved-word", W, "A name that is a reserved word in the target dialect"),
    Rule("design/identifier-too-long", E, "A name longer than the target dialect allows"),
    Rule("design/duplicate-name", E,
         "Two tables, indexes or constraints the database would know by the same name"),
    Rule("design/partition-key-not-in-unique", E,
         "A primary key or unique constraint of a partitioned table that lacks the partition columns"),
    Rule("dialect/type-mapped", W, "A type the target dialect lacks, stored as something else"),
    Rule("dialect/unsupported-type", E, "A type the target dialect cannot store without an explicit choice"),
    # found by comparing two versions of a file (generate/migrate.py), not by `check`
    Rule("migration/drops-table", W, "A migration drops a table and its rows"),
    Rule("migration/drops-column", W, "A migration drops a column and its values"),
    Rule("migration/narrows-type", W, "A migration changes a column to a type that may not hold its values"),
    Rule("migration/removes-enum-value", W, "A migration removes a value from an enum that rows may hold"),
    Rule("migration/adds-not-null-without-default", W,
         "A migration adds a NOT NULL column without a default: existing rows need a value"),
    Rule("migration/locks-table", W, "A PostgreSQL migration step that holds a long lock on a table"),
    Rule("migration/possible-rename", INFO, "A column or table disappears while a similar one appears: a rename?"),
    Rule("migration/unsupported-change", E, "A change the migration cannot make in place"),
    Rule("internal/error", E, "schema-lang failed while analysing the file"),
]

RULES: dict[str, Rule] = {r.id: r for r in _ALL}


def get_rule(rule_id: str) -> Rule | None:
    return RULES.get(rule_id)


INDEX_HEADER = """# Rules

Every diagnostic schema-lang reports comes from one of these rules. A rule's id (`family/name`) is stable:
use it in a file's `rules:` mapping, in `# schema-lang: ignore[...]` comments, in the editor's
`schemaLang.rules` setting, and to match results in CI (`schema-lang check --format json` or
`--format sarif`). `schema-lang rules` prints this list, and `schema-lang rules <id>` prints a rule's
documentation.

| Rule | Default severity | Reports |
|---|---|---|
"""


def index_markdown() -> str:
    """docs/rules.md: the table of every rule with a link to its page."""
    rows = [f"| [`{r.id}`](../schema_lang/rules/{r.id}.md) | {r.severity.value} | {r.title} |"
            for r in RULES.values()]
    return INDEX_HEADER + "\n".join(rows) + "\n"
