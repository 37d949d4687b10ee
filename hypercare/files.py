"""Files hypercare writes hold go-live data (HR and payroll tickets among them): private ones.

Folders hypercare creates are ``0700`` and files ``0600`` (the process umask still applies,
so a stricter one wins). A file is written to a new temporary file in its folder (created
exclusively, never through an existing path) and renamed over the target, so a symbolic
link planted at the target is replaced, never followed, and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path, *, follow_link: bool = True) -> Path:
    """``path`` as a folder, created (with its parents) ``0700`` when missing.

    ``follow_link=False`` refuses a symbolic link in place of the folder: for folders
    hypercare names itself inside another one, where a link can only have been planted."""
    if not follow_link and path.is_symlink():
        raise OSError(f"{path} is a symbolic link; hypercare will not write through it")
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` as a ``0600`` file, atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:  # mkstemp: O_EXCL, mode 0600 & ~umask
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)  # replaces a link at ``path``, never writes through it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and ``0600`` unless something is there; True when created."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        os.close(os.open(path, flags, PRIVATE_FILE))
    except FileExistsError:
        return False
    return True


def make_private(path: Path, mode: int) -> None:
    """Take group and other permissions away from ``path`` (a file or folder we own)."""
    with contextlib.suppress(OSError):
        current = stat.S_IMODE(path.lstat().st_mode)
        if current & 0o077 and not path.is_symlink():
            path.chmod(current & mode)
