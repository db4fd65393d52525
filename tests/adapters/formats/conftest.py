"""Where the real sample files written by others lie (never copied into the repository), and
what the readers' tests compare."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from relance.adapters.formats.errors import FormatError

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples")


def sample_path(relative: str) -> Path:
    """The sample file at `relative` under shared/samples, or skip the test saying why."""
    path = SAMPLES / relative
    if not path.is_file():
        pytest.skip(f"sample {relative} absent: shared/samples is not beside the checkout")
    return path


@pytest.fixture
def sample() -> Callable[[str], Path]:
    """A function giving a real sample file's path, skipping when samples are absent."""
    return sample_path


def read_or_refusal(read: Callable[[], object]) -> tuple[str, object]:
    """What `read` read, or the error it raised, as data two readers' results compare by."""
    try:
        return ("read", read())
    except FormatError as error:
        return ("refused", (error.location, error.field, error.reason))
