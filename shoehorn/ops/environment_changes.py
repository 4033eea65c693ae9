"""``shoehorn env set KEY=VALUE`` / ``unset KEY`` arguments -> a checked change to apply."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from shoehorn.errors import ConfigError

# Lambda's rule for keys: a letter, then letters, digits, underscores (CreateFunction API,
# Environment.Variables key pattern [a-zA-Z]([a-zA-Z0-9_])+).
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]+$")
# Set by the Lambda runtime; the API rejects them ("Lambda was unable to configure your
# environment variables because the environment variables you have provided contains reserved keys").
RESERVED = frozenset(
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    }
)  # fmt: skip


@dataclass(frozen=True)
class EnvironmentChange:
    set: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    unset: tuple[str, ...] = ()

    def apply_to(self, variables: Mapping[str, str]) -> dict[str, str]:
        result = {key: value for key, value in variables.items() if key not in self.unset}
        result.update(self.set)
        return result


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise ConfigError(
            f"{key!r} is not a valid environment variable name for Lambda",
            "names start with a letter and use only letters, digits and '_' (at least 2 characters)",
        )
    if key in RESERVED:
        raise ConfigError(f"{key} is reserved: the Lambda runtime sets it", "pick another name")
    return key


def parse_set(assignments: list[str]) -> EnvironmentChange:
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"{item!r} is not KEY=VALUE", "write e.g. shoehorn env set DEBUG=1 API_URL=https://x")
        values[check_key(key.strip())] = value
    if not values:
        raise ConfigError("nothing to set", "write e.g. shoehorn env set DEBUG=1")
    return EnvironmentChange(set=MappingProxyType(values))


def parse_unset(keys: list[str]) -> EnvironmentChange:
    if not keys:
        raise ConfigError("nothing to unset", "write e.g. shoehorn env unset DEBUG")
    return EnvironmentChange(unset=tuple(dict.fromkeys(check_key(key.strip()) for key in keys)))
