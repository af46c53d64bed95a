"""What the normalization analysis adds to checking a large schema.

Measures, on a generated schema (3,000 tables by default, each with a primary key,
a unique column, a foreign key and a declared dependency):

- cold: the normalization analysis of every table from scratch (candidate keys,
  minimal cover, normal form, findings), as on opening the file;
- edit: the same analysis after a one-column edit, with the per-table results of
  the unchanged tables reused, as on every keystroke.

    python bench/normalization_cost.py --tables 3000
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_schema import schema_yaml  # noqa: E402

from schema_lang.analysis import (
    analyze,  # noqa: E402
    normalization,  # noqa: E402
)
from schema_lang.analysis.dependencies import candidate_keys, group_by_lhs  # noqa: E402
from schema_lang.core.document import TableCache, _collector_paused  # noqa: E402
from schema_lang.core.loader import Reporter  # noqa: E402


def with_dependencies(text: str) -> str:
    """Adds a declared dependency to every table (code determines name: both are candidate keys' business)."""
    return text.replace("    indexes:\n", "    dependencies:\n      - code -> name, status\n    indexes:\n")


def clear_memos(schema) -> None:
    for table in schema.tables.values():
        stale = [k for k in table.memo
                 if k == "copies" or isinstance(k, tuple) and str(k[0]).startswith("normalization")]
        for key in stale:
            del table.memo[key]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    text = with_dependencies(schema_yaml(args.tables))
    cache = TableCache()
    document = analyze(text, cache=cache)
    schema = document.schema
    cold = []
    for _ in range(args.runs):
        clear_memos(schema)
        with _collector_paused():  # as inside analyze()
            start = time.perf_counter()
            normalization.check(schema, Reporter())
            cold.append(time.perf_counter() - start)
    # candidate keys alone, every table, from the dependencies gathered above
    relations = [normalization.normalization_of(schema, t) for t in schema.tables.values()]
    keys_only = []
    for _ in range(args.runs):
        with _collector_paused():
            start = time.perf_counter()
            for data in relations:
                candidate_keys(data.relation.all, group_by_lhs(data.fds))
            keys_only.append(time.perf_counter() - start)
    # an edit in the middle table: the next analysis re-reads that table only
    middle = text.index(f"entity_{args.tables // 2:05d}:")
    at = text.index("name: varchar(200)", middle)
    edited = [text[:at] + "title" + text[at + 4:], text]
    edits = []
    whole = []
    for i in range(args.runs):
        start = time.perf_counter()
        doc = analyze(edited[i % 2], cache=cache)
        whole.append(time.perf_counter() - start)
        with _collector_paused():
            start = time.perf_counter()
            normalization.check(doc.schema, Reporter())  # what the analysis just did, timed alone
            edits.append(time.perf_counter() - start)
    forms = {}
    for table in doc.schema.tables.values():
        form = normalization.normalization_of(doc.schema, table).normal_form
        forms[form] = forms.get(form, 0) + 1
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.1f} ms, max {max(xs) * 1000:.1f} ms"  # noqa: E731
    print(f"schema: {args.tables} tables, {len(text):,} characters; normal forms: {forms}")
    print(f"candidate keys of every table: {ms(keys_only)}")
    print(f"normalization, every table from scratch: {ms(cold)}")
    print(f"normalization after an edit (per-table results reused): {ms(edits)}")
    print(f"whole analysis after an edit, for scale: {ms(whole)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
