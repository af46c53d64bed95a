"""How long schema-lang takes to start: the CLI's commands, and the language server.

For each command the wall time of the whole process is measured R times (median and slowest),
and the language server is started R times over stdio and timed from spawn to its `initialize`
answer and to the first diagnostics of a file it is given. The import time of the modules each
entry point loads is printed too (`python -X importtime`), largest first, to show where the
start-up goes.

    python bench/startup_cost.py              # 7 runs each
    python bench/startup_cost.py --runs 15 --json

Timing is measured here, never asserted in a test: figures depend on the machine and its load.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lsp_edit_latency import LspClient, _initialize_params

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = REPO_ROOT / "examples" / "shop.schema.yaml"
CLI = [sys.executable, "-m", "schema_lang"]
COMMANDS = {
    "--version": ["--version"],
    "rules": ["rules"],
    "check": ["check", str(EXAMPLE)],
    "ddl": ["ddl", str(EXAMPLE)],
}


def _time_command(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(CLI + arguments, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _time_server(timeout: float) -> tuple[float, float]:
    """Seconds from spawn to the initialize answer, and to the example's first diagnostics."""
    uri = EXAMPLE.as_uri()
    started = time.perf_counter()
    client = LspClient([sys.executable, "-m", "schema_lang_server"], REPO_ROOT, REPO_ROOT.as_uri())
    try:
        client.request("initialize", _initialize_params(REPO_ROOT.as_uri()), timeout)
        initialized = time.perf_counter()
        client.notify("initialized", {})
        mark = client.publish_count()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": EXAMPLE.read_text(encoding="utf-8")}})
        _, publish = client.wait_for_publish(uri, mark, timeout)
        return initialized - started, publish.time - started
    finally:
        client.close()


def _imports(module: str, top: int) -> list[tuple[str, float]]:
    """The modules with the largest cumulative import time when `module` is imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((parts[2].rstrip(), int(parts[1]) / 1e6))
    return sorted(rows, key=lambda row: -row[1])[:top]


def _summary(seconds: list[float]) -> dict:
    return {"median_ms": round(statistics.median(seconds) * 1000, 1), "max_ms": round(max(seconds) * 1000, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)

    result: dict = {"python": sys.version.split()[0], "runs": args.runs, "commands": {}, "server": {}}
    for name, arguments in COMMANDS.items():
        result["commands"][name] = _summary([_time_command(arguments) for _ in range(args.runs)])
    server_runs = [_time_server(args.timeout) for _ in range(args.runs)]
    result["server"]["initialize"] = _summary([initialized for initialized, _ in server_runs])
    result["server"]["first_diagnostics"] = _summary([published for _, published in server_runs])
    result["imports"] = {module: _imports(module, 8) for module in ("schema_lang.cli", "server.app")}

    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"Python {result['python']}, {args.runs} runs each (median / slowest)")
    for name, row in result["commands"].items():
        print(f"  schema-lang {name:<10} {row['median_ms']:8.1f} ms / {row['max_ms']:.1f} ms")
    for name, row in result["server"].items():
        print(f"  server to {name:<17} {row['median_ms']:8.1f} ms / {row['max_ms']:.1f} ms")
    for module, rows in result["imports"].items():
        print(f"import {module}: " + ", ".join(f"{name.strip()} {seconds * 1000:.0f} ms" for name, seconds in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
