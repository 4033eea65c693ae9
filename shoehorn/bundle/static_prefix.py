"""Django's STATIC_URL read while the app is imported, before any request has set the stage prefix.

Django adds the script prefix to a relative STATIC_URL ("static/") the first time the setting is read,
and keeps that value for the process's life. shoehorn sets the prefix (the stage, /dev) per request, as
any WSGI server sets SCRIPT_NAME, so the first request's read carries it. Wagtail's admin reads it at
import when DEBUG is off and the storage hashes names (its production settings: ManifestStaticFilesStorage),
to decide on its ?v= version strings: the prefix is then "/" for good, every static link misses the stage,
and the execute-api URL answers them 403 (the local cloud 403 too; a custom domain at its root works).
"""

from __future__ import annotations

# Runs inside the check's interpreter right after the handler's import (the probe's own text).
PROBE = r'''
def static_url_read_at_import():
    conf = sys.modules.get("django.conf")
    cached = vars(conf.settings).get("STATIC_URL") if conf is not None else None
    named = sys.modules.get(os.environ.get("DJANGO_SETTINGS_MODULE") or "")
    configured = getattr(named, "STATIC_URL", None)
    if isinstance(cached, str) and isinstance(configured, str) and not configured.startswith(("/", "http:", "https:")):
        return [configured, cached]
    return None
'''


def note(read: list[str] | None) -> str | None:
    """The warning when the check found STATIC_URL read at import (``read``: [as configured, as cached])."""
    if not read:
        return None
    configured, cached = read
    return (f"Django's STATIC_URL ({configured!r}) was read while the app was imported, before any request set "
            f"the stage prefix, so Django keeps {cached!r} for the container's life: the static links miss the stage "
            "prefix and answer 403 on the execute-api URL (from a custom domain's root they work). Wagtail's admin "
            "reads it at import when DEBUG is off and the static storage hashes names: set "
            "WAGTAILADMIN_STATIC_FILE_VERSION_STRINGS = False in the settings (hashed names make its version strings "
            "redundant), and the first request reads it under the stage")
