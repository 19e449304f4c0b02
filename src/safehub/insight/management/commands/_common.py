"""What insight's commands share: progress on a terminal, year checks, one-line failures."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from django.core.management.base import CommandError

from safehub.insight.selectors import is_year


def check_year(year: str) -> str:
    if not is_year(year):
        raise CommandError(f"--year must be a financial year such as 2024-25, not {year!r}")
    return year


def progress_printer(stream=None) -> Callable[[str], None] | None:
    """Return a function writing progress lines to stderr when it is a terminal, else None."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    started = time.perf_counter()

    def say(message: str) -> None:
        stream.write(f"\r\x1b[K[{time.perf_counter() - started:5.1f}s] {message}")
        stream.flush()

    return say


def progress_done(say: Callable[[str], None] | None, stream=None) -> None:
    if say is not None:
        (stream or sys.stderr).write("\n")


def one_line(exc: BaseException) -> str:
    """Return an exception as one line for stderr."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:500]
