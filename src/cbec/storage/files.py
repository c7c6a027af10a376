"""Writing files so that a killed process or a power cut leaves the old file or the new one, never half of one.

A file is written under a temporary name in the same folder, flushed to disk (fsync), then renamed over its
final name (atomic on one filesystem); the folder is flushed too so that the rename itself survives a power cut.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from pathlib import Path

from cbec.core.privacy import KeyRing

log = logging.getLogger(__name__)

TEMPORARY_SUFFIX = ".part"
_UNSAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def safe_name(name: str, default: str = "evidence") -> str:
    """Return a file name safe to keep and to put in a zip: no folders, no odd characters, at most 120 long."""
    cleaned = _UNSAFE_NAME.sub("_", Path(name).name).strip("._") or default
    return cleaned[-120:]


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file (hex), read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    """Flush a file's contents to disk."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (names created, renamed or removed in it) to disk."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(root: Path) -> None:
    """Flush every file under a folder, then the folders themselves, deepest first."""
    folders: list[Path] = []
    for folder, _dirs, names in os.walk(root):
        folders.append(Path(folder))
        for name in names:
            fsync_file(Path(folder) / name)
    for folder_path in reversed(folders):
        fsync_dir(folder_path)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write bytes to a path durably: a reader sees the previous contents or these, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    fsync_dir(path.parent)


def create_exclusive(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Create a file with these bytes unless it exists; return whether this call created it.

    The bytes are written and flushed under a temporary name first and then hard-linked to the final name
    (link(2) fails when the name exists), so the file is never seen empty or half written, even after a kill.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        fsync_dir(path.parent)
        return True
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to a path durably (see write_atomic)."""
    write_atomic(path, text.encode("utf-8"))


def replace_durably(source: Path, target: Path) -> None:
    """Rename a flushed file or folder over a target in the same filesystem, and flush the target's folder."""
    if source.is_dir() and target.exists():
        # rename(2) cannot replace a folder that has entries: move the old one aside first. A kill between the
        # two renames leaves the old folder under its aside name, which restore_aside() puts back.
        aside = target.with_name(f".aside{TEMPORARY_SUFFIX}.{target.name}")
        shutil.rmtree(aside, ignore_errors=True)
        target.replace(aside)
        source.replace(target)
        fsync_dir(target.parent)
        shutil.rmtree(aside, ignore_errors=True)
        return
    source.replace(target)
    fsync_dir(target.parent)


def restore_aside(folder: Path) -> list[Path]:
    """Put back folders that a killed replace_durably had moved aside, or drop them when replaced; return them."""
    found = sorted(folder.glob(f".aside{TEMPORARY_SUFFIX}.*"))
    for aside in found:
        original = folder / aside.name.removeprefix(f".aside{TEMPORARY_SUFFIX}.")
        if original.exists():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.replace(original)
    return found


def leftovers(root: Path) -> list[Path]:
    """Return the temporary files and folders these helpers leave when killed (none once recovered)."""
    if not root.exists():
        return []
    aside = f".aside{TEMPORARY_SUFFIX}."
    return sorted(p for p in root.rglob("*") if p.name.endswith(TEMPORARY_SUFFIX) or p.name.startswith(aside))


def key_file_ring(path: Path, *, first_key_id: str, purpose: str, setting: str) -> KeyRing:
    """Return the key ring kept in a key file, writing a first key there when there is none yet.

    `purpose` and `setting` name the keys and the setting production should use instead, in the warning.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside and linked into place: a kill never leaves an empty or half-written key file.
        if create_exclusive(path, (KeyRing.new_key_text(first_key_id) + "\n").encode("ascii")):
            log.warning("created a %s master key in %s; set %s in production", purpose, path, setting)
    return KeyRing.parse(path.read_text(encoding="ascii").strip())
