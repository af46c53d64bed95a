"""The `schema-lang` command."""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .core.diagnostics import Diagnostic, Severity
from .dialects import DIALECT_NAMES
from .rules import RULES, index_markdown

if TYPE_CHECKING:
    from .core.document import Document

SCHEMA_SUFFIXES = (".schema.yaml", ".schema.yml")


class UsageError(Exception):
    """Bad arguments or unreadable input: exit status 2."""


def _analyze(text: str, dialect: str | None = None, path: Path | str | None = None) -> Document:
    # The engine is imported by the commands that analyse a file, not with this module, so that
    # `--version`, `--help` and the usage errors answer without loading it (bench/startup_cost.py).
    from .analysis import analyze
    from .core.document import Options

    return analyze(text, Options(dialect=dialect, path=None if path is None else str(path)))


def _collect(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SCHEMA_SUFFIXES))
            if not found:
                raise UsageError(f"{raw}: no *.schema.yaml or *.schema.yml files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return files


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start}): schema files are UTF-8") from None
    return text.replace("\r\n", "\n")


def _range(document: Document, d: Diagnostic) -> dict:
    start = document.lines.position(d.start)
    end = document.lines.position(d.end)
    return {"start": {"line": start.line, "character": start.character},
            "end": {"line": end.line, "character": end.character}}


def _json_item(name: str, document: Document, d: Diagnostic) -> dict:
    return {"file": name, "rule": d.rule, "severity": d.severity.value, "message": d.message,
            "range": _range(document, d), "table": d.table, "column": d.column}


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def sarif_report(results: list[tuple[str, Document]]) -> dict:
    used = sorted({d.rule for _, doc in results for d in doc.diagnostics})
    rule_index = {rule_id: i for i, rule_id in enumerate(used)}
    rules = []
    for rule_id in used:
        rule = RULES.get(rule_id)
        title = rule.title if rule else rule_id
        rules.append({
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.replace("/", "-").split("-")),
            "shortDescription": {"text": title},
            "fullDescription": {"text": title},
            "help": {"text": rule.doc if rule else title, "markdown": rule.doc if rule else title},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity] if rule else "error"},
        })
    sarif_results = []
    for name, document in results:
        for d in document.diagnostics:
            r = _range(document, d)
            sarif_results.append({
                "ruleId": d.rule,
                "ruleIndex": rule_index[d.rule],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": Path(name).as_posix()},
                    "region": {"startLine": r["start"]["line"] + 1, "startColumn": r["start"]["character"] + 1,
                               "endLine": r["end"]["line"] + 1, "endColumn": r["end"]["character"] + 1},
                }}],
            })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "schema-lang", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }


def cmd_check(args: argparse.Namespace) -> int:
    files = _collect(args.paths)
    results: list[tuple[str, Document]] = []
    for path in files:
        results.append((str(path), _analyze(read_text(path), args.dialect, path)))
    out = sys.stdout
    if args.format == "json":
        items = [_json_item(name, doc, d) for name, doc in results for d in doc.diagnostics]
        out.write(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "sarif":
        out.write(json.dumps(sarif_report(results), indent=2, ensure_ascii=False) + "\n")
    else:
        counts = {s: 0 for s in Severity}
        for name, doc in results:
            for d in doc.diagnostics:
                pos = doc.lines.position(d.start)
                out.write(f"{name}:{pos.line + 1}:{pos.character + 1}: {d.severity.value} {d.rule} {d.message}\n")
                counts[d.severity] += 1
        summary = ", ".join(f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
        sys.stderr.write(f"{len(results)} file{'s' if len(results) != 1 else ''} checked: {summary or 'no problems'}\n")
    has_error = any(d.severity is Severity.ERROR for _, doc in results for d in doc.diagnostics)
    return 1 if has_error else 0


def _single_file(raw: str) -> tuple[Path, str]:
    if raw == "-":  # e.g. `git show HEAD:./shop.schema.yaml | schema-lang migrate - shop.schema.yaml`
        return Path("<stdin>"), sys.stdin.read().replace("\r\n", "\n")
    path = Path(raw)
    if not path.is_file():
        raise UsageError(f"{raw}: no such file")
    return path, read_text(path)


def cmd_inspect(args: argparse.Namespace) -> int:
    from .analysis.normalization import normalization_of

    path, text = _single_file(args.file)
    document = _analyze(text, args.dialect, path)
    tables = {}
    for name, table in document.schema.tables.items():
        if not table.columns:
            continue
        data = normalization_of(document.schema, table)
        tables[name] = {"candidate_keys": data.candidate_keys, "normal_form": data.normal_form,
                        "dependencies": data.dependency_strings()}
    if args.format == "json":
        sys.stdout.write(json.dumps({"tables": tables}, indent=2, ensure_ascii=False) + "\n")
        return 0
    for name, info in tables.items():
        keys = " or ".join("(" + ", ".join(k) + ")" for k in info["candidate_keys"]) or "none"
        sys.stdout.write(f"{name}: {info['normal_form']}, candidate keys {keys}\n")
        for dependency in info["dependencies"]:
            sys.stdout.write(f"    {dependency}\n")
    return 0


def cmd_normalize(args: argparse.Namespace) -> int:
    from .ide.refactor.normalize import NormalizeError, normalize
    from .ide.refactor.text_edits import EditError, apply_edits

    path, text = _single_file(args.file)
    try:
        result = normalize(text, args.table, args.to)
    except (NormalizeError, EditError) as exc:
        raise UsageError(str(exc)) from None
    output = apply_edits(text, result.edits)
    for note in result.notes:
        sys.stderr.write(f"schema-lang: {note}\n")
    for dependency in result.lost:
        sys.stderr.write(f"schema-lang: BCNF decomposition does not preserve {dependency}: "
                         "enforce it in the application or with a trigger, or stay in 3NF\n")
    if not result.edits:
        sys.stderr.write(f"schema-lang: {result.title}; nothing to change\n")
    else:
        sys.stderr.write(f"schema-lang: {result.title}\n")
    if args.write:
        path.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .generate.explain import ExplainError, explain

    path, text = _single_file(args.file)
    document = _analyze(text, None, path)
    if any(d.severity is Severity.ERROR for d in document.diagnostics):
        raise UsageError(f"{path}: fix the errors `schema-lang check` reports before explaining")
    try:
        results = explain(document.schema, args.engine)
    except ExplainError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        sys.stdout.write(json.dumps([r.as_json() for r in results], indent=2) + "\n")
        return 0
    for r in results:
        verdict = "agrees" if r.uses_index == r.predicted else "DIFFERS"
        sys.stdout.write(f"{r.query}: {r.engine} uses {r.uses_index or 'no index (sequential scan)'}; "
                         f"predicted {r.predicted or 'no index'} ({verdict})\n")
        for line in r.plan.splitlines():
            sys.stdout.write(f"    {line}\n")
    return 0


def cmd_ddl(args: argparse.Namespace) -> int:
    from .dialects import get_dialect
    from .generate.ddl import generate

    path, text = _single_file(args.file)
    document = _analyze(text, args.dialect, path)
    errors = [d for d in document.diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise UsageError(f"{path}: {len(errors)} error(s); `schema-lang check {path}` lists them")
    script = generate(document.schema, get_dialect(args.dialect or document.schema.dialect.name)).script()
    if args.output:
        Path(args.output).write_text(script, encoding="utf-8")
    else:
        sys.stdout.write(script)
    return 0


def _checked_schema(raw: str, dialect: str | None = None):
    path, text = _single_file(raw)
    document = _analyze(text, dialect, path)
    errors = [d for d in document.diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise UsageError(f"{path}: {len(errors)} error(s); `schema-lang check {path}` lists them")
    return document.schema


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_erd(args: argparse.Namespace) -> int:
    from .generate.erd import dot, mermaid

    schema = _checked_schema(args.file)
    _emit(mermaid(schema) if args.format == "mermaid" else dot(schema), args.output)
    return 0


def cmd_doc(args: argparse.Namespace) -> int:
    from .generate.docs import design_document

    schema = _checked_schema(args.file, args.dialect)
    results = None
    if args.explain:
        from .generate.explain import ExplainError, explain

        try:
            results = explain(schema, args.explain)
        except ExplainError as exc:
            raise UsageError(str(exc)) from None
    _emit(design_document(schema, explain_results=results), args.output)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(index_markdown())
        return 0
    if args.rule:
        rule = RULES.get(args.rule)
        if rule is None:
            raise UsageError(f"unknown rule '{args.rule}'; `schema-lang rules` lists them")
        sys.stdout.write(rule.doc)
        return 0
    width = max(len(r) for r in RULES)
    for rule in RULES.values():
        sys.stdout.write(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.title}\n")
    return 0


def cmd_json_schema(args: argparse.Namespace) -> int:
    from .core.spec import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from .generate.migrate import MigrationError, migration_paths, plan_texts

    if args.old == "-" and args.new == "-":
        raise UsageError("only one of OLD and NEW can be read from standard input")
    old_path, old_text = _single_file(args.old)
    new_path, new_text = _single_file(args.new)
    try:
        # OLD's includes are resolved next to NEW when OLD has no folder of its own (stdin)
        migration = plan_texts(old_text, new_text, args.dialect, online=args.online,
                               old_path=str(new_path if args.old == "-" else old_path), new_path=str(new_path))
    except MigrationError as exc:
        path = old_path if exc.side == "old" else new_path
        text = old_text if exc.side == "old" else new_text
        lines = _analyze(text, args.dialect, path).lines
        for d in exc.diagnostics[:20]:
            pos = lines.position(d.start)
            sys.stderr.write(f"{path}:{pos.line + 1}:{pos.character + 1}: error {d.rule} {d.message}\n")
        raise UsageError(f"{path}: {len(exc.diagnostics)} error(s): a migration needs two valid versions") from None
    new_lines = _analyze(new_text, args.dialect, new_path).lines
    for f in sorted(migration.findings, key=lambda f: f.span or (0, 0)):
        finding_pos = new_lines.position(f.span[0]) if f.span else None
        where = f"{new_path}:{finding_pos.line + 1}:{finding_pos.character + 1}" if finding_pos else str(new_path)
        level = RULES[f.rule].severity.value
        sys.stderr.write(f"{where}: {level} {f.rule} {f.message}\n")
    if migration.unsupported:
        sys.stderr.write(f"schema-lang: refusing: {len(migration.unsupported)} change(s) cannot be migrated in "
                         "place (listed above)\n")
        return 1
    if migration.destructive and not args.allow_destructive:
        sys.stderr.write(f"schema-lang: refusing: {len(migration.destructive)} destructive change(s):\n")
        for f in migration.destructive:
            sys.stderr.write(f"  - {f.rule}: {f.message}\n")
        sys.stderr.write("schema-lang: nothing written; pass --allow-destructive to generate the migration anyway\n")
        return 1
    if migration.empty:
        sys.stderr.write("schema-lang: no changes\n")
        if not args.out:
            sys.stdout.write(migration.up.sql())
        return 0
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        up, down = migration_paths(out, args.name)
        up.write_text(migration.up.sql(), encoding="utf-8")
        down.write_text(migration.down.sql(), encoding="utf-8")
        sys.stdout.write(f"{up}\n{down}\n")
        return 0
    sys.stdout.write("-- ===================== up =====================\n" + migration.up.sql()
                     + "-- ==================== down ====================\n" + migration.down.sql())
    return 0


_URL = re.compile(r"(?i)^(sqlite|postgres|postgresql)://")


def cmd_import(args: argparse.Namespace) -> int:
    from .importers import ImportSourceError, guess_dialect, import_sql

    source = args.source
    kind = args.dialect
    shown = re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", source)  # never echo a password
    shown = re.sub(r"([?&]password=)[^&]*", r"\1***", shown)
    try:
        if _URL.match(source):
            from .importers.live import import_url

            if kind not in (None,):
                raise UsageError("--from is for files; a database URL says what it is")
            described = shown
            kind = "database"
            result = import_url(source, schema_name=args.name)
        else:
            path = Path(source)
            if path.is_dir():
                # a folder of migration files: applied in name order
                files = sorted((p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".sql"),
                               key=lambda p: p.name)
                if not files:
                    raise UsageError(f"{source}: no .sql files in this folder")
                text = "\n;\n".join(read_text(p) for p in files)
            else:
                path, text = _single_file(source)
            if kind is None:
                kind = "prisma" if path.suffix.lower() == ".prisma" else guess_dialect(text)
            name = args.name or re.sub(r"\W+", "_", path.stem.split(".")[0]).strip("_").lower() or "imported"
            described = str(path)
            if kind == "prisma":
                from .importers.prisma import import_prisma

                result = import_prisma(text, schema_name=name)
            else:
                result = import_sql(text, kind, schema_name=name)
    except ImportSourceError as exc:
        where = "".join(f":{n}" for n in (exc.line, exc.column) if n is not None)
        sys.stderr.write(f"{shown}{where}: {exc.message}\n")
        return 2
    imported = _analyze(result.yaml_text)
    tables = len(imported.schema.tables) if imported.schema is not None else 0
    skipped = ", ".join(f"{count} {what}" for what, count in result.skipped.items())
    sys.stderr.write(f"schema-lang: imported {tables} table{'s' if tables != 1 else ''} from {described} ({kind})"
                     f"{'; skipped: ' + skipped if skipped else ''}\n")
    for note in result.notes:
        sys.stderr.write(f"schema-lang: note: {note}\n")
    _emit(result.yaml_text, args.output)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from schema_lang_server.__main__ import main as serve

    return serve([])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="schema-lang", description="Design and check relational database schemas.")
    parser.add_argument("--version", action="version", version=f"schema-lang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser("check", help="report problems in schema files")
    check.add_argument("paths", nargs="+", metavar="PATH", help="schema files, or folders to search")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--dialect", choices=DIALECT_NAMES, help="check against this dialect instead of the file's")
    check.set_defaults(func=cmd_check)

    inspect = sub.add_parser("inspect", help="candidate keys, normal form and dependencies of every table")
    inspect.add_argument("file", metavar="FILE")
    inspect.add_argument("--format", choices=("text", "json"), default="text")
    inspect.add_argument("--dialect", choices=DIALECT_NAMES)
    inspect.set_defaults(func=cmd_inspect)

    normalize = sub.add_parser("normalize", help="decompose a table into 3NF or BCNF")
    normalize.add_argument("file", metavar="FILE")
    normalize.add_argument("--table", required=True)
    normalize.add_argument("--to", choices=("3nf", "bcnf"), default="3nf")
    normalize.add_argument("--write", action="store_true", help="rewrite FILE instead of printing the result")
    normalize.set_defaults(func=cmd_normalize)

    ddl = sub.add_parser("ddl", help="CREATE statements for the schema")
    ddl.add_argument("file", metavar="FILE")
    ddl.add_argument("--dialect", choices=DIALECT_NAMES, help="target dialect (default: the file's)")
    ddl.add_argument("-o", "--output", metavar="OUT", help="write the script to OUT")
    ddl.set_defaults(func=cmd_ddl)

    migrate = sub.add_parser("migrate", help="the up and down migration scripts from OLD to NEW")
    migrate.add_argument("old", metavar="OLD", help="the schema file as it is deployed (- reads standard input)")
    migrate.add_argument("new", metavar="NEW", help="the schema file as it should become")
    migrate.add_argument("--dialect", choices=DIALECT_NAMES, help="target dialect (default: NEW's)")
    migrate.add_argument("--name", default="migration", help="the migration's name in file names (default: migration)")
    migrate.add_argument("--out", metavar="DIR", help="write DIR/NNNN_NAME.up.sql and .down.sql, numbered after the "
                                                     "highest number in DIR")
    migrate.add_argument("--online", action="store_true",
                         help="PostgreSQL: forms that avoid long locks (CREATE INDEX CONCURRENTLY, NOT VALID "
                              "constraints validated afterwards); the script then runs outside a transaction")
    migrate.add_argument("--allow-destructive", action="store_true",
                         help="generate the migration even when it drops tables or columns or narrows types")
    migrate.set_defaults(func=cmd_migrate)

    imp = sub.add_parser("import", help="a schema file from SQL DDL, a schema.prisma file or a live database")
    imp.add_argument("source", metavar="SOURCE",
                     help="a .sql dump, a folder of .sql migrations (applied in name order), a schema.prisma file, "
                          "or a database URL: sqlite:///path/to.db, postgresql://user@host/db")
    imp.add_argument("--from", dest="dialect", choices=("postgresql", "mysql", "sqlite", "prisma"), default=None,
                     help="what SOURCE is written in (default: guessed from the file)")
    imp.add_argument("-o", "--output", metavar="FILE.schema.yaml", help="write the schema file here")
    imp.add_argument("--name", help="the schema's name (default: from SOURCE)")
    imp.set_defaults(func=cmd_import)

    erd = sub.add_parser("erd", help="the entity-relationship diagram")
    erd.add_argument("file", metavar="FILE")
    erd.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    erd.add_argument("-o", "--output", metavar="OUT")
    erd.set_defaults(func=cmd_erd)

    doc = sub.add_parser("doc", help="the design document (Markdown)")
    doc.add_argument("file", metavar="FILE")
    doc.add_argument("--dialect", choices=DIALECT_NAMES)
    doc.add_argument("--explain", choices=("sqlite", "postgresql"), help="add the planner's verdicts from this engine")
    doc.add_argument("-o", "--output", metavar="OUT.md")
    doc.set_defaults(func=cmd_doc)

    explain = sub.add_parser("explain", help="run the declared queries' plans on a real engine with synthetic data")
    explain.add_argument("file", metavar="FILE")
    explain.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(func=cmd_explain)

    rules = sub.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("rule", nargs="?")
    rules.add_argument("--markdown", action="store_true", help="print the index of rules as Markdown (docs/rules.md)")
    rules.set_defaults(func=cmd_rules)

    schema = sub.add_parser("json-schema", help="print the JSON Schema of the file format")
    schema.set_defaults(func=cmd_json_schema)

    serve = sub.add_parser("serve", help="run the language server on stdio")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        sys.stderr.write(f"schema-lang: {exc}\n")
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
