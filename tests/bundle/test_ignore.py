"""What goes in: .gitignore, defaults, exclude; secrets only via include (and said so)."""

from __future__ import annotations

from pathlib import Path

from shoehorn.bundle import ignore
from shoehorn.config import load
from tests.bundle.conftest import WSGI_APP, write_app


def selection(directory: Path, toml: str = "") -> ignore.Selection:
    if toml:
        (directory / "shoehorn.toml").write_text(toml)
    return ignore.select(load(directory))


def test_defaults_gitignore_and_exclude(tmp_path: Path) -> None:
    write_app(tmp_path, {
        "app.py": WSGI_APP, "lib/util.py": "", "docs/guide.md": "", "data/big.csv": "", "notes.log": "",
        ".gitignore": "*.log\n/data/\n", "__pycache__/app.cpython-311.pyc": "", ".git/HEAD": "",
        "node_modules/x/index.js": "", ".shoehorn/build/old.zip": "", ".pytest_cache/x": "",
        "env/pyvenv.cfg": "home = /usr\n", "env/lib/site.py": "", "lib/__pycache__/util.cpython-311.pyc": "",
    })
    files = selection(tmp_path, 'exclude = ["docs/"]\n').files
    assert files == (".gitignore", "app.py", "lib/util.py")


def test_secrets_are_left_out_and_reported(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, ".env": "KEY=1", ".env.production": "", "certs/server.pem": "",
                         "deploy.key": "", ".aws/credentials": "", "id_rsa": "", "id_ed25519.pub": ""})
    chosen = selection(tmp_path)
    assert chosen.files == ("app.py",)
    assert set(chosen.skipped_secrets) == {".env", ".env.production", "certs/server.pem", "deploy.key", ".aws/",
                                           "id_rsa", "id_ed25519.pub"}
    assert chosen.forced_secrets == ()


def test_include_forces_a_secret_and_ignored_files_in(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "certs/ca.pem": "", "other.pem": "", "build/asset.js": "",
                         ".gitignore": "build/\n"})
    chosen = selection(tmp_path, 'include = ["certs/ca.pem", "build/asset.js"]\n')
    assert chosen.files == (".gitignore", "app.py", "build/asset.js", "certs/ca.pem")
    assert chosen.forced_secrets == ("certs/ca.pem",)
    assert chosen.skipped_secrets == ("other.pem",)


def test_nested_gitignore_applies_below_its_folder_and_can_re_include(tmp_path: Path) -> None:
    write_app(tmp_path, {
        "app.py": WSGI_APP, ".gitignore": "*.log\n", "keep.log": "",
        "web/.gitignore": "/generated/\n!keep.log\n*.tmp\n", "web/keep.log": "", "web/other.log": "",
        "web/generated/bundle.js": "", "web/view.py": "", "web/scratch.tmp": "",
        "generated/data.py": "", "api/scratch.tmp": "",
    })
    files = selection(tmp_path).files
    # web/.gitignore: /generated/ is anchored to web/, *.tmp only below web/, !keep.log wins over the root's *.log.
    assert files == (".gitignore", "api/scratch.tmp", "app.py", "generated/data.py", "web/.gitignore",
                     "web/keep.log", "web/view.py")
