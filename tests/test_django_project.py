"""A Django project read from its files: manage.py (here or in src/), the settings module, wsgi.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.discovery import discover
from shoehorn.errors import ConfigError
from tests.test_discovery import write


def _settings_package(tmp_path: Path, manage: str, wsgi: str, asgi: str) -> None:
    """cookiecutter-django's shape: config/settings/{base,local,production}.py, a default in each entry point."""
    setdefault = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', '{}')\n"
    write(tmp_path, "manage.py", setdefault.format(manage))
    write(tmp_path, "config/__init__.py", "")
    write(tmp_path, "config/settings/__init__.py", "")
    for name in ("base", "local", "production"):
        write(tmp_path, f"config/settings/{name}.py", "DEBUG = False\n")
    write(tmp_path, "config/wsgi.py", setdefault.format(wsgi) + "application = get_wsgi_application()\n")
    write(tmp_path, "config/asgi.py", setdefault.format(asgi) + "application = get_asgi_application()\n")


def test_the_settings_module_is_the_one_the_app_module_defaults_to(tmp_path: Path) -> None:
    # manage.py's config.settings.local (runserver's, DEBUG on, dev-only apps) was deployed, where any WSGI
    # server runs wsgi.py's config.settings.production; the one not taken is kept for init to name
    _settings_package(tmp_path, "config.settings.local", "config.settings.production", "config.settings.asgi_prod")
    write(tmp_path, "config/settings/asgi_prod.py", "DEBUG = False\n")
    found = discover(tmp_path)
    assert (found.ref, found.django_settings) == ("config.wsgi:application", "config.settings.production")
    assert "the default of config/wsgi.py" in found.settings_note and "config.settings.local" in found.settings_note
    assert discover(tmp_path, "asgi").django_settings == "config.settings.asgi_prod"


def test_an_app_module_naming_an_empty_settings_package_leaves_manage_py_s(tmp_path: Path) -> None:
    # a generator that split settings.py into a package and updated manage.py only (brickdjango): wsgi.py's
    # "config.settings" is the package's empty __init__.py, which holds no settings
    _settings_package(tmp_path, "config.settings.development", "config.settings", "config.settings")
    write(tmp_path, "config/settings/development.py", "DEBUG = True\n")
    found = discover(tmp_path)
    assert (found.django_settings, found.settings_note) == ("config.settings.development", None)
    write(tmp_path, "config/wsgi.py", "application = get_wsgi_application()\n")  # no default of its own
    assert discover(tmp_path).django_settings == "config.settings.development"


def test_a_django_project_under_src_is_found(tmp_path: Path) -> None:
    # src/manage.py with the requirements at the root: "several candidate apps" (wsgi.py and asgi.py),
    # and a Django project without its settings once one was picked (no collectstatic, an unstyled admin)
    write(tmp_path, "requirements.txt", "django\n")
    write(tmp_path, "src/manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n")
    write(tmp_path, "src/mysite/__init__.py", "")
    write(tmp_path, "src/mysite/settings.py", "DEBUG = True\n")
    write(tmp_path, "src/mysite/wsgi.py", "application = get_wsgi_application()\n")
    write(tmp_path, "src/mysite/asgi.py", "application = get_asgi_application()\n")
    found = discover(tmp_path)
    assert (found.ref, found.source_dir, found.django_settings) == ("mysite.wsgi:application", "src",
                                                                     "mysite.settings")


def test_a_computed_settings_module_is_the_package_holding_settings_and_wsgi_py(tmp_path: Path) -> None:
    # Mezzanine's mezzanine-project: "%s.settings" % real_project_name("mzsite"), in manage.py and wsgi.py
    computed = ("import os\nfrom mezzanine.utils.conf import real_project_name\n"
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', '%s.settings' % real_project_name('mzsite'))\n")
    write(tmp_path, "manage.py", computed)
    write(tmp_path, "mzsite/__init__.py", "")
    write(tmp_path, "mzsite/settings.py", "DEBUG = False\n")
    write(tmp_path, "mzsite/wsgi.py", computed + "application = get_wsgi_application()\n")
    write(tmp_path, "theme/__init__.py", "")  # another package, without settings
    found = discover(tmp_path)
    assert (found.ref, found.django_settings) == ("mzsite.wsgi:application", "mzsite.settings")
    assert "manage.py computes its DJANGO_SETTINGS_MODULE" in found.settings_note
    write(tmp_path, "other/__init__.py", "")
    write(tmp_path, "other/settings.py", "")
    write(tmp_path, "other/wsgi.py", "")
    with pytest.raises(ConfigError, match="several packages hold settings and a wsgi.py: mzsite.settings, "
                                          "other.settings"):
        discover(tmp_path)
