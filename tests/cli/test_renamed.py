"""Renaming the app: `plan`, `up` and `status` say the old name's stack is still deployed and print the
command that deletes it; `down --app OLD` deletes it and nothing of another project."""

from __future__ import annotations

import json
from pathlib import Path

from opskit import run
from shoehorn.deploy.aws import Aws


def in_repository(directory: Path, url: str) -> Path:
    """What `git clone URL` leaves, as far as shoehorn reads it."""
    (directory / ".git").mkdir(parents=True, exist_ok=True)
    (directory / ".git" / "config").write_text(f'[remote "origin"]\n\turl = {url}\n')
    return directory


def app(directory: Path, name: str, url: str) -> Path:
    from deployapp import tiny_app

    return in_repository(tiny_app(directory, name), url)


def function_exists(name: str) -> bool:
    return any(f["FunctionName"] == name for f in Aws().call("lambda", "list_functions")["Functions"])


def test_a_rename_is_noticed_and_the_old_stack_deleted_with_the_command_given(aws_env_shared, unique_name,
                                                                              tmp_path: Path) -> None:
    old, new = f"{unique_name}-old", f"{unique_name}-new"
    shop = app(tmp_path / "shop", old, f"git@github.com:acme/{unique_name}.git")
    code, _, err = run("up", "-C", str(shop), "--no-check")
    assert code == 0 and "also deployed" not in err, err
    (shop / "shoehorn.toml").write_text(f'name = "{new}"\n')  # the rename
    command = f"shoehorn down --app {old} -C {shop}"

    code, out, err = run("plan", "-C", str(shop))
    assert code == 0, err
    assert f"as app '{old}' (function {old}-dev)" in err and f"`{command}`" in err

    code, _, err = run("up", "-C", str(shop), "--no-check")
    assert code == 0, err
    assert f"as app '{old}'" in err and f"`{command}`" in err
    code, _, err = run("up", "-C", str(shop), "--no-check")  # no-op: not asked again (status says it)
    assert code == 0 and "up to date" in err and "also deployed" not in err

    code, out, _ = run("status", "-C", str(shop))
    assert code == 0 and "note: this project" in out and f"`{command}`" in out
    code, out, _ = run("status", "-C", str(shop), "--json")
    assert json.loads(out)["other_names"] == [old]

    # a teammate's clone, in a folder of another name and with the remote written another way: the same project
    clone = in_repository(tmp_path / "checkout", f"https://github.com/acme/{unique_name}")
    (clone / "app.py").write_text((shop / "app.py").read_text())
    (clone / "requirements.txt").write_text("")
    (clone / "shoehorn.toml").write_text(f'name = "{new}"\n')
    code, out, _ = run("status", "-C", str(clone), "--json")
    assert code == 0 and json.loads(out)["other_names"] == [old]

    code, _, err = run("down", "-C", str(shop), "--app", old, "--yes")
    assert code == 0, err
    assert f"deleted {old} (stage dev)" in err and not function_exists(f"{old}-dev")
    assert function_exists(f"{new}-dev")  # the app itself is untouched
    code, out, _ = run("status", "-C", str(shop), "--json")
    assert json.loads(out)["other_names"] == []
    assert run("down", "-C", str(shop), "--yes")[0] == 0


def test_not_deployed_under_the_new_name_yet_says_where_it_is(aws_env_shared, unique_name, tmp_path: Path) -> None:
    old, new = f"{unique_name}-old", f"{unique_name}-new"
    shop = app(tmp_path / "shop", old, f"git@github.com:acme/{unique_name}.git")
    assert run("up", "-C", str(shop), "--no-check")[0] == 0
    (shop / "shoehorn.toml").write_text(f'name = "{new}"\n')
    code, _, err = run("status", "-C", str(shop))
    assert code == 6 and f"nothing deployed for app {new}" in err and f"as app '{old}'" in err
    assert run("down", "-C", str(shop), "--app", old, "--yes")[0] == 0


def test_down_app_refuses_what_it_cannot_prove_is_this_projects(aws_env_shared, unique_name, tmp_path: Path) -> None:
    theirs = app(tmp_path / "theirs", f"{unique_name}-b", "git@github.com:someone/else.git")
    assert run("up", "-C", str(theirs), "--no-check")[0] == 0
    mine = app(tmp_path / "mine", f"{unique_name}-a", f"git@github.com:acme/{unique_name}.git")

    code, _, err = run("down", "-C", str(mine), "--app", f"{unique_name}-b", "--yes")
    assert code == 8 and "deployed from another project" in err and "nothing was deleted" in err
    assert function_exists(f"{unique_name}-b-dev")

    code, _, err = run("down", "-C", str(mine), "--app", "Not_A_Name", "--yes")
    assert code == 2 and "'not-a-name'" in err

    code, _, err = run("down", "-C", str(mine), "--app", f"{unique_name}-b")  # no terminal: the hint keeps --app
    assert code == 2 and f"shoehorn down --app {unique_name}-b --yes -C {mine}" in err

    code, _, err = run("down", "-C", str(mine), "--app", f"{unique_name}-none", "--yes")
    assert code == 0 and "nothing to delete" in err
    assert run("down", "-C", str(theirs), "--yes")[0] == 0
