"""Lambda's read-only code directory, for local runs (the bundle check and ``dev --lambda``).

On Lambda the function's code (/var/task) is on a read-only file system; only /tmp is
writable ("Lambda execution environment": "/tmp ... the only writable path"). Locally the
unzipped bundle is an ordinary folder, and tests and CI often run as root, for whom file
modes do not stop a write. So an audit hook (``sys.addaudithook``, PEP 578) refuses every
write the interpreter makes below the code directory with the error Lambda gives:
``OSError: [Errno 30] Read-only file system``. Subprocesses and C libraries that open files
themselves are not covered, except SQLite, whose connect is audited: a new database file there is
refused. A write into a database shipped in the bundle is not caught here (SQLite writes from C;
on Lambda it fails with "attempt to write a readonly database"), and the connection cannot be
changed from the audit hook (its handle event comes before the connection is usable).

Standard library only: it runs by path (``runpy.run_path``) in the isolated interpreters,
before the handler is imported, with the code directory in LAMBDA_TASK_ROOT.
"""

HOOK = __file__  # for callers: the path to run

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

                    raise sqlite3.OperationalError(f"unable to open database file {path!r} "
                                                   "(the code directory is read-only on Lambda; use /tmp)")
        elif event in _CHANGES:
            for index in _CHANGES[event]:
                if index < len(args) and below(args[index]):
                    refuse(args[index])

    sys.addaudithook(hook)


if __name__ == "__main__":  # run by path: runpy.run_path(HOOK, run_name="__main__")
    protect(os.environ["LAMBDA_TASK_ROOT"])
