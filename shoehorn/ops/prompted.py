"""A one-off command that wanted a terminal: `shoehorn run` gives it none, as Lambda has none.

The command's stdin is empty, so a prompt reads end of file: Python's ``input()`` raises EOFError,
and Django's ``createsuperuser`` (the step DRF's quickstart and Django's tutorial run by hand)
skips its work and exits 0, which reads as success until the login fails. The note says what
happened and how to give the answers without a terminal.
"""

from __future__ import annotations

from shoehorn.commandline import suggest

DJANGO_SKIPPED = "Superuser creation skipped due to not running in a TTY"
EOF_READ = "EOFError: EOF when reading a line"


def note(output: str, deployed: bool) -> str | None:
    """What to tell after the command's ``output``; None when it asked for nothing.

    ``deployed``: the command ran in a deployed function (AWS or the local cloud), whose environment
    `env set` changes; otherwise in a local container, whose environment is shoehorn.toml's."""
    if DJANGO_SKIPPED in output:
        if deployed:
            where = (f"`{suggest('env set DJANGO_SUPERUSER_PASSWORD=...')}` (and "
                     f"`{suggest('env unset DJANGO_SUPERUSER_PASSWORD')}` once it is made)")
        else:
            where = 'DJANGO_SUPERUSER_PASSWORD = "..." under [environment] in shoehorn.toml'
        again = suggest("run -- python manage.py createsuperuser --noinput --username NAME --email EMAIL")
        return ("no superuser was made: createsuperuser asks for the password on a terminal, and `shoehorn run` "
                "has none (Lambda gives a command no terminal). Give it through the environment: "
                f"{where}, then `{again}`")
    if EOF_READ in output:
        return ("the command asked for input, and `shoehorn run` has none to give (Lambda gives a command no "
                "terminal): pass the answers as its arguments or options (often --noinput or --yes)")
    return None
