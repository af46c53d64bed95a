"""Importing Prisma schemas into schema files (schema_lang.importers.prisma)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from schema_lang.analysis import analyze
from schema_lang.core.document import Options
from schema_lang.importers.model import ImportResult, ImportSourceError
from schema_lang.importers.prisma import import_prisma

# Hypothesis keeps its database under ./.hypothesis by default: keep it out of the working tree
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "schema-lang-hypothesis")

BLOG = """\
// Blog schema used by the importer tests.
generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["fullTextSearchPostgres"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

/// Someone who can sign in
model User {
  id        Int       @id @default(autoincrement())
  /// Login and contact address
  email     String    @unique @db.VarChar(255)
  name      String?   // shown on posts
  role      Role      @default(USER)
  createdAt DateTime  @default(now()) @map("created_at")
  updatedAt DateTime  @updatedAt @map("updated_at")
  posts     Post[]
  profile   Profile?
  comments  Comment[]
  likes     Post[]    @relation("Likes")

  @@map("users")
}

model Profile {
  id     Int     @id @default(autoincrement())
  bio    String? @db.Text
  userId Int     @unique @map("user_id")
  user   User    @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("profiles")
}

model Post {
  id          String     @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  slug        String     @default(cuid())
  title       String     @db.VarChar(200)
  body        String?
  published   Boolean    @default(false)
  views       BigInt     @default(0)
  price       Decimal    @default(9.99) @db.Decimal(10, 2)
  status      PostStatus @default(DRAFT)
  tags        String[]   @default(["news", "tech"])
  metadata    Json       @default("{}") @db.JsonB
  publishedAt DateTime?  @db.Timestamptz(6) @map("published_at")
  authorId    Int?       @map("author_id")
  author      User?      @relation(fields: [authorId], references: [id])
  categories  Category[]
  comments    Comment[]
  likedBy     User[]     @relation("Likes")

  @@unique([authorId, slug], map: "posts_author_slug_key")
  @@index([authorId, publishedAt(sort: Desc)])
  @@index([metadata], type: Gin)
  @@index([title], name: "posts_title_idx")
  @@map("posts")
}

model Category {
  id       Int        @id @default(autoincrement())
  name     String     @unique
  parentId Int?       @map("parent_id")
  parent   Category?  @relation("Tree", fields: [parentId], references: [id], onDelete: SetNull, onUpdate: NoAction)
  children Category[] @relation("Tree")
  posts    Post[]
}

model Comment {
  postId   String   @map("post_id") @db.Uuid
  position Int
  authorId Int      @map("author_id")
  text     String
  post     Post     @relation(fields: [postId], references: [id], onDelete: Cascade)
  author   User     @relation(fields: [authorId], references: [id], onDelete: Restrict, onUpdate: Restrict)

  @@id([postId, position])
  @@unique([authorId, postId, position])
  @@map("comments")
}

model AuditEntry {
  id      BigInt                 @id @default(autoincrement())
  payload Json
  area    Unsupported("polygon")?
  secret  String                 @ignore

  @@map("audit_entries")
}

model LegacyThing {
  code String

  @@ignore
}

enum Role {
  USER
  ADMIN @map("admin")
}

enum PostStatus {
  DRAFT     @map("draft")
  PUBLISHED @map("published")
  ARCHIVED  @map("archived")

  @@map("post_status")
}

view PostStats {
  postId Int @unique
  likes  Int
}

type Address {
  street String
  city   String
}
"""


def _errors(text: str, dialect: str | None = None) -> list[tuple[str, str]]:
    document = analyze(text, Options(dialect=dialect))
    return [(d.rule, d.message) for d in document.diagnostics if d.severity.value == "error"]


def _prisma(body: str, provider: str = "postgresql") -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n\n{body}'


def _columns(result: ImportResult, table: str) -> dict[str, str]:
    """The shorthand line of every column of `table`, from the imported file."""
    schema = analyze(result.yaml_text).schema
    return {c.name: c for c in schema.tables[table].columns.values()}


# --- the realistic schema ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def blog() -> ImportResult:
    return import_prisma(BLOG, "blog")


def test_the_blog_schema_analyses_without_errors(blog):
    assert isinstance(blog, ImportResult)
    assert _errors(blog.yaml_text) == []
    assert blog.yaml_text.startswith("schema: blog\ndialect: postgresql\n")


def test_tables_are_in_model_order_under_their_database_names(blog):
    schema = analyze(blog.yaml_text).schema
    # models in Prisma's order (@@map names), then the implicit many-to-many tables
    assert list(schema.tables) == ["users", "profiles", "posts", "Category", "comments", "audit_entries",
                                   "_CategoryToPost", "_Likes"]


def test_enums_with_mapped_names_and_values(blog):
    assert "enums:\n  Role: [USER, admin]\n  post_status: [draft, published, archived]\n" in blog.yaml_text


def test_users_table(blog):
    assert (
        "  users:\n"
        "    description: Someone who can sign in\n"
        "    columns:\n"
        "      id: int pk identity\n"
        "      email:\n"
        "        type: varchar(255)\n"
        "        nullable: false\n"
        "        unique: true\n"
        "        description: Login and contact address\n"
        "      name: text\n"
        "      role: Role not null default 'USER'\n"
        "      created_at: timestamp(3) not null default now()\n"
        "      updated_at: timestamp(3) not null\n"
    ) in blog.yaml_text


def test_one_to_one_profile_holds_the_key(blog):
    # the side with fields holds the foreign key; `profile Profile?` on User makes no column
    assert "      user_id: int not null unique references users on delete cascade on update cascade\n" \
        in blog.yaml_text
    assert "profile" not in _columns(blog, "users")


def test_posts_table(blog):
    text = blog.yaml_text
    for line in [
        "      id: uuid pk default gen_random_uuid()\n",   # dbgenerated("...")
        "      slug: text not null\n",                      # cuid(): made by Prisma Client
        "      title: varchar(200) not null\n",
        "      body: text\n",
        "      published: boolean not null default false\n",
        "      views: bigint not null default 0\n",
        "      price: decimal(10,2) not null default 9.99\n",
        "      status: post_status not null default 'draft'\n",  # the enum value's @map
        "      tags: text[] default '{\"news\",\"tech\"}'\n",     # Prisma's lists are nullable columns
        "      metadata: jsonb not null default '{}'\n",
        "      published_at: timestamptz(6)\n",
        # an optional relation: ON DELETE SET NULL, ON UPDATE CASCADE by default
        "      author_id: int references users on delete set null on update cascade\n",
        "    indexes:\n"
        "      - {columns: [author_id, slug], name: posts_author_slug_key, unique: true}\n"
        "      - (author_id, published_at desc)\n"
        "      - {columns: [metadata], using: gin}\n"
        "      - {columns: [title], name: posts_title_idx}\n",
    ]:
        assert line in text


def test_self_relation_and_explicit_actions(blog):
    assert "      parent_id: int references Category on delete set null on update no action\n" in blog.yaml_text
    assert "children" not in _columns(blog, "Category")


def test_composite_primary_key_and_required_relations(blog):
    assert (
        "  comments:\n"
        "    primary_key: [post_id, position]\n"
        "    columns:\n"
        "      post_id: uuid not null references posts on delete cascade on update cascade\n"
        "      position: int not null\n"
        "      author_id: int not null references users on delete restrict on update restrict\n"
        "      text: text not null\n"
        "    unique:\n"
        "      - [author_id, post_id, position]\n"
    ) in blog.yaml_text


def test_implicit_many_to_many_relation_tables(blog):
    # _CategoryToPost: A -> Category (first in alphabetical order), B -> Post; on PostgreSQL
    # (A, B) is the primary key (Prisma 6), with an index on B and cascading foreign keys
    assert (
        "  _CategoryToPost:\n"
        "    primary_key: [A, B]\n"
        "    columns:\n"
        "      A: int not null references Category on delete cascade on update cascade\n"
        "      B: uuid not null references posts on delete cascade on update cascade\n"
        "    indexes:\n"
        "      - B\n"
    ) in blog.yaml_text
    # a named relation: the table is `_` and the name; A is Post ("Post" < "User")
    assert (
        "  _Likes:\n"
        "    primary_key: [A, B]\n"
        "    columns:\n"
        "      A: uuid not null references posts on delete cascade on update cascade\n"
        "      B: int not null references users on delete cascade on update cascade\n"
    ) in blog.yaml_text


def test_skipped_blocks_and_fields_are_counted(blog):
    assert blog.skipped == {"field @ignore": 1, "field Unsupported": 1, "model @@ignore": 1, "type": 1,
                            "view": 1}
    assert list(_columns(blog, "audit_entries")) == ["id", "payload"]
    assert "LegacyThing" not in blog.yaml_text and "PostStats" not in blog.yaml_text


def test_notes_say_what_was_left_out(blog):
    notes = "\n".join(blog.notes)
    assert "User.updatedAt (line 20): @updatedAt is set by Prisma Client" in notes
    assert "Post.slug (line 40): cuid() values are made by Prisma Client" in notes
    assert 'AuditEntry.area (line 88): Unsupported("polygon")' in notes
    assert "AuditEntry.secret (line 89) has @ignore" in notes
    assert "model LegacyThing (line 94) has @@ignore" in notes
    assert "view PostStats skipped" in notes and "composite type Address skipped" in notes
    # the generator block is ignored without a word
    assert "generator" not in notes and "client" not in notes


def test_comments_are_ignored_and_doc_comments_become_descriptions(blog):
    schema = analyze(blog.yaml_text).schema
    assert schema.tables["users"].description == "Someone who can sign in"
    assert schema.tables["users"].columns["email"].description == "Login and contact address"
    assert schema.tables["users"].columns["name"].description is None  # `// shown on posts`
    assert "Blog schema" not in blog.yaml_text


def test_the_output_is_deterministic(blog):
    again = import_prisma(BLOG, "blog")
    assert again.yaml_text.encode() == blog.yaml_text.encode()
    assert again.notes == blog.notes and again.skipped == blog.skipped
    for dialect in ("mysql", "sqlite"):
        assert import_prisma(BLOG, "blog", dialect).yaml_text == import_prisma(BLOG, "blog", dialect).yaml_text


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_the_blog_schema_for_other_dialects(dialect):
    result = import_prisma(BLOG, "blog", dialect=dialect)
    assert f"dialect: {dialect}\n" in result.yaml_text
    assert _errors(result.yaml_text) == []
    # no scalar lists there: a json column and a note
    assert "      tags: json\n" in result.yaml_text
    assert any("Post.tags" in n and "imported as json" in n for n in result.notes)
    # the relation table: A and B unique together instead of a primary key
    assert "  _CategoryToPost:\n    columns:\n      A: int not null references Category" in result.yaml_text
    assert "    unique:\n      - [A, B]\n    indexes:\n      - B\n" in result.yaml_text


# --- datasource and types per provider ---------------------------------------------------------------

ALL_SCALARS = """\
model Everything {
  id     Int      @id
  s      String
  b      Boolean
  i      Int
  big    BigInt
  f      Float
  d      Decimal
  dt     DateTime
  j      Json
  bytes  Bytes
  maybe  String?
}
"""

DEFAULT_TYPES = {
    "postgresql": ["int", "text", "boolean", "int", "bigint", "double", "decimal(65,30)", "timestamp(3)",
                   "jsonb", "bytes", "text"],
    "mysql": ["int", "varchar(191)", "boolean", "int", "bigint", "double", "decimal(65,30)", "timestamp(3)",
              "json", "bytes", "varchar(191)"],
    "sqlite": ["int", "text", "boolean", "int", "bigint", "double", "decimal(65,30)", "timestamp(3)", "json",
               "bytes", "text"],
}


@pytest.mark.parametrize("provider, dialect", [("postgresql", "postgresql"), ("postgres", "postgresql"),
                                               ("mysql", "mysql"), ("sqlite", "sqlite"),
                                               ("cockroachdb", "postgresql")])
def test_prisma_default_types_per_provider(provider, dialect):
    result = import_prisma(_prisma(ALL_SCALARS, provider))
    assert f"dialect: {dialect}\n" in result.yaml_text
    columns = _columns(result, "Everything")
    assert [str(c.type) for c in columns.values()] == DEFAULT_TYPES[dialect]
    assert [c.nullable for c in columns.values()][1:] == [False] * 9 + [True]
    assert _errors(result.yaml_text) == []
    cockroach = [n for n in result.notes if "cockroachdb" in n]
    assert bool(cockroach) == (provider == "cockroachdb")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_the_dialect_argument_overrides_the_provider(dialect):
    result = import_prisma(_prisma(ALL_SCALARS, "postgresql"), dialect=dialect)
    assert f"dialect: {dialect}\n" in result.yaml_text
    assert [str(c.type) for c in _columns(result, "Everything").values()] == DEFAULT_TYPES[dialect]
    overridden = [n for n in result.notes if "overridden" in n]
    assert bool(overridden) == (dialect != "postgresql")


def test_without_a_datasource_postgresql_is_assumed_with_a_note():
    result = import_prisma(ALL_SCALARS)
    assert "dialect: postgresql\n" in result.yaml_text
    assert any("no datasource" in n for n in result.notes)
    assert "dialect: sqlite\n" in import_prisma(ALL_SCALARS, dialect="sqlite").yaml_text


@pytest.mark.parametrize("provider, fragment", [("sqlserver", "SQL Server"), ("mongodb", "MongoDB"),
                                                ("oracle", "unknown provider")])
def test_providers_without_a_schema_file_dialect(provider, fragment):
    with pytest.raises(ImportSourceError) as raised:
        import_prisma(_prisma(ALL_SCALARS, provider))
    assert fragment in raised.value.message
    assert (raised.value.line, raised.value.column) == (2, 14)  # the provider's value


def test_sql_server_imports_when_a_dialect_is_given():
    result = import_prisma(_prisma("model A {\n  id Int @id\n  name String @db.NVarChar(50)\n"
                                   "  note String @db.NVarChar(Max)\n  at DateTime @db.DateTime2\n}\n", "sqlserver"),
                           dialect="postgresql")
    assert [str(c.type) for c in _columns(result, "A").values()] == ["int", "varchar(50)", "text", "timestamp"]
    with pytest.raises(ImportSourceError, match="MongoDB"):
        import_prisma(_prisma(ALL_SCALARS, "mongodb"), dialect="postgresql")


def test_an_unknown_dialect_argument_is_a_usage_error():
    with pytest.raises(ValueError, match="unknown dialect 'oracle'"):
        import_prisma(ALL_SCALARS, dialect="oracle")


POSTGRES_NATIVE = """\
model N {
  id    Int      @id
  a     String   @db.VarChar(40)
  b     String   @db.Char(2)
  c     String   @db.Text
  d     String   @db.Uuid
  e     Decimal  @db.Decimal(12, 4)
  f     DateTime @db.Timestamptz(3)
  g     DateTime @db.Timestamp(6)
  h     DateTime @db.Date
  i     DateTime @db.Time(0)
  j     Int      @db.SmallInt
  k     Float    @db.Real
  l     Float    @db.DoublePrecision
  m     Json     @db.JsonB
  n     Json     @db.Json
  o     Bytes    @db.ByteA
  p     BigInt   @db.BigInt
  q     Boolean  @db.Boolean
  r     String   @db.VarChar
  s     String   @db.Citext
  t     Decimal  @db.Money
  u     String   @db.Xml2
  v     Int[]
  w     Role[]   @default([USER])
}

enum Role {
  USER
}
"""


def test_postgresql_native_types():
    result = import_prisma(_prisma(POSTGRES_NATIVE))
    assert [str(c.type) for c in _columns(result, "N").values()] == [
        "int", "varchar(40)", "char(2)", "text", "uuid", "decimal(12,4)", "timestamptz(3)", "timestamp(6)", "date",
        "time(0)", "smallint", "real", "double", "jsonb", "json", "bytes", "bigint", "boolean",
        "text", "text", "decimal(19,2)", "text", "int[]", "Role[]"]
    notes = "\n".join(result.notes)
    assert "N.r (line 25): @db.VarChar without a length is unbounded: imported as text" in notes
    assert "N.s (line 26): @db.Citext (citext) has no schema-lang type: imported as text" in notes
    assert "N.u (line 28): native type @db.Xml2 has no schema-lang equivalent; imported as text" in notes
    assert "      w: Role[] not null default '{\"USER\"}'\n" not in result.yaml_text  # lists are nullable
    assert "      w: Role[] default '{\"USER\"}'\n" in result.yaml_text
    assert _errors(result.yaml_text) == []


MYSQL_NATIVE = """\
model N {
  id    Int      @id @db.UnsignedInt
  a     Boolean  @db.TinyInt(1)
  b     Int      @db.TinyInt
  c     String   @db.LongText
  d     String   @db.Text
  e     DateTime @db.DateTime(0)
  f     DateTime @db.Timestamp(3)
  g     Float    @db.Float
  h     Bytes    @db.Blob
  i     String   @db.VarChar(64)
  j     Int      @db.Year
}
"""


def test_mysql_native_types():
    result = import_prisma(_prisma(MYSQL_NATIVE, "mysql"))
    assert [str(c.type) for c in _columns(result, "N").values()] == [
        "bigint", "boolean", "smallint", "text", "text", "timestamp(0)", "timestamp(3)", "real", "bytes",
        "varchar(64)", "smallint"]
    notes = "\n".join(result.notes)
    assert "N.id (line 7): @db.UnsignedInt imported as bigint (the range is kept)" in notes
    assert "N.d (line 11): @db.Text (TEXT) imported as text, which schema-lang stores in LONGTEXT" in notes
    assert _errors(result.yaml_text) == []


def test_native_types_on_sqlite_are_noted_and_ignored():
    result = import_prisma(_prisma("model A {\n  id Int @id\n  name String @db.VarChar(10)\n}\n", "sqlite"))
    assert "      name: text not null\n" in result.yaml_text
    assert any("SQLite has no native type attributes" in n for n in result.notes)


def test_native_types_are_written_after_the_datasource_name():
    text = ('datasource store {\n  provider = "postgresql"\n}\n'
            'model A {\n  id Int @id\n  code String @store.VarChar(9)\n}\n')
    assert "      code: varchar(9) not null\n" in import_prisma(text).yaml_text
    with pytest.raises(ImportSourceError, match="@store.Type") as raised:
        import_prisma(text.replace("@store.VarChar", "@db.VarChar"))
    assert (raised.value.line, raised.value.column) == (6, 15)


# --- defaults ------------------------------------------------------------------------------------------

DEFAULTS = """\
model D {
  id      Int      @id @default(autoincrement())
  a       String   @default("it's")
  b       Int      @default(-5)
  c       Float    @default(1.5)
  d       Boolean  @default(true)
  e       DateTime @default(now())
  f       String   @default(uuid())
  g       String   @default(nanoid(16))
  h       String   @default(ulid())
  i       String   @default(dbgenerated("md5(random()::text)"))
  j       String?  @default(dbgenerated())
  k       Kind     @default(BIG)
  l       String[] @default([])
  m       Bytes    @default("SGVsbG8=")
  n       DateTime @default("2024-01-01T00:00:00Z")
}

enum Kind {
  SMALL
  BIG   @map("big")
}
"""


def test_defaults():
    result = import_prisma(_prisma(DEFAULTS))
    columns = _columns(result, "D")
    assert columns["id"].identity and columns["id"].default is None
    assert {name: columns[name].default for name in "abcdefghijklmn"} == {
        "a": "'it''s'", "b": "-5", "c": "1.5", "d": "true", "e": "now()", "f": None, "g": None, "h": None,
        "i": "md5(random()::text)", "j": None, "k": "'big'", "l": "'{}'", "m": None, "n": "'2024-01-01T00:00:00Z'"}
    notes = "\n".join(result.notes)
    for name, function in (("f", "uuid"), ("g", "nanoid"), ("h", "ulid")):
        assert f"D.{name} (line {ord(name) - ord('a') + 8}): {function}() values are made by Prisma Client" in notes
    assert "dbgenerated() without an expression" in notes and "a Bytes default" in notes
    assert _errors(result.yaml_text) == []


def test_autoincrement_on_a_non_integer_column_is_noted():
    result = import_prisma(_prisma("model A {\n  id String @id @default(autoincrement())\n}\n"))
    assert "      id: text pk\n" in result.yaml_text
    assert any("autoincrement() on a text column" in n for n in result.notes)


# --- relations -----------------------------------------------------------------------------------------

RELATIONS = """\
model Account {
  tenant  Int
  number  Int
  email   String   @unique
  orders  Order[]
  notes   Note[]
  actions Action[]

  @@id([tenant, number])
  @@map("accounts")
}

model Order {
  id           Int     @id
  tenantId     Int     @map("tenant_id")
  accountNo    Int     @map("account_no")
  contactEmail String? @map("contact_email")
  account      Account @relation(fields: [tenantId, accountNo], references: [tenant, number], onDelete: Cascade)
  notes        Note[]

  @@map("orders")
}

model Note {
  id       Int      @id
  orderId  Int
  order    Order    @relation(fields: [orderId], references: [id])
  email    String?
  account  Account? @relation(fields: [email], references: [email], onUpdate: SetDefault)
}

model Action {
  id    Int  @id
  a     Int
  b     Int
  c     Int
  d     Int
  e     Int?
  rc    Account @relation("c", fields: [a, b], references: [tenant, number], onDelete: Cascade)
  rr    Account @relation("r", fields: [b, c], references: [tenant, number], onDelete: Restrict)
  rn    Account @relation("n", fields: [c, d], references: [tenant, number], onDelete: NoAction)
  rs    Account? @relation("s", fields: [d, e], references: [tenant, number], onDelete: SetNull)
}
"""


def test_foreign_keys_use_database_names_and_prisma_default_actions():
    result = import_prisma(_prisma(RELATIONS))
    text = result.yaml_text
    assert ("    foreign_keys:\n"
            "      - {columns: [tenant_id, account_no], references: \"accounts(tenant, number)\", "
            "on_delete: cascade, on_update: cascade}\n") in text
    # required: ON DELETE RESTRICT; a reference to a unique column names it
    assert "      orderId: int not null references orders on delete restrict on update cascade\n" in text
    assert "      email: text references accounts(email) on delete set null on update set default\n" in text
    # one relation each for the five actions, and the optional one defaults to SetNull on nothing else
    for action in ("cascade", "restrict", "no action", "set null"):
        assert f"on_delete: {action}, on_update: cascade}}" in text
    assert _errors(text) == []


def test_relation_mode_prisma_creates_no_foreign_keys():
    text = _prisma(RELATIONS).replace('url      = env("DATABASE_URL")', 'relationMode = "prisma"')
    result = import_prisma(text)
    assert "references" not in result.yaml_text
    assert any('relationMode = "prisma"' in n for n in result.notes)


def test_relation_map_names_are_noted():
    result = import_prisma(_prisma(
        "model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n"
        "  a A @relation(fields: [aId], references: [id], map: \"b_a_fk\")\n}\n"))
    assert "      aId: int not null references A on delete restrict on update cascade\n" in result.yaml_text
    assert any("foreign key name b_a_fk" in n for n in result.notes)


@pytest.mark.parametrize("provider, key", [("postgresql", "primary_key"), ("cockroachdb", "unique"),
                                           ("mysql", "unique"), ("sqlite", "unique")])
def test_implicit_many_to_many_shape_per_provider(provider, key):
    # declared Tag first and with a String id: A is still Post, the first name in alphabetical order
    body = ("model Tag {\n  name String @id\n  posts Post[]\n}\n"
            "model Post {\n  id Int @id @default(autoincrement())\n  tags Tag[]\n  @@map(\"posts\")\n}\n")
    result = import_prisma(_prisma(body, provider))
    string = "text" if provider != "mysql" else "varchar(191)"
    table = result.yaml_text.split("  _PostToTag:\n", 1)[1]
    assert table.startswith(("    primary_key: [A, B]\n" if key == "primary_key" else "") + "    columns:\n"
                            "      A: int not null references posts on delete cascade on update cascade\n"
                            f"      B: {string} not null references Tag on delete cascade on update cascade\n")
    if key == "unique":
        assert "    unique:\n      - [A, B]\n" in table
    assert table.endswith("    indexes:\n      - B\n")
    assert _errors(result.yaml_text) == []


def test_implicit_many_to_many_needs_single_field_ids():
    body = "model A {\n  x Int\n  y Int\n  bs B[]\n  @@id([x, y])\n}\nmodel B {\n  id Int @id\n  as A[]\n}\n"
    with pytest.raises(ImportSourceError, match="single-field @id") as raised:
        import_prisma(_prisma(body))
    assert raised.value.line == 9


# --- keys, uniques and indexes -----------------------------------------------------------------------------

INDEXES = """\
model I {
  id    Int    @id(map: "i_primary")
  a     String @unique(map: "i_a_key")
  b     String @unique(sort: Desc)
  c     String
  d     String
  e     Json

  @@unique([c, d])
  @@unique(fields: [d, c], name: "dc")
  @@index([c(sort: Desc), d], map: "i_cd")
  @@index([d], type: Hash)
  @@index([c], type: BTree)
  @@index([e(ops: JsonbPathOps)], type: Gin)
  @@index([c(length: 10)])
  @@index([d], type: SpGist)
  @@index([c], where: raw("d IS NOT NULL"))
  @@map("eyes")
}
"""


def test_unique_constraints_and_indexes():
    result = import_prisma(_prisma(INDEXES))
    text = result.yaml_text
    assert ("      a: text not null\n      b: text not null\n" in text)
    assert ("    unique:\n      - [c, d]\n      - [d, c]\n"
            "    indexes:\n"
            "      - {columns: [a], name: i_a_key, unique: true}\n"
            "      - {columns: [b desc], unique: true}\n"
            "      - {columns: [c desc, d], name: i_cd}\n"
            "      - {columns: [d], using: hash}\n"
            "      - c\n"
            "      - {columns: [e], using: gin}\n"
            "      - c\n"
            "      - d\n"
            "      - {columns: [c], where: \"d IS NOT NULL\"}\n") in text
    notes = "\n".join(result.notes)
    assert "primary key name i_primary not kept" in notes
    assert "ops: on e (an operator class) not kept" in notes
    assert "length: on c (a MySQL prefix index) not kept" in notes
    assert "SP-GiST has no schema-lang index method" in notes


def test_index_types_and_full_text_indexes_on_mysql():
    body = ("model A {\n  id Int @id\n  t String\n  u String\n"
            "  @@index([t], type: Hash)\n  @@fulltext([t, u], map: \"a_text\")\n}\n")
    mysql = import_prisma(_prisma(body, "mysql")).yaml_text
    assert "      - t\n      - {columns: [t, u], name: a_text, using: fulltext}\n" in mysql
    postgres = import_prisma(_prisma(body))
    assert "      - {columns: [t], using: hash}\n" in postgres.yaml_text and "fulltext" not in postgres.yaml_text
    assert any("full-text indexes exist on MySQL only" in n for n in postgres.notes)


def test_mapped_names_are_used_everywhere():
    body = ("model Shop {\n  id Int @id @map(\"shop_id\")\n  items Item[]\n  @@map(\"shops\")\n}\n"
            "model Item {\n  id Int @id @map(\"item_id\")\n  shopId Int @map(\"shop_ref\")\n"
            "  label String @map(\"item_label\")\n"
            "  shop Shop @relation(fields: [shopId], references: [id])\n"
            "  @@unique([shopId, label])\n  @@index([label(sort: Desc)])\n  @@map(\"items\")\n}\n")
    text = import_prisma(_prisma(body)).yaml_text
    assert ("  items:\n    columns:\n      item_id: int pk\n"
            "      shop_ref: int not null references shops on delete restrict on update cascade\n"
            "      item_label: text not null\n    unique:\n      - [shop_ref, item_label]\n"
            "    indexes:\n      - (item_label desc)\n") in text
    assert "shopId" not in text and "Shop:" not in text


# --- syntax ------------------------------------------------------------------------------------------------

def test_comments_attributes_across_lines_and_trailing_doc_comments():
    text = _prisma(
        "// a comment\nmodel A { // after the brace\n"
        "  id   Int    @id /// the key\n"
        "  tags String @default(\"a // not a comment\")\n"
        "  @@index([\n    id,\n    tags\n  ], map: \"a_both\")\n"
        "}\n")
    result = import_prisma(text)
    schema = analyze(result.yaml_text).schema
    assert schema.tables["A"].columns["id"].description == "the key"
    assert schema.tables["A"].columns["tags"].default == "'a // not a comment'"
    assert "      - {columns: [id, tags], name: a_both}\n" in result.yaml_text


ERRORS = [
    ('model A {\n  id String @default("abc)\n}\n', 2, 22, "string not closed"),
    ("model A {\n  id Int @id\n", 3, 1, "model A is not closed"),
    ("model A {\n  id Int @id\n  # x\n}\n", 3, 3, "unexpected character '#'"),
    ("model A {\n  id Foo @id\n}\n", 2, 6, "unknown type Foo"),
    ("table A {\n}\n", 1, 1, "expected a block"),
    ("model {\n}\n", 1, 7, "expected the name of a model"),
    ("model A {\n  id\n}\n", 2, 5, "expected the type of field id"),
    ("model A {\n  id Int[]? @id\n}\n", 2, 11, "a list field cannot be optional"),
    ("model A {\n  id Int @id @default(1\n}\n", 3, 1, "expected ',' or ')' (for the '(' at line 2, column 22)"),
    ("model A {\n  id Int @id @@map(\"a\")\n}\n", 2, 14, "block attributes (@@...) go on a line of their own"),
    ("model A {\n  id Int @id\n  @@index([nope])\n}\n", 3, 12, "model A has no field nope"),
    ("model A {\n  id Int @id\n  id Int\n}\n", 3, 3, "two fields named id"),
    ("model A {\n  id Int @id\n}\nmodel A {\n  id Int @id\n}\n", 4, 1, "A is defined twice"),
    ("enum E {\n  X\n  X\n}\n", 3, 3, "lists X twice"),
    ("enum E {\n}\n", 1, 1, "enum E has no values"),
    ('datasource a {\n  provider = "sqlite"\n}\ndatasource b {\n  provider = "sqlite"\n}\n', 4, 1,
     "one datasource block"),
    ("datasource db {\n  url = env(\"X\")\n}\n", 1, 1, "has no provider"),
    ("model A {\n  id Int @id\n  b B @relation(fields: [bId], references: [id], onDelete: Explode)\n  bId Int\n}\n"
     "model B {\n  id Int @id\n  as A[]\n}\n", 3, 60, "unknown referential action Explode"),
    ("model A {\n  id Int @id\n  b B @relation(fields: [bId])\n  bId Int\n}\nmodel B {\n  id Int @id\n  as A[]\n}\n",
     3, 7, "needs references"),
    ("model A {\n  id Int @id\n  r Role @default(NOPE)\n}\nenum Role {\n  USER\n}\n", 3, 19,
     "NOPE is not a value of enum Role"),
    ("/* old */\nmodel A {\n}\n", 1, 1, "block comments"),
]


@pytest.mark.parametrize("text, line, column, fragment", ERRORS, ids=[e[3] for e in ERRORS])
def test_errors_have_positions(text, line, column, fragment):
    with pytest.raises(ImportSourceError) as raised:
        import_prisma(text)
    error = raised.value
    assert fragment in error.message
    assert (error.line, error.column) == (line, column)


def test_positions_count_characters_not_bytes():
    with pytest.raises(ImportSourceError) as raised:
        import_prisma('/// Größe\nmodel Ä {\n  id Int @id\n}\n')
    assert (raised.value.line, raised.value.column) == (2, 7)  # Ä is not an identifier character


def test_messages_cut_very_long_names():
    with pytest.raises(ImportSourceError) as raised:
        import_prisma("model A {\n  id " + "X" * 100_000 + "\n}\n")
    assert len(raised.value.message) < 200
    assert "unknown type XXXX" in raised.value.message and raised.value.message.count("...") == 1


def test_relations_to_models_left_out_keep_their_columns():
    body = ("model Old {\n  id Int @id\n  news New[] @ignore\n  @@ignore\n}\n"
            "model New {\n  id Int @id\n  oldId Int\n  old Old @relation(fields: [oldId], references: [id]) @ignore\n"
            "  @@schema(\"app\")\n  @@shardKey([id])\n}\n")
    result = import_prisma(_prisma(body))
    assert "  New:\n    columns:\n      id: int pk\n      oldId: int not null\n" in result.yaml_text
    assert "Old" not in result.yaml_text
    notes = "\n".join(result.notes)
    assert "New.old (line 14) has @ignore: its foreign key is left out" in notes
    assert "the table is imported without its database schema" in notes
    assert "@@shardKey ignored" in notes
    assert result.skipped == {"model @@ignore": 1}


def test_a_relation_table_may_not_take_a_model_table_name():
    body = ("model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  as A[]\n}\n"
            "model X {\n  id Int @id\n  @@map(\"_AToB\")\n}\n")
    with pytest.raises(ImportSourceError, match="relation table _AToB") as raised:
        import_prisma(_prisma(body))
    assert (raised.value.line, raised.value.column) == (8, 3)


# --- robustness --------------------------------------------------------------------------------------------

def _import_or_refuse(text: str, dialect: str | None = None) -> None:
    """Importing either works (and writes a file the engine reads) or raises ImportSourceError
    with a 1-based position: never another exception, never a hang."""
    try:
        result = import_prisma(text, "fuzz", dialect)
    except ImportSourceError as error:
        assert error.message
        assert error.line is None or (error.line >= 1 and error.column >= 1)
        if error.line is not None:
            assert error.line <= text.count("\n") + 1
        return
    analyze(result.yaml_text)


TOKENS = st.sampled_from([
    "model ", "enum ", "view ", "type ", "datasource ", "generator ", "A", "B", "id", " ", "\n", "{", "}", "(",
    ")", "[", "]", ",", ":", "=", "?", ".", "@", "@@", '"', "\\", "//", "///", "Int", "String", "@id",
    "@default(", "autoincrement()", "@relation(", "fields: [", "references: [", "@@index([", "@@map(", "@map(",
    "sort: Desc", '"x"', "1", "-2.5", "@db.VarChar(", "@unique", "provider = ", '"mysql"', "é", "\t"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=80).map("".join), st.sampled_from([None, "mysql", "sqlite"]))
def test_random_token_soup_never_crashes(text, dialect):
    _import_or_refuse(text, dialect)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_never_crashes(text):
    _import_or_refuse(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(BLOG)), st.integers(0, 40), st.sampled_from([None, "mysql", "sqlite"]))
def test_truncated_and_damaged_schemas_never_crash(cut, hole, dialect):
    _import_or_refuse(BLOG[:cut], dialect)
    _import_or_refuse(BLOG[:cut] + BLOG[cut + hole:], dialect)


def test_deep_nesting_is_refused_quickly():
    for opener in ("[", "f("):
        with pytest.raises(ImportSourceError, match="nested too deeply"):
            import_prisma("model A {\n  id Int @default(" + opener * 100_000 + ")\n}\n")
