"""The one error every format reader raises on a file it cannot read.

A reader either returns every record of a file or raises `FormatError`: nothing is
half read, so the import service can refuse the whole file in one transaction.
"""

from __future__ import annotations

from pathlib import Path


class FormatError(Exception):
    """A file could not be read: names the file, the line or XML element, the field and why."""

    def __init__(self, file: str | Path, location: str, field: str, reason: str) -> None:
        self.file = str(file)
        self.location = location
        self.field = field
        self.reason = reason
        where = f"{self.file}:{location}" if location else self.file
        what = f"{field}: {reason}" if field else reason
        super().__init__(f"{where}: {what}")
