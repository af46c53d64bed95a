"""What the editor features cost on a large schema, after an edit (one table's text changed).

On a generated schema (3,000 tables by default), each figure is the median of `--edits` runs,
each on a fresh analysis of an edited version, as an editor asks after a keystroke:
document symbols (outline), code lenses, highlights / references / definition (they share the
symbol index), hover, completion, and formatting of the whole file.

    python bench/editor_features_cost.py --tables 3000
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
from schema_lang.ide import completion, hover, lens, symbols  # noqa: E402
from schema_lang.ide.format import format_edits  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    text = schema_yaml(args.tables)
    middle = f"entity_{args.tables // 2:05d}"
    cache = TableCache()
    analyze(text, cache=cache)
    symbols.highlights(analyze(text, cache=cache), text.index(middle))  # the first request builds every piece
    features = {
        "document symbols": lambda d, t: symbols.document_symbols(d),
        "code lenses": lambda d, t: lens.table_lenses(d),
        "highlights (symbol index)": lambda d, t: symbols.highlights(d, t.index(middle)),
        "hover": lambda d, t: hover.hover(d, t.index(middle)),
        "completion after `references `": lambda d, t: completion.complete(
            t, t.index("references ") + len("references "), d, True),
        "formatting (whole file)": lambda d, t: format_edits(t),
    }
    times: dict[str, list[float]] = {name: [] for name in features}
    for i in range(args.edits):
        renamed = text.replace(f"{middle}:", f"{middle}_{i}:", 1)
        edited = renamed.replace(f"references {middle}", f"references {middle}_{i}")
        for name, run in features.items():
            document = analyze(edited, cache=cache)
            start = time.perf_counter()
            run(document, edited)
            times[name].append(time.perf_counter() - start)
    print(f"{args.tables} tables, median of {args.edits} edits")
    for name, values in times.items():
        print(f"{name}: {statistics.median(values) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
