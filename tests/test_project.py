"""The project an app is deployed from: the same on every clone (any way of writing its remote, any
folder it is cloned into), another for another repository or another app folder in it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shoehorn.config import load
from shoehorn.project import normalised, project_id


def repo(where: Path, url: str | None, *, remote: str = "origin") -> Path:
    (where / ".git").mkdir(parents=True)
    text = "[core]\n\trepositoryformatversion = 0\n"
    if url is not None:
        text += f'[remote "{remote}"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/{remote}/*\n'
    (where / ".git" / "config").write_text(text)
    return where


@pytest.mark.parametrize("url", [
    "git@github.com:Acme/Shop.git", "https://github.com/acme/shop", "https://github.com/acme/shop.git/",
    "ssh://git@github.com:22/acme/shop.git", "https://ci-token:s3cr3t@github.com/acme/shop.git",
    "git+ssh://git@github.com/acme/shop",
])
def test_every_way_of_writing_a_remote_names_one_repository(url: str) -> None:
    assert normalised(url) == "github.com/acme/shop"
    assert "s3cr3t" not in normalised(url)


def test_clones_in_folders_of_any_name_share_it_and_other_repositories_or_folders_do_not(tmp_path: Path) -> None:
    mine = repo(tmp_path / "laptop" / "shop", "git@github.com:acme/shop.git")
    ci = repo(tmp_path / "ci" / "build-1234", "https://x-access-token:abc@github.com/acme/shop")
    assert project_id(mine) == project_id(ci) is not None
    assert project_id(repo(tmp_path / "fork", "git@github.com:someone/shop.git")) != project_id(mine)
    # two apps of a monorepo are two projects; an app is the same project wherever it is looked at from
    (mine / "api").mkdir(), (mine / "web").mkdir()
    assert len({project_id(mine), project_id(mine / "api"), project_id(mine / "web")}) == 3
    (ci / "api").mkdir()
    assert project_id(ci / "api") == project_id(mine / "api")


def test_no_repository_or_no_remote_gives_none(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert project_id(tmp_path / "plain") is None
    assert project_id(repo(tmp_path / "local-only", None)) is None
    # no origin: the only remote is the repository's; several others: none is taken for it
    assert project_id(repo(tmp_path / "one", "git@github.com:acme/shop.git", remote="upstream")) is not None


def test_a_linked_worktree_reads_the_repository_it_belongs_to(tmp_path: Path) -> None:
    main = repo(tmp_path / "main", "git@github.com:acme/shop.git")
    (main / ".git" / "worktrees" / "feature").mkdir(parents=True)
    (main / ".git" / "worktrees" / "feature" / "commondir").write_text("../..\n")
    linked = tmp_path / "feature"
    linked.mkdir()
    (linked / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'feature'}\n")
    assert project_id(linked) == project_id(main) is not None


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_repository_git_made_reads_the_same_as_git_says(tmp_path: Path) -> None:
    where = tmp_path / "real"
    where.mkdir()
    for args in (["init", "-q"], ["remote", "add", "origin", "git@github.com:acme/shop.git"]):
        subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True)
    assert project_id(where) == project_id(repo(tmp_path / "hand", "https://github.com/acme/shop"))


def test_the_config_carries_it(tmp_path: Path) -> None:
    app = repo(tmp_path / "shop", "git@github.com:acme/shop.git")
    (app / "app.py").write_text("app = object()\n")
    assert load(app).project == project_id(app) is not None
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "app.py").write_text("app = object()\n")
    assert load(tmp_path / "bare").project is None
