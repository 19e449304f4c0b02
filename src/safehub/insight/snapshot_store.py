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
  The task worker works out the recent years' measures *before* it makes a new stamp live, so a
  page never finds a live snapshot whose figures it has to compute itself (4.4 s for
  ``/insight/`` during a rebuild at scale 0.3, before).

Correctness is not cached away: a snapshot older than its bound (``snapshot.servable_age``) is
never served (it is rebuilt from the records first, in the request where a build is quick, else by
the task worker while the page says the figures are being worked out), and a write that must show
at once (an adult's enquiry, a bulk import) calls ``clear``, which removes ``CURRENT`` for every
process and writes a new token to ``CLEARED``: a build that read the records before that is not
made live afterwards (it would hide the write). Older stamps are deleted once a newer one has been live for ``KEEP_SECONDS``, so a
reader that opened one a moment ago is not cut off.
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
    """Write a snapshot under a new stamp, not yet live: the caller works on it (``values_write``)
    and then makes it live with ``publish``. ``built_at`` is when the records were read."""
    stamp = built_at.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    directory = root() / stamp
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        with pa.OSFile(str(directory / f"{name}.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
            out.write_table(table)
    return Live(stamp, built_at, seconds)


def publish(live: Live, *, mark: str | None = None) -> bool:
    """Make a written stamp the live one. False, and nothing changes, when its files are gone or
    (given the ``clear_mark()`` taken before its records were read) a ``clear`` came since."""
    if not (root() / live.stamp).is_dir() or (mark is not None and clear_mark() != mark):
        return False
    _replace_text(
        root() / "CURRENT",
        json.dumps({"stamp": live.stamp, "built_at": live.built_at.isoformat(), "seconds": live.seconds}),
    )
    _replace_text(root() / "LAST_BUILD", json.dumps({"seconds": live.seconds}))
    _remove_old(keep=live.stamp)
    return True


def last_build_seconds() -> float | None:
    """How long the last snapshot that went live took to build (kept when ``clear`` removes it)."""
    try:
        return float(json.loads((root() / "LAST_BUILD").read_text())["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear_mark() -> str:
    """Which ``clear`` was the last (a new token each time; no clocks compared)."""
    try:
        return (root() / "CLEARED").read_text()
    except OSError:
        return ""


def read(live: Live) -> dict[str, pa.Table] | None:
    """Memory-map the live snapshot's tables; None when its files are gone (cleared meanwhile)."""
    directory = root() / live.stamp
    try:
        return {path.stem: pa.ipc.open_file(pa.memory_map(str(path))).read_all() for path in directory.glob("*.arrow")}
    except (OSError, pa.ArrowInvalid):
        return None


def clear() -> None:
    """Make every process rebuild from the records on its next read (and no build already under
    way go live: it read the records before this)."""
    root().mkdir(parents=True, exist_ok=True)
    _replace_text(root() / "CLEARED", uuid.uuid4().hex)
    with contextlib.suppress(FileNotFoundError):
        (root() / "CURRENT").unlink()


def values_read(live: Live, year: str, key: str, *, kind: str = "values") -> dict | None:
    """What a process worked out from this snapshot for a year (``kind``: the measures, or the breakdowns)."""
    try:
        return json.loads((root() / live.stamp / f"{kind}-{year}-{key}.json").read_text())
    except (OSError, ValueError):
        return None


def values_write(live: Live, year: str, key: str, values: Mapping, *, kind: str = "values") -> None:
    directory = root() / live.stamp
    if not directory.is_dir():
        return
    _replace_text(directory / f"{kind}-{year}-{key}.json", json.dumps(values))


def _replace_text(target: Path, text: str) -> None:
    """Write ``target`` whole or not at all: a reader in another process sees the old text or the new."""
    scratch = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
    scratch.write_text(text)
    os.replace(scratch, target)


def _remove_old(*, keep: str) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in root().iterdir():
        if path.is_dir() and path.name != keep and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
