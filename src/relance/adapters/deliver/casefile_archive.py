"""A case file on disk: a folder or a zip, written whole or not at all, and read back
for its check.

A zip is written to a temporary file beside it and renamed once complete; a folder is
filled under a temporary name beside it and renamed into place. A zip never replaces a
file, a folder is written only where there is none or an empty one: a case file is
evidence, and evidence is not overwritten. The zip's entries carry the case file's date,
not the moment it was written, so the same case file zips to the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from relance.core.casefile import MANIFEST_NAME, BadManifest


class TargetTaken(ValueError):
    """Where a case file was to be written already holds something."""


def check_target(out: Path, zipped: bool) -> None:
    """Refuse a target that is taken: an existing zip, a folder that is not empty, a
    file where a folder should go. Nothing is written here."""
    if zipped:
        if out.exists():
            raise TargetTaken(f"{out}: already exists; a case file never replaces a file")
        return
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TargetTaken(f"{out}: not an empty folder; give a new or empty one")


def write_zip(out: Path, files: Sequence[tuple[str, bytes]], dated: date) -> None:
    """Write the files into the zip `out`, through a temporary file renamed at the end."""
    check_target(out, zipped=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as bundle:
            for path, content in files:
                info = zipfile.ZipInfo(
                    path, date_time=(dated.year, dated.month, dated.day, 0, 0, 0)
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                bundle.writestr(info, content)
            raw.flush()
            os.fsync(raw.fileno())
        os.link(temporary, out)  # fails if `out` appeared meanwhile: never replaced
    finally:
        os.unlink(temporary)


def write_directory(out: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """Write the files under the folder `out` (new or empty), filled under a temporary
    name beside it and renamed into place once complete."""
    check_target(out, zipped=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for path, content in files:
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as written:
                written.write(content)
                written.flush()
                os.fsync(written.fileno())
        if out.exists():
            out.rmdir()  # empty, as checked: the complete folder takes its place
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_case_file(path: Path) -> dict[str, bytes]:
    """Every file of the case file at `path` (a folder or a zip), by relative POSIX path."""
    if path.is_dir():
        return {
            file.relative_to(path).as_posix(): file.read_bytes()
            for file in sorted(path.rglob("*"))
            if file.is_file()
        }
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such folder or zip")
    try:
        with zipfile.ZipFile(path) as bundle:
            found: dict[str, bytes] = {}
            for info in bundle.infolist():
                if info.is_dir():
                    continue
                # A second entry under a name already read is what an unzip tool may
                # extract instead of the first: it is reported as a file of its own.
                name, copy = info.filename, 1
                while name in found:
                    copy += 1
                    name = f"{info.filename} (entry {copy})"
                found[name] = bundle.read(info)
            return found
    except zipfile.BadZipFile as exc:
        raise BadManifest(f"{path}: not a folder nor a zip file ({exc})") from exc


def manifest_bytes(found: dict[str, bytes], path: Path) -> bytes:
    """The manifest among the files read, or `BadManifest` when there is none."""
    if MANIFEST_NAME not in found:
        raise BadManifest(f"{path}: no {MANIFEST_NAME}: this is not a case file, or it was removed")
    return found[MANIFEST_NAME]
