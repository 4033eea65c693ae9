"""``shoehorn env set KEY=VALUE`` / ``unset KEY`` arguments -> a checked change to apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from shoehorn.commandline import suggest
from shoehorn.config import ENV_NAME, RESERVED_ENV
from shoehorn.errors import ConfigError

# Set by the Lambda runtime; the API rejects them (the config loader refuses them too).
RESERVED = RESERVED_ENV


@dataclass(frozen=True)
class EnvironmentChange:
    set: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    unset: tuple[str, ...] = ()

    def apply_to(self, variables: Mapping[str, str]) -> dict[str, str]:
        result = {key: value for key, value in variables.items() if key not in self.unset}
        result.update(self.set)
        return result


def check_key(key: str) -> str:
    if not ENV_NAME.fullmatch(key):
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
            raise ConfigError(f"{item!r} is not KEY=VALUE", f"write e.g. {suggest('env set DEBUG=1 API_URL=https://x')}")
        key = check_key(key.strip())
        if key in values and values[key] != value:
            raise ConfigError(f"{key} is given twice ({values[key]!r} and {value!r})", f"keep one {key}=... of the two")
        values[key] = value
    if not values:
        raise ConfigError("nothing to set", f"write e.g. {suggest('env set DEBUG=1')}")
    return EnvironmentChange(set=MappingProxyType(values))


def parse_unset(keys: list[str]) -> EnvironmentChange:
    if not keys:
        raise ConfigError("nothing to unset", f"write e.g. {suggest('env unset DEBUG')}")
    return EnvironmentChange(unset=tuple(dict.fromkeys(check_key(key.strip()) for key in keys)))
