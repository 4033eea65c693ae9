"""shoehorn/bundle/unmigrated.py: a table the database lacks, named with the command that creates it."""

from __future__ import annotations

import pytest

from shoehorn.bundle.unmigrated import note


@pytest.mark.parametrize("error, table", [
    ("django.db.utils.OperationalError: no such table: wagtailcore_site", "wagtailcore_site"),
    ('django.db.utils.ProgrammingError: relation "django_session" does not exist', "django_session"),
    ("MySQLdb.ProgrammingError: (1146, \"Table 'shop.auth_user' doesn't exist\")", "shop.auth_user"),
])
def test_each_databases_missing_table_is_named_with_django_s_migrate(error: str, table: str) -> None:
    said = note(f"Traceback (most recent call last):\n  ...\n{error}\n", django=True)
    assert f"no table {table}:" in said and "`shoehorn run -- python manage.py migrate`" in said


def test_other_errors_say_nothing() -> None:
    assert note("sqlite3.OperationalError: unable to open database file", django=True) is None
