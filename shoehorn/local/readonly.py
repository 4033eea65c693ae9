"""Lambda's read-only code directory, for local runs (the bundle check and ``dev --lambda``).

On Lambda the function's code (/var/task) is on a read-only file system; only /tmp is
writable ("Lambda execution environment": "/tmp ... the only writable path"). Locally the
unzipped bundle is an ordinary folder, and tests and CI often run as root, for whom file
modes do not stop a write. So an audit hook (``sys.addaudithook``, PEP 578) refuses every
write the interpreter makes below the code directory with the error Lambda gives:
``OSError: [Errno 30] Read-only file system``. Subprocesses and C libraries that open files
themselves are not covered, except SQLite, whose connect is audited: a new database file there is
refused. A database shipped in the bundle opens read-only, as it does on Lambda (SQLite falls back
to a read-only open on a read-only file system): when the app imports sqlite3, its ``connect``
is wrapped (``_guard_sqlite``) to open such a file with ``mode=ro``, so a write fails with
Lambda's "attempt to write a readonly database". (The audit hook alone cannot do it: the
connection is not usable yet when its handle event comes.)

Standard library only: it runs by path (``runpy.run_path``) in the isolated interpreters,
before the handler is imported, with the code directory in LAMBDA_TASK_ROOT.
"""

HOOK = __file__  # for callers: the path to run
# How a SQLite database that would be created in the code directory is refused (build's check looks for it)
SQLITE_REFUSED = "the code directory is read-only on Lambda; use /tmp"

import errno
import os
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit events that change the file system, and the positions of their path arguments.
_CHANGES = {
    "os.mkdir": (0,), "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.link": (1,),
    "os.symlink": (1,), "os.truncate": (0,), "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,),
    "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.move": (1,), "shutil.make_archive": (0,),
}


def _database(name) -> tuple[str, bool] | None:
    """(file path, opened read-only) of what ``sqlite3.connect`` opens; None for no file (a memory
    or temporary database, a file descriptor). A name starting with "file:" is read as a URI
    (``uri=True``, which the audit event does not say): ``file:data.db?mode=ro``."""
    if isinstance(name, int):
        return None
    text = os.fsdecode(name)
    if text in (":memory:", ""):
        return None
    if not text.startswith("file:"):
        return text, False
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(text)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    path = unquote(parts.path)
    if query.get("mode") == "memory" or path in ("", ":memory:"):
        return None
    return path, query.get("mode") == "ro" or query.get("immutable") == "1"


def _read_only_uri(database) -> str:
    """``database`` (a path, or a ``file:`` URI) as a URI that SQLite opens read-only: ``mode=ro``,
    any other mode dropped, the rest of the URI kept as written (a relative one stays relative)."""
    text = os.fsdecode(database)
    if not text.startswith("file:"):
        from pathlib import Path

        return Path(os.path.abspath(text)).as_uri() + "?mode=ro"
    text, hash_, fragment = text.partition("#")
    path, _, query = text.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("mode=")]
    return path + "?" + "&".join([*kept, "mode=ro"]) + hash_ + fragment


def _is_wal(path: str) -> bool:
    """Whether the database file is in WAL mode (header bytes 18-19 are 2: sqlite.org/fileformat.html)."""
    with open(path, "rb") as file:
        header = file.read(20)
    return len(header) == 20 and header[18] == header[19] == 2


def _guard_sqlite(module, below) -> None:
    """Wrap ``module.connect`` (sqlite3's and sqlite3.dbapi2's): an existing database file below
    the code directory opens read-only. A name starting with "file:" is read as a URI, as a SQLite
    built with SQLITE_USE_URI (Debian's is) reads it even without ``uri=True`` (the audit hook reads
    it so too; whether Lambda's runtime's SQLite does is not checked).
    Anything the wrapper cannot read goes to sqlite3.connect unchanged, to fail there."""
    connect = module.connect

    def read_only_connect(*args, **kwargs):
        try:
            database = args[0] if args else kwargs["database"]
            found = _database(database)
            guarded = found is not None and not found[1] and below(found[0]) and os.path.isfile(found[0])
            uri = _read_only_uri(database) if guarded else None
            wal = guarded and _is_wal(found[0])
        except (KeyError, TypeError, ValueError, OSError):
            guarded = False
        if not guarded:
            return connect(*args, **kwargs)
        if wal and not (os.path.exists(found[0] + "-shm") and os.path.exists(found[0] + "-wal")):
            # Lambda: the first read of a WAL database needs its -shm and -wal files, which a
            # read-only directory cannot create (sqlite.org/wal.html, "read-only databases")
            raise module.OperationalError(
                f"attempt to write a readonly database ({found[0]!r} is in WAL mode: on Lambda's read-only "
                "code directory it cannot be read without its -shm and -wal files; ship it with "
                "PRAGMA journal_mode=DELETE, or copy it to /tmp first)"
            )
        if args:
            args = (uri, *args[1:7], True, *args[8:]) if len(args) > 7 else (uri, *args[1:])
        else:
            kwargs["database"] = uri
        if len(args) <= 7:
            kwargs["uri"] = True
        return connect(*args, **kwargs)

    module.connect = read_only_connect
    module.dbapi2.connect = read_only_connect


class _SqliteImport:
    """A meta path finder that finds nothing itself: it lets the import of sqlite3 happen as
    usual, then wraps its connect (sqlite3 is imported only if the app uses it)."""

    def __init__(self, below) -> None:
        self.below = below

    def find_spec(self, name, path=None, target=None):
        if name != "sqlite3":
            return None
        sys.meta_path.remove(self)  # once, and not found again by the lookup below
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _guard_sqlite(module, self.below)

        spec.loader.exec_module = exec_module
        return spec


def protect(root: str) -> None:
    """Refuse, from now on in this interpreter, any write below ``root``."""
    base = os.path.realpath(root)
    prefix = base + os.sep

    def below(path) -> bool:
        if isinstance(path, int) or path is None:
            return False  # a file descriptor: opened (and judged) earlier
        try:
            full = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return full == base or full.startswith(prefix)

    def refuse(path) -> None:
        raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if (flags & _WRITE_FLAGS or (mode and any(c in mode for c in "wax+"))) and below(path):
                refuse(path)
        elif event == "sqlite3.connect":
            found = _database(args[0])
            if found is not None and below(found[0]):
                path, read_only = found
                if not read_only and not os.path.exists(path):
                    # A database that does not exist yet would be created: on Lambda that fails.
                    import sqlite3

                    refused = sqlite3.OperationalError(f"unable to open database file {path!r} ({SQLITE_REFUSED})")
                    # errno and filename as any other refused write's OSError carries them, so the build
                    # check names this one the same way (through the library's error raised from it)
                    refused.errno, refused.filename = errno.EROFS, path
                    raise refused
        elif event in _CHANGES:
            for index in _CHANGES[event]:
                if index < len(args) and below(args[index]):
                    refuse(args[index])

    sys.addaudithook(hook)
    if "sqlite3" in sys.modules:
        _guard_sqlite(sys.modules["sqlite3"], below)
    else:
        sys.meta_path.insert(0, _SqliteImport(below))


if __name__ == "__main__":  # run by path: runpy.run_path(HOOK, run_name="__main__")
    protect(os.environ["LAMBDA_TASK_ROOT"])
