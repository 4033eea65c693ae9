"""README's configuration reference stays true: every key the loader knows has a row, no row names a key
it does not know, and the example file loads."""

from __future__ import annotations

import re
from pathlib import Path

from shoehorn.config import KEYS, TOP_ONLY, load

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]


def test_every_config_key_has_a_row_and_every_row_is_a_key() -> None:
    rows = {name for line in SECTION.splitlines() if line.startswith("| `")
            for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])}
    assert rows == (set(KEYS) | set(TOP_ONLY)) - {"stages"}


def test_the_example_file_loads(tmp_path: Path) -> None:
    example = SECTION.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "app.py").write_text("app = object()\n")
    (tmp_path / "shoehorn.toml").write_text(example)
    prod = load(tmp_path, stage="prod")
    assert (prod.memory, prod.concurrency, prod.warm) == (2048, 50, "5m")
    assert load(tmp_path).memory == 1024
