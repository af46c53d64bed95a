"""Importing SQL DDL into a schema file (schema_lang.importers.sql)."""
from pathlib import Path

import pytest

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import column_type_sql, generate
from schema_lang.importers import ImportResult, import_sql

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml"


def _errors(document):
    return [(d.rule, d.message) for d in document.diagnostics if d.severity.value == "error"]


def _shape(schema, dialect):
    """What a round trip must keep, in the terms the dialect can express."""
    out = {}
    for table in schema.tables.values():
        out[table.name] = {
            "columns": [(c.name, column_type_sql(c.type, dialect, schema),
                         c.nullable and not c.identity and c.name not in table.primary_key)
                        for c in table.columns.values()],
            "primary_key": list(table.primary_key),
            "foreign_keys": sorted((tuple(fk.columns), fk.table) for fk in table.foreign_keys),
            "unique": sorted(tuple(u.columns) for u in table.uniques),
            "indexes": sorted(tuple((c.name, c.descending) for c in i.columns) for i in table.indexes),
        }
    return out


@pytest.mark.parametrize("dialect_name", ["postgresql", "mysql", "sqlite"])
def test_round_trip_of_the_shop_example(dialect_name):
    original = analyze(SHOP.read_text())
    dialect = get_dialect(dialect_name)
    script = generate(original.schema, dialect).script()

    result = import_sql(script, dialect_name)

    assert isinstance(result, ImportResult)
    imported = analyze(result.yaml_text)
    assert _errors(imported) == []
    assert list(imported.schema.tables) == [t.name for t in generate_order(original.schema, dialect)]
    assert _shape(imported.schema, dialect) == _shape(original.schema, dialect)
    assert result.skipped == {}


def generate_order(schema, dialect):
    from schema_lang.generate.ddl import catalog
    return [t.source for t in catalog(schema, dialect).tables.values()]


def test_postgresql_round_trip_keeps_types_enums_and_descriptions():
    original = analyze(SHOP.read_text())
    result = import_sql(generate(original.schema, get_dialect("postgresql")).script(), "postgresql")
    schema = analyze(result.yaml_text).schema
    assert {n: e.values for n, e in schema.enums.items()} == {n: e.values for n, e in original.schema.enums.items()}
    for table in original.schema.tables.values():
        got = schema.tables[table.name]
        assert got.description == table.description
        for column in table.columns.values():
            assert str(got.columns[column.name].type) == str(column.type), (table.name, column.name)
            assert got.columns[column.name].identity == column.identity
            assert got.columns[column.name].description == column.description
    assert "      user_id: bigint not null references users on delete cascade\n" in result.yaml_text
    assert "      created_at: timestamptz not null default now()\n" in result.yaml_text


PG_DUMP = r"""--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

CREATE TYPE public.mood AS ENUM (
    'happy',
    'sad'
);

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now();  -- a ; inside the body
  RETURN NEW;
END;
$$;

SET default_tablespace = '';

CREATE TABLE public.accounts (
    id integer NOT NULL,
    email character varying(255) NOT NULL,
    mood public.mood DEFAULT 'happy'::public.mood NOT NULL,
    balance numeric(12,2) DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT accounts_balance_check CHECK ((balance >= (0)::numeric))
);

ALTER TABLE public.accounts OWNER TO app;

COMMENT ON TABLE public.accounts IS 'Customer accounts';
COMMENT ON COLUMN public.accounts.email IS 'Where we write to: "primary" address';

CREATE SEQUENCE public.accounts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.accounts_id_seq OWNED BY public.accounts.id;

CREATE TABLE public.posts (
    account_id integer NOT NULL,
    seq integer NOT NULL,
    title text,
    tags text[],
    payload jsonb
);

ALTER TABLE ONLY public.accounts ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);

COPY public.accounts (id, email, mood, balance, created_at) FROM stdin;
1	a@example.com	happy	10.00	2024-01-01 00:00:00+00
2	b@example.com	sad	0.00	2024-01-02 00:00:00+00
\.

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_email_key UNIQUE (email);

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_pkey PRIMARY KEY (account_id, seq);

CREATE INDEX posts_title_lower ON public.posts USING btree (lower(title)) WHERE (title IS NOT NULL);

CREATE INDEX posts_payload ON public.posts USING gin (payload);

CREATE TRIGGER accounts_touch BEFORE UPDATE ON public.accounts FOR EACH ROW EXECUTE FUNCTION public.touch();

ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE;

CREATE VIEW public.recent AS SELECT id FROM public.accounts;

GRANT SELECT ON TABLE public.accounts TO reader;

--
-- PostgreSQL database dump complete
--
"""


def test_pg_dump_snippet():
    result = import_sql(PG_DUMP, "postgresql")
    document = analyze(result.yaml_text)
    assert _errors(document) == []
    assert result.skipped == {
        "ALTER SEQUENCE": 1, "ALTER TABLE": 1, "COMMENT ON EXTENSION": 1, "COPY": 1, "CREATE EXTENSION": 1,
        "CREATE FUNCTION": 1, "CREATE SEQUENCE": 1, "CREATE TRIGGER": 1, "CREATE VIEW": 1, "GRANT": 1,
        "SELECT": 1, "SET": 4,
    }
    schema = document.schema
    assert list(schema.enums) == ["mood"] and schema.enums["mood"].values == ["happy", "sad"]
    accounts = schema.tables["accounts"]
    assert accounts.description == "Customer accounts"
    assert accounts.primary_key == ["id"]
    assert accounts.columns["id"].identity and accounts.columns["id"].default is None
    assert accounts.columns["email"].unique
    assert accounts.columns["email"].description == 'Where we write to: "primary" address'
    assert str(accounts.columns["mood"].type) == "mood" and accounts.columns["mood"].default == "'happy'"
    assert accounts.columns["created_at"].default == "now()"
    assert str(accounts.columns["created_at"].type) == "timestamptz"
    assert accounts.columns["balance"].check is not None
    posts = schema.tables["posts"]
    assert posts.primary_key == ["account_id", "seq"]
    assert [(fk.columns, fk.table, fk.on_delete) for fk in posts.foreign_keys] == [
        (["account_id"], "accounts", "cascade")
    ]
    assert str(posts.columns["tags"].type) == "text[]"
    by_name = {i.name: i for i in posts.indexes}
    assert by_name["posts_title_lower"].columns[0].expression
    assert by_name["posts_title_lower"].where == "title IS NOT NULL"
    assert by_name["posts_payload"].using == "gin"
    assert "      id: int pk identity\n" in result.yaml_text
    assert "      account_id: int not null references accounts on delete cascade\n" in result.yaml_text


def test_unreadable_statement_is_skipped_not_fatal():
    sql = "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (((;\nCREATE TABLE c (x text);\n"
    result = import_sql(sql, "postgresql")
    assert result.skipped == {"CREATE TABLE": 1}
    assert any("could not be read" in n for n in result.notes)
    assert list(analyze(result.yaml_text).schema.tables) == ["a", "c"]


def test_mysql_show_create_table():
    sql = """/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `items`;
CREATE TABLE `items` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `active` tinyint(1) NOT NULL DEFAULT '1',
  `kind` enum('a','b') DEFAULT NULL COMMENT 'which: kind',
  `added` datetime DEFAULT CURRENT_TIMESTAMP,
  `parent_id` int unsigned DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `items_kind_added` (`kind`,`added`),
  KEY `items_parent` (`parent_id`),
  CONSTRAINT `items_parent_fk` FOREIGN KEY (`parent_id`) REFERENCES `items` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COMMENT='Things';
"""
    result = import_sql(sql, "mysql")
    document = analyze(result.yaml_text)
    assert _errors(document) == []
    assert result.skipped == {"DROP TABLE": 1, "SET": 1}
    items = document.schema.tables["items"]
    assert items.description == "Things"
    assert items.columns["id"].identity and items.primary_key == ["id"]
    assert str(items.columns["active"].type) == "boolean"
    assert str(items.columns["kind"].type) == "enum(a, b)"
    assert items.columns["kind"].description == "which: kind"
    assert items.columns["added"].default == "now()"
    assert [u.columns for u in items.uniques] == [["kind", "added"]]
    assert [[c.name for c in i.columns] for i in items.indexes] == [["parent_id"]]
    assert [(fk.columns, fk.table, fk.on_delete) for fk in items.foreign_keys] == [(["parent_id"], "items", "set null")]


@pytest.mark.parametrize("dialect_name", ["postgresql", "mysql", "sqlite"])
def test_import_is_deterministic(dialect_name):
    script = generate(analyze(SHOP.read_text()).schema, get_dialect(dialect_name)).script()
    first = import_sql(script, dialect_name)
    second = import_sql(script, dialect_name)
    assert first.yaml_text == second.yaml_text
    assert import_sql(PG_DUMP, "postgresql").yaml_text == import_sql(PG_DUMP, "postgresql").yaml_text


def test_unknown_dialect():
    with pytest.raises(ValueError):
        import_sql("", "oracle")


# --- migrations applied in order ------------------------------------------------------------

def _tables(yaml_text):
    document = analyze(yaml_text)
    assert _errors(document) == [], yaml_text
    return document.schema.tables


def test_renames_follow_the_name_everywhere():
    result = import_sql("""
        CREATE TABLE users (id bigint PRIMARY KEY, name text);
        CREATE TABLE posts (id bigint PRIMARY KEY, author bigint REFERENCES users (id), body text);
        CREATE INDEX posts_author_idx ON posts (author, id DESC);
        ALTER TABLE users RENAME TO accounts;
        ALTER TABLE accounts RENAME COLUMN id TO account_id;
        ALTER TABLE posts RENAME COLUMN author TO account_id;
        ALTER INDEX posts_author_idx RENAME TO posts_account_idx;
    """, "postgresql")
    tables = _tables(result.yaml_text)
    assert list(tables) == ["accounts", "posts"]
    assert tables["accounts"].primary_key == ["account_id"]
    fk = tables["posts"].foreign_keys[0]
    assert (fk.columns, fk.table, fk.target_columns) in ((["account_id"], "accounts", None),
                                                         (["account_id"], "accounts", ["account_id"]))
    index = tables["posts"].indexes[0]
    assert index.name == "posts_account_idx"
    assert [(c.name, c.descending) for c in index.columns] == [("account_id", False), ("id", True)]
    assert result.skipped == {}


def test_drops_take_what_depends_on_them_and_unnamed_constraints_have_the_engines_names():
    result = import_sql("""
        CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, age int CHECK (age > 0), legacy text);
        CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
        CREATE INDEX users_legacy_idx ON users (legacy);
        ALTER TABLE users DROP COLUMN legacy;
        ALTER TABLE users DROP CONSTRAINT users_email_key;
        ALTER TABLE users DROP CONSTRAINT users_age_check;
        ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
        CREATE TABLE gone (id int);
        DROP TABLE gone;
    """, "postgresql")
    tables = _tables(result.yaml_text)
    users = tables["users"]
    assert list(users.columns) == ["id", "email", "age"]
    assert users.indexes == [] and not users.columns["email"].unique and users.columns["age"].check is None
    assert tables["posts"].foreign_keys == []
    assert "gone" not in tables
    assert result.skipped == {}


def test_mysql_modify_change_and_dropped_foreign_keys():
    result = import_sql("""
        CREATE TABLE `users` (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, `nick` varchar(20));
        CREATE TABLE `posts` (`id` int NOT NULL PRIMARY KEY, `user_id` int,
          FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));
        ALTER TABLE `users` MODIFY COLUMN `nick` varchar(40) NOT NULL;
        ALTER TABLE `users` CHANGE COLUMN `nick` `handle` varchar(40) NOT NULL;
        ALTER TABLE `posts` DROP FOREIGN KEY `posts_ibfk_1`;
    """, "mysql")
    tables = _tables(result.yaml_text)
    assert "      handle: varchar(40) not null\n" in result.yaml_text
    assert list(tables["users"].columns) == ["id", "handle"]
    assert tables["posts"].foreign_keys == []


def test_sqlite_rebuild_pattern_and_trigger_bodies():
    result = import_sql("""
        CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
        CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN UPDATE t SET b = 'x' WHERE id = NEW.id; END;
        PRAGMA foreign_keys = OFF;
        CREATE TABLE _new_t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);
        INSERT INTO _new_t SELECT id, a FROM t;
        DROP TABLE t;
        ALTER TABLE _new_t RENAME TO t;
    """, "sqlite")
    tables = _tables(result.yaml_text)
    assert list(tables) == ["t"] and list(tables["t"].columns) == ["id", "a"]
    assert result.skipped == {"CREATE TRIGGER": 1, "INSERT": 1, "PRAGMA": 1}


# --- what each engine's dumps look like ------------------------------------------------------

def test_sqlite_comments_are_descriptions():
    result = import_sql("-- people who sign in\nCREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n"
                        "  -- shown to others\n  nick TEXT NOT NULL\n);\n", "sqlite")
    users = _tables(result.yaml_text)["users"]
    assert users.description == "people who sign in"
    assert users.columns["nick"].description == "shown to others"


def test_mariadb_json_and_quoted_names():
    result = import_sql("CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `doc` longtext CHARACTER SET utf8mb4 "
                        "COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`doc`)),\n  `n` int(11) DEFAULT '0' "
                        "CHECK (`n` >= 0),\n  `at` datetime NOT NULL,\n  `key` int CHECK (`key` > 0),\n"
                        "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n", "mysql")
    text = result.yaml_text
    assert "      doc: json\n" in text
    assert '      "n": int default 0 check (n >= 0)\n' in text  # '0' is a number; backquotes go
    assert "      at: timestamp(0) not null\n" in text  # DATETIME is precision 0 in MySQL
    assert "check (`key` > 0)" in text  # a reserved word keeps its quotes


def test_postgres_casts_and_schema_names_are_tidied():
    result = import_sql("""
        CREATE TYPE public.mood AS ENUM ('ok', 'sad');
        CREATE TABLE public.t (
            id integer NOT NULL,
            m public.mood DEFAULT 'ok'::public.mood NOT NULL,
            c character(2) DEFAULT 'US'::bpchar,
            p numeric(6,2),
            CONSTRAINT t_p_check CHECK ((p >= (0)::numeric)),
            CONSTRAINT t_c_check CHECK (((c)::text = ANY (ARRAY['US'::text, 'FR'::text])))
        );
        CREATE INDEX t_m ON public.t USING btree (m) WHERE (m = 'sad'::public.mood);
    """, "postgresql")
    text = result.yaml_text
    assert "      m: mood not null default 'ok'\n" in text
    assert "      c: char(2) default 'US' check ((c)::text = ANY (ARRAY['US', 'FR']))\n" in text
    assert "      p: decimal(6,2) check (p >= 0)\n" in text
    assert "where: \"m = 'sad'::mood\"" in text


def test_tables_of_the_same_name_in_two_schemas():
    result = import_sql("CREATE TABLE public.invoices (id int PRIMARY KEY);\n"
                        "CREATE TABLE billing.invoices (id int PRIMARY KEY, "
                        "parent int REFERENCES public.invoices (id));\n"
                        "CREATE TABLE billing.lines (inv int REFERENCES billing.invoices (id));\n", "postgresql")
    tables = _tables(result.yaml_text)
    assert list(tables) == ["invoices", "billing_invoices", "lines"]
    assert tables["billing_invoices"].foreign_keys[0].table == "invoices"
    assert tables["lines"].foreign_keys[0].table == "billing_invoices"
    assert any("imported as billing_invoices" in n for n in result.notes)


def test_partitions_are_left_to_their_parent():
    result = import_sql("CREATE TABLE ev (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\n"
                        "CREATE TABLE ev_2026 PARTITION OF ev FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n",
                        "postgresql")
    tables = _tables(result.yaml_text)
    assert "    partition_by: range(at)\n" in result.yaml_text
    assert list(tables) == ["ev"] and tables["ev"].partition_by.method == "range"
    assert any(n.startswith("ev_2026 is a partition of ev") for n in result.notes)


@pytest.mark.parametrize("text, dialect", [
    ("CREATE TABLE `a` (`id` int) ENGINE=InnoDB;", "mysql"),
    ("/*!40101 SET NAMES utf8 */;\nCREATE TABLE a (id int);", "mysql"),
    ("CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);", "sqlite"),
    ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE a (id int);", "sqlite"),
    ("CREATE TABLE a (id serial PRIMARY KEY, at timestamptz);", "postgresql"),
    ("SET search_path = public;\nCREATE TABLE a (x int DEFAULT nextval('s'::regclass));", "postgresql"),
    ("CREATE TABLE a (id int);", "postgresql"),
])
def test_guess_dialect(text, dialect):
    from schema_lang.importers import guess_dialect
    assert guess_dialect(text) == dialect
