"""One door to AWS: no module but shoehorn/deploy/aws.py imports boto3 or botocore."""

from __future__ import annotations

import ast
from pathlib import Path

import shoehorn

ROOT = Path(shoehorn.__file__).parent
DOOR = ROOT / "deploy" / "aws.py"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_aws_door_imports_boto() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in sorted(ROOT.rglob("*.py"))
                 if p != DOOR and _imports(p) & {"boto3", "botocore"}]
    assert offenders == []
    assert {"boto3", "botocore"} <= _imports(DOOR)


def test_deploy_core_does_not_import_the_cli_libraries() -> None:
    deploy = ROOT / "deploy"
    offenders = [str(p.relative_to(ROOT)) for p in sorted(deploy.rglob("*.py")) if _imports(p) & {"typer", "rich", "httpx"}]
    assert offenders == []
