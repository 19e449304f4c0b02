"""The measures snapshot kept on disk, shared by every web worker and built by the task worker.

Reading the records into a snapshot takes seconds at city scale (2.8 s on the 2-core machine,
issue 23) and grows with the records; a per-process cache made each gunicorn worker pay for it
on its own first request, and made a write in one worker invisible to the others (issue 22).
The snapshot is now kept once, under ``DATA_DIR/snapshots/live/``:

- ``<stamp>/<table>.arrow``: each table as an Arrow IPC file, memory-mapped on read (a reader
  costs milliseconds, whatever the size);
- ``<stamp>/values-<year>-<population key>.json``: the measures of a year, computed once per
  snapshot by whichever process asks first (the task worker asks for recent years after a build);
- ``CURRENT``: which stamp is live, when it was built and how long that took. It is replaced
  atomically (``os.replace``), so a reader sees the old snapshot or the new one, never half.

Correctness is not cached away: a snapshot older than ``max_age`` is never served (it is rebuilt
from the records first), and a write that must show at once (an adult's enquiry, a bulk import)
calls ``clear``, which removes ``CURRENT`` for every process. Older stamps are deleted once a newer
one has been live for ``KEEP_SECONDS``, so a reader that opened one a moment ago is not cut off.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from django.conf import settings

KEEP_SECONDS = 600


@dataclass(frozen=True)
class Live:
    """What ``CURRENT`` says: the live stamp, when it was built and in how many seconds."""

    stamp: str
    built_at: datetime
    seconds: float

    def age(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.built_at).total_seconds()


def root() -> Path:
    return Path(settings.DATA_DIR) / "snapshots" / "live"


def current() -> Live | None:
    """Return the live snapshot's stamp and times, or None when there is none (or it was cleared)."""
    try:
        data = json.loads((root() / "CURRENT").read_text())
        return Live(data["stamp"], datetime.fromisoformat(data["built_at"]), float(data["seconds"]))
    except (OSError, ValueError, KeyError):
        return None


def write(tables: Mapping[str, pa.Table], *, built_at: datetime, seconds: float) -> Live:
    """Write a snapshot under a new stamp and make it the live one; return it."""
    stamp = built_at.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    directory = root() / stamp
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        with pa.OSFile(str(directory / f"{name}.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
            out.write_table(table)
    live = Live(stamp, built_at, seconds)
    pointer = root() / f".CURRENT.{stamp}"
    pointer.write_text(json.dumps({"stamp": stamp, "built_at": built_at.isoformat(), "seconds": seconds}))
    os.replace(pointer, root() / "CURRENT")
    _remove_old(keep=stamp)
    return live


def read(live: Live) -> dict[str, pa.Table] | None:
    """Memory-map the live snapshot's tables; None when its files are gone (cleared meanwhile)."""
    directory = root() / live.stamp
    try:
        return {path.stem: pa.ipc.open_file(pa.memory_map(str(path))).read_all() for path in directory.glob("*.arrow")}
    except (OSError, pa.ArrowInvalid):
        return None


def clear() -> None:
    """Make every process rebuild from the records on its next read."""
    with contextlib.suppress(FileNotFoundError):
        (root() / "CURRENT").unlink()


def values_read(live: Live, year: str, key: str) -> dict | None:
    try:
        return json.loads((root() / live.stamp / f"values-{year}-{key}.json").read_text())
    except (OSError, ValueError):
        return None


def values_write(live: Live, year: str, key: str, values: Mapping) -> None:
    directory = root() / live.stamp
    if not directory.is_dir():
        return
    target = directory / f"values-{year}-{key}.json"
    scratch = directory / f".values-{year}-{key}.{uuid.uuid4().hex[:8]}"
    scratch.write_text(json.dumps(values))
    os.replace(scratch, target)


def _remove_old(*, keep: str) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in root().iterdir():
        if path.is_dir() and path.name != keep and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
