"""What to say when the app's GET / fails on a table its database does not have yet.

A fresh project (Wagtail's `wagtail start`, whose home page is a database row) answers 500 until its
migrations have run against the function's database; the bundle check showed forty lines of traceback
ending in "no such table: wagtailcore_site". The fix is a command the user may not know shoehorn has.
"""

from __future__ import annotations

import re

from shoehorn.commandline import suggest

# The "no such table" of each database Django and SQLAlchemy apps commonly use, the table in group 1.
_MISSING_TABLE = (
    re.compile(r"no such table: ([\w.]+)"),  # SQLite
    re.compile(r'relation "([\w.]+)" does not exist'),  # PostgreSQL
    re.compile(r"Table '([\w.]+)' doesn't exist"),  # MySQL, MariaDB
)


def note(stderr: str, django: bool) -> str | None:
    """The line to add to the check's warning when ``stderr`` (the app's traceback) is a missing table."""
    found = next((match for pattern in _MISSING_TABLE for match in pattern.finditer(stderr)), None)
    if found is None:
        return None
    command = "python manage.py migrate" if django else "flask --app APP init-db"
    return (f"the database has no table {found.group(1)}: its migrations have not run there. They run in the "
            f"function, against the database it reaches: `{suggest(f'run -- {command}', local_cloud=False)}` "
            "once deployed (with --local for the local cloud)"
            + ("" if django else " or your app's own command that creates its tables"))
