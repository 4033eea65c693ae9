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
        "shoehorn.toml.bak": "memory = 256\n",
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
        "app.py": WSGI_APP, ".gitignore": "*.out\n", "keep.out": "",
        "web/.gitignore": "/generated/\n!keep.out\n*.tmp\n", "web/keep.out": "", "web/other.out": "",
        "web/generated/bundle.js": "", "web/view.py": "", "web/scratch.tmp": "",
        "generated/data.py": "", "api/scratch.tmp": "",
    })
    files = selection(tmp_path).files
    # web/.gitignore: /generated/ is anchored to web/, *.tmp only below web/, !keep.out wins over the root's *.out.
    assert files == (".gitignore", "api/scratch.tmp", "app.py", "generated/data.py", "web/.gitignore",
                     "web/keep.out", "web/view.py")


SEEDED_SECRETS = (
    ".git-credentials", ".envrc", "terraform.tfstate", "terraform.tfstate.backup", "prod.tfvars", ".docker/config.json",
    ".kube/config", ".s3cfg", ".boto", "key.ppk", "keystore.jks", "credentials", "aws_credentials", "secrets.json",
    "service-account.json", ".htpasswd", ".netrc", ".pgpass", "client.p12", "client.pfx", ".npmrc",
)
SEEDED_DATABASES = ("db.sqlite3", "cache.sqlite", "db.sqlite3-journal", "local.db")
SEEDED_DEV = ("tests/test_app.py", "test_views.py", "views_test.py", "conftest.py", "docs/index.md",
              ".github/workflows/ci.yml", ".gitlab-ci.yml", ".circleci/config.yml", "Dockerfile", "docker-compose.yml")


def test_secrets_databases_tests_docs_ci_and_logs_stay_out_by_default(tmp_path: Path) -> None:
    """Issue 11 item 3 (and issue 12 item 6, issue 14): a tree seeded with every kind ships only the app."""
    write_app(tmp_path, {"app.py": WSGI_APP, "views.py": "", "credentials_helper.py": "", "server.log": "",
                         "api/credentials/__init__.py": "",  # a package of that name is code, not a secret
                         **{name: "x" for name in SEEDED_SECRETS + SEEDED_DATABASES + SEEDED_DEV}})
    chosen = selection(tmp_path)
    assert chosen.files == ("api/credentials/__init__.py", "app.py", "credentials_helper.py", "views.py")
    assert len(chosen.skipped_secrets) == len(SEEDED_SECRETS)  # folders (.docker/, .kube/) count once each
    assert {".docker/", ".kube/", ".git-credentials", "terraform.tfstate", "service-account.json"} <= set(
        chosen.skipped_secrets)
    assert chosen.skipped_databases == tuple(sorted(SEEDED_DATABASES))
    assert set(chosen.skipped_dev) == {"tests/", "test_views.py", "views_test.py", "conftest.py", "docs/", ".github/",
                                       ".gitlab-ci.yml", ".circleci/", "Dockerfile", "docker-compose.yml"}
    line = chosen.left_out()
    assert line is not None and "\n" not in line
    assert f"{len(SEEDED_SECRETS)} secret-looking" in line and "4 local database" in line and "10 tests/docs/CI" in line
    assert "`include`" in line


def test_include_takes_back_a_default_exclusion(tmp_path: Path) -> None:
    write_app(tmp_path, {"app.py": WSGI_APP, "seed.db": "", "docs/help.md": "", "test_utils.py": ""})
    chosen = selection(tmp_path, 'include = ["seed.db", "docs/", "test_utils.py"]\n')
    assert chosen.files == ("app.py", "docs/help.md", "seed.db", "test_utils.py")
    assert chosen.left_out() is None


def test_a_symlink_ships_only_when_its_target_is_itself_shipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_app(outside, {"secret.txt": "top secret"})
    app = write_app(tmp_path / "app", {"app.py": WSGI_APP, ".aws/credentials": "[default]\nkey=1\n",
                                       "templates/base.html": "<html>"})
    (app / "config.ini").symlink_to(app / ".aws" / "credentials")  # into an excluded path
    (app / "notes.txt").symlink_to(outside / "secret.txt")  # out of the app directory
    (app / "shared").symlink_to(outside, target_is_directory=True)  # a folder out of the app: not walked
    (app / "base.html").symlink_to(app / "templates" / "base.html")  # at a shipped file: fine
    chosen = selection(app)
    assert chosen.files == ("app.py", "base.html", "templates/base.html")
    assert chosen.skipped_links == ("config.ini", "notes.txt", "shared/")  # the folder was dropped silently
    assert "3 symlink" in (chosen.left_out() or "")


def test_a_linked_folder_inside_the_app_ships_its_selected_files_under_the_links_name(tmp_path: Path) -> None:
    # `alias_pkg -> real_pkg` was dropped without a word, and the check then blamed the requirements
    app = write_app(tmp_path / "app", {"app.py": WSGI_APP, "real_pkg/__init__.py": "X = 1",
                                       "real_pkg/tests/test_x.py": "", "docs/a.md": ""})
    (app / "alias_pkg").symlink_to(app / "real_pkg", target_is_directory=True)
    (app / "loop").symlink_to(app, target_is_directory=True)  # the app itself: never copied into itself
    (app / "manual").symlink_to(app / "docs", target_is_directory=True)  # at a folder left out
    chosen = selection(app)
    assert chosen.files == ("alias_pkg/__init__.py", "app.py", "real_pkg/__init__.py")
    assert chosen.skipped_links == ("loop/", "manual/")


def test_only_the_top_level_docs_folder_is_left_out_and_gitignored_paths_are_listed(tmp_path: Path) -> None:
    # a template folder named docs/ is content (TemplateNotFound once deployed), and a gitignored
    # dist/ of built assets was left out without a word
    write_app(tmp_path, {"app.py": WSGI_APP, "docs/guide.md": "", "web/templates/docs/index.html": "<html>",
                         "web/static/dist/app.js": "", ".gitignore": "dist/\n.coverage\n", ".coverage": ""})
    chosen = selection(tmp_path)
    assert "web/templates/docs/index.html" in chosen.files and "docs/guide.md" not in chosen.files
    assert chosen.skipped_gitignored == (".coverage", "web/static/dist/")
    assert "2 in .gitignore (.coverage, web/static/dist/)" in (chosen.left_out() or "")


def test_a_gitignore_line_that_is_no_pattern_is_skipped_as_git_skips_it(tmp_path: Path) -> None:
    # a lone "!", a trailing backslash or "[z-a]" made pathspec raise and the build crash
    write_app(tmp_path, {"app.py": WSGI_APP, "notes.log": "", "keep.txt": "", ".gitignore": "!\n\\\n[z-a]\n*.log\n"})
    assert selection(tmp_path).files == (".gitignore", "app.py", "keep.txt")
