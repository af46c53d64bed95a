"""A file's committed text, read from a real git repository made for each test."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from schema_lang.core import vcs
from schema_lang.core.vcs import committed_text, git_environment

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# a fresh CI machine has no git identity, and a developer's may sign commits
IDENTITY = ("-c", "user.name=schema-lang tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *IDENTITY, *args], cwd=repo, env=git_environment(), check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


def commit(repo: Path, message: str = "commit") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def test_committed_version_not_the_working_copy(repo):
    path = repo / "shop.schema.yaml"
    path.write_text("schema: shop\n", encoding="utf-8")
    commit(repo)
    path.write_text("schema: changed\n", encoding="utf-8")
    assert committed_text(path) == "schema: shop\n"


def test_a_file_in_a_subfolder_is_found_from_its_own_folder(repo):
    folder = repo / "db" / "schemas"
    folder.mkdir(parents=True)
    (folder / "a.schema.yaml").write_text("schema: a\n", encoding="utf-8")
    (repo / "a.schema.yaml").write_text("schema: top\n", encoding="utf-8")  # same name elsewhere
    commit(repo)
    assert committed_text(folder / "a.schema.yaml") == "schema: a\n"
    assert committed_text(repo / "a.schema.yaml") == "schema: top\n"


def test_head_moves_with_commits(repo):
    path = repo / "s.schema.yaml"
    path.write_text("v: 1\n", encoding="utf-8")
    commit(repo, "one")
    path.write_text("v: 2\n", encoding="utf-8")
    commit(repo, "two")
    assert committed_text(path) == "v: 2\n"


def test_text_is_utf8_with_bad_bytes_replaced(repo):
    path = repo / "s.schema.yaml"
    path.write_bytes("name: café\n".encode() + b"bad: \xff\n")
    commit(repo)
    assert committed_text(path) == "name: café\nbad: \ufffd\n"


def test_names_with_spaces_and_unicode(repo):
    path = repo / "my shop é.schema.yaml"
    path.write_text("schema: x\n", encoding="utf-8")
    commit(repo)
    assert committed_text(path) == "schema: x\n"


def test_untracked_file_is_none(repo):
    (repo / "other.txt").write_text("x", encoding="utf-8")
    commit(repo)
    path = repo / "new.schema.yaml"
    path.write_text("schema: new\n", encoding="utf-8")
    assert committed_text(path) is None


def test_repository_without_commits_is_none(repo):
    path = repo / "s.schema.yaml"
    path.write_text("schema: s\n", encoding="utf-8")
    git(repo, "add", "-A")  # staged, never committed
    assert committed_text(path) is None


def test_outside_a_repository_is_none(tmp_path, monkeypatch):
    folder = tmp_path / "plain"
    folder.mkdir()
    path = folder / "s.schema.yaml"
    path.write_text("schema: s\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # whatever lies above the temporary folder
    assert committed_text(path) is None


def test_missing_folder_is_none(tmp_path):
    assert committed_text(tmp_path / "nowhere" / "s.schema.yaml") is None


def test_git_missing_is_none(repo, monkeypatch):
    path = repo / "s.schema.yaml"
    path.write_text("schema: s\n", encoding="utf-8")
    commit(repo)
    monkeypatch.setenv("PATH", str(repo / "no-bin-here"))
    assert committed_text(path) is None


def test_a_hanging_git_is_cut_off(repo, monkeypatch):
    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd=args[0], timeout=kwargs.get("timeout"))

    monkeypatch.setattr(vcs.subprocess, "run", hang)
    assert committed_text(repo / "s.schema.yaml") is None


def test_the_repository_of_the_file_wins_over_git_dir(repo, tmp_path, monkeypatch):
    """Inside a git hook GIT_DIR points at the hook's repository: the file's own must be read."""
    path = repo / "s.schema.yaml"
    path.write_text("schema: mine\n", encoding="utf-8")
    commit(repo)
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    assert committed_text(path) == "schema: mine\n"
