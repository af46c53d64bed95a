"""How long `schema-lang import` takes on a dump the size of a real application's.

A 400-table / 3,000-column / 800-foreign-key schema (gen_dump.py) is created on an
embedded PostgreSQL (pgserver), dumped with the real pg_dump --schema-only, and the dump
is imported several times; the whole CLI (start-up, import, writing the file) is timed too.

    python bench/import_cost.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_dump import source_ddl  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import pgserver
    import psycopg
    from psycopg.conninfo import make_conninfo

    from schema_lang.importers import import_sql

    with tempfile.TemporaryDirectory() as directory:
        server = pgserver.get_server(directory, cleanup_mode="stop")
        try:
            uri = server.get_uri()
            with psycopg.connect(uri, autocommit=True) as admin:
                admin.execute("CREATE DATABASE bench_import")
            with psycopg.connect(make_conninfo(uri, dbname="bench_import"), autocommit=True) as db:
                db.execute(source_ddl())
            pg_dump = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
            dump = subprocess.run([str(pg_dump), "--schema-only", make_conninfo(uri, dbname="bench_import")],
                                  check=True, capture_output=True, text=True).stdout
        finally:
            server.cleanup()
        dump_path = Path(directory) / "dump.sql"
        dump_path.write_text(dump)
        print(f"dump: {len(dump) / 1e6:.2f} MB, {dump.count(chr(10))} lines, "
              f"{dump.count('CREATE TABLE')} CREATE TABLE, {dump.count('FOREIGN KEY')} FOREIGN KEY")

        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = import_sql(dump, "postgresql", schema_name="big")
            times.append(time.perf_counter() - start)
        print(f"import_sql: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
              f"({args.runs} runs); {len(result.yaml_text) / 1e3:.0f} kB of schema file")

        out = Path(directory) / "big.schema.yaml"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "schema_lang.cli", "import", str(dump_path), "-o", str(out)],
                       check=True, capture_output=True)
        print(f"schema-lang import (whole CLI, with start-up and the table count): "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
