"""Which environment variable an app's error says is missing, and how to give it one under shoehorn.

Settings read from the environment (twelve-factor apps: Django's with django-environ or
``os.environ["SECRET_KEY"]``) fail at import when a variable is unset. The traceback names the
variable, but not that shoehorn runs the app with shoehorn.toml's ``[environment]`` and nothing
else: `build`'s checks and the function never see this shell's variables. Read from the error's
text (a child's stderr, or a formatted traceback), never by importing anything.
"""

from __future__ import annotations

import re
from pathlib import Path

# What the common readers raise for an unset variable, each with the variable's name in group 1.
_MESSAGES = (
    re.compile(r"ImproperlyConfigured: Set the (\w+) environment variable"),  # django-environ
    re.compile(r"EnvError: Environment variable \"(\w+)\" not set"),  # environs
    re.compile(r"UndefinedValueError: (\w+) not found\. Declare it as envvar"),  # python-decouple
)
# os.environ["X"]: a KeyError raised in os.py's __getitem__ (shown as "<frozen os>" since 3.11)
_ENVIRON_KEY = re.compile(r"(?:<frozen os>|[/\\]os\.py)\", line \d+, in __getitem__\n(?:.*\n)*?KeyError: '(\w+)'")
# Django's own check of a SECRET_KEY set from os.environ.get(...) or os.getenv(...) that found nothing
_EMPTY_SECRET = "ImproperlyConfigured: The SECRET_KEY setting must not be empty"


def unset_variable(text: str) -> str | None:
    """The environment variable ``text`` (a traceback) fails on for lack of a value, or None."""
    found = [match for pattern in (*_MESSAGES, _ENVIRON_KEY) for match in pattern.finditer(text)]
    if not found:
        return None
    return max(found, key=lambda match: match.end()).group(1)  # the last one raised, as the traceback ends


def hint(text: str, where: str = "shoehorn.toml") -> str | None:
    """What to do when ``text`` (a traceback) is an unset variable's failure, or None. ``where``: the
    file that holds shoehorn's settings (shoehorn.toml, or pyproject.toml's [tool.shoehorn])."""
    table = "[environment]" if where == "shoehorn.toml" else "[tool.shoehorn.environment]"
    name = unset_variable(text)
    if name is not None:
        return (f"the app reads {name} from the environment and it is not set: the function (and `build`'s "
                f"checks) get the variables of {where}'s {table}, never this shell's, so add {name} = \"...\" "
                f"there (or under [stages.NAME.environment] for one stage)")
    if _EMPTY_SECRET in text:
        return (f"SECRET_KEY came out empty: settings that read it from the environment (os.environ.get, "
                f"os.getenv) found nothing, because the function (and `build`'s checks) get the variables of "
                f"{where}'s {table}, never this shell's: set the variable the settings read there")
    return None


def settings_file(directory: Path) -> str:
    """The file a user adds variables to: shoehorn.toml, unless pyproject.toml holds [tool.shoehorn] alone."""
    if (directory / "shoehorn.toml").is_file():
        return "shoehorn.toml"
    try:
        pyproject = (directory / "pyproject.toml").read_text("utf-8")
        return "pyproject.toml" if "[tool.shoehorn" in pyproject else "shoehorn.toml"
    except (OSError, ValueError):
        return "shoehorn.toml"
