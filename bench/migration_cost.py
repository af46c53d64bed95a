"""What migrations cost on a large schema.

On a generated schema (3,000 tables by default):

- cli: `plan_texts` of the whole file against a version with one table changed, as
  `schema-lang migrate` does (both versions analysed, every table compared);
- editor first: the editor's migration diagnostics the first time (the committed
  version is analysed once and kept);
- editor edit: the same after each further keystroke (only tables whose text
  differs are compared).

    python bench/migration_cost.py --tables 3000
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

from schema_lang.analysis import analyze  # noqa: E402
from schema_lang.core.document import TableCache  # noqa: E402
from schema_lang.generate.migrate import migration_diagnostics, plan_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    committed = schema_yaml(args.tables)
    at = committed.index("    columns:\n", len(committed) // 2) + len("    columns:\n")
    edited = committed[:at] + "      added_col: text not null\n" + committed[at:]

    start = time.perf_counter()
    migration = plan_texts(committed, edited)
    cli = time.perf_counter() - start
    assert migration.up.statements

    cache = TableCache()
    analyze(committed, cache=cache)
    times = []
    first = None
    for i in range(args.edits + 1):
        text = edited.replace("added_col", f"added_col{i}")
        document = analyze(text, cache=cache)
        start = time.perf_counter()
        found = migration_diagnostics(committed, document)
        elapsed = time.perf_counter() - start
        assert [d.rule for d in found] == ["migration/adds-not-null-without-default"], found
        if first is None:
            first = elapsed
        else:
            times.append(elapsed)
    print(f"{args.tables} tables")
    print(f"cli (whole comparison, both versions analysed): {cli * 1000:.0f} ms")
    print(f"editor, first time (committed version analysed): {first * 1000:.0f} ms")
    print(f"editor, per edit: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
