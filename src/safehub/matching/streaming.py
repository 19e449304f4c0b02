"""De-duplicate a register too large to hold in memory as Python objects, with the same result.

:func:`safehub.matching.engine.dedupe` keeps a :class:`MatchRecord` and a :class:`Features` object
per record (about 1.5 KB each) and blocks from Python lists: at 13 million people that is tens of
gigabytes.  :func:`dedupe_stream` reads the records once, a chunk at a time, and keeps

* each record's normalised fields as Arrow columns (:class:`RecordStore`, about 100 bytes a
  record), from which the :class:`Features` of any records are rebuilt on demand;
* the blocking keys, the candidate pairs and the pairs an evidence-against rule holds apart in
  an on-disk DuckDB database in a temporary directory (DuckDB spills to disk past its memory
  limit);
* in Python, only the pairs at or above the review threshold and the features of their records.

Training follows :func:`safehub.matching.engine.train_model_from_features` step for step: the
random draws depend only on the number of records, group sizes and the number of candidate pairs,
so they are made from those (groups of records sharing a surname, birth date or names are formed
in DuckDB, in the order the in-memory code forms them) and only the drawn records' features are
built.  The model is the same as training on the whole register in memory.

Scoring runs chunk by chunk over the sorted candidate pairs (in worker processes that share the
record columns), and clustering only needs records on pairs above the thresholds:
:func:`safehub.matching.clusters.cluster_strong_pairs` reads the features of records on strong
pairs alone and drops holds with an end on no strong pair.  The clusters, review pairs and their
probabilities and reasons are those :func:`~safehub.matching.engine.dedupe` gives; the result's
``clusters`` lists only records that joined another record (a record on its own would get the
id :func:`~safehub.matching.clusters.new_person_id` derives from its own record id).
"""

from __future__ import annotations

import copy
import gc
import itertools
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from safehub.matching import engine
from safehub.matching import training as T
from safehub.matching.clusters import assign_person_ids, cluster_strong_pairs
from safehub.matching.duck import key_table, pairs_sql
from safehub.matching.features import Features, Normalised, features_from_normalised, normalise_fields
from safehub.matching.model import MatchModel
from safehub.matching.records import DedupeResult, MatchRecord

log = logging.getLogger(__name__)

CHUNK = 100_000  # records normalised and keyed at a time
PAIR_CHUNK = 200_000  # candidate pairs scored at a time (per worker task)
MEMORY_LIMIT = "2GB"  # DuckDB's own limit; past it, it spills to the temporary directory

_TYPES: dict[str, pa.DataType] = {
    "given": pa.string(),
    "given_full": pa.string(),
    "middles": pa.string(),
    "baby": pa.bool_(),
    "surname": pa.string(),
    "dob": pa.int32(),
    "sex": pa.string(),
    "postcode": pa.string(),
    "address": pa.string(),
    "nhs": pa.string(),
    "school": pa.string(),
    "nhs_valid": pa.bool_(),
    "nhs_previous": pa.string(),
    "nhs_temporary": pa.bool_(),
}


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that form no cycles.

    Features hold strings, tuples and frozensets only; with the collector on, building them
    repeatedly sweeps everything already in memory and takes about three times as long.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RecordStore:
    """The register's record ids and normalised fields as Arrow columns, one batch per chunk read.

    Rows are taken batch by batch: a take across a many-chunked Arrow table may first join the
    chunks, copying the whole register for every lookup.
    """

    _NAMES = ("record_id", *Normalised._fields)

    def __init__(self) -> None:
        self._batches: list[pa.RecordBatch] = []
        self._starts = np.zeros(1, dtype=np.int64)

    def append(self, record_ids: list[str], rows: list[Normalised]) -> None:
        """Add a chunk of records (their ids and normalised fields)."""
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in Normalised._fields]
        arrays = [pa.array(record_ids, pa.string())]
        arrays += [pa.array(col, _TYPES[name]) for name, col in zip(Normalised._fields, columns, strict=True)]
        self._batches.append(pa.record_batch(arrays, names=list(self._NAMES)))
        self._starts = np.append(self._starts, self._starts[-1] + len(record_ids))

    def __len__(self) -> int:
        return int(self._starts[-1])

    @property
    def nbytes(self) -> int:
        """Return the memory the columns take."""
        return sum(batch.nbytes for batch in self._batches)

    def _columns(self, idx: np.ndarray, names: Sequence[str]) -> list[list]:
        """Return the named columns of the rows at ``idx`` as Python lists, in the order of ``idx``."""
        idx = np.asarray(idx, dtype=np.int64)
        order = None if np.all(idx[1:] >= idx[:-1]) else np.argsort(idx, kind="stable")
        ordered = idx if order is None else idx[order]
        which = np.searchsorted(self._starts, ordered, side="right") - 1
        bounds = np.searchsorted(which, np.arange(len(self._batches) + 1))
        columns: list[list] = [[] for _ in names]
        for k in np.unique(which).tolist():
            rows = self._batches[k].take(pa.array(ordered[bounds[k] : bounds[k + 1]] - self._starts[k]))
            for out, name in zip(columns, names, strict=True):
                out.extend(rows.column(name).to_pylist())
        if order is not None:
            back = np.empty_like(order)
            back[order] = np.arange(len(order))
            columns = [[col[k] for k in back.tolist()] for col in columns]
        return columns

    def features(self, idx: np.ndarray) -> list[Features]:
        """Return the features of the records at the given indexes, in that order."""
        with _no_gc():
            columns = self._columns(idx, Normalised._fields)
            return [features_from_normalised(*row) for row in zip(*columns, strict=True)]

    def features_by_index(self, idx: np.ndarray) -> dict[int, Features]:
        """Return {index: features} for the given indexes."""
        idx = np.unique(np.asarray(idx, dtype=np.int64))
        return dict(zip(idx.tolist(), self.features(idx), strict=True))

    def record_ids(self, idx: np.ndarray) -> list[str]:
        """Return the record ids at the given indexes, in that order."""
        return self._columns(idx, ["record_id"])[0]

    def positions(self, record_ids: Iterable[str]) -> dict[str, int]:
        """Return {record id: index} for the given ids that are in the store (the last, if repeated)."""
        wanted = pa.array(sorted(set(record_ids)), pa.string())
        out: dict[str, int] = {}
        if not len(wanted):
            return out
        for batch, start in zip(self._batches, self._starts.tolist(), strict=False):
            column = batch.column("record_id")
            hits = np.nonzero(pc.is_in(column, value_set=wanted).to_numpy(zero_copy_only=False))[0]
            for idx, rid in zip(hits.tolist(), column.take(pa.array(hits)).to_pylist(), strict=True):
                out[rid] = start + idx
        return out


class _LazyFeatures(Mapping):
    """Features of a store's records by index, built when first read and then kept.

    Clustering reads the features of only the few records its group rules weigh (holds between
    records on strong pairs, records a first clustering left split), not of every merged record.
    """

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._built: dict[int, Features] = {}

    def __getitem__(self, idx: int) -> Features:
        idx = int(idx)
        if idx not in self._built:
            self._built[idx] = self._store.features(np.array([idx]))[0]
        return self._built[idx]

    def __iter__(self) -> Iterator[int]:
        return iter(self._built)

    def __len__(self) -> int:
        return len(self._store)


class _Groups(Sequence):
    """Groups of record indexes (members concatenated, in group order), as the training samplers read them."""

    def __init__(self, members: np.ndarray, sizes: np.ndarray) -> None:
        self.members = self._members = members
        self.sizes = self._sizes = sizes
        self._starts = np.cumsum(sizes) - sizes

    def __len__(self) -> int:
        return len(self._sizes)

    def __getitem__(self, k: int) -> np.ndarray:  # type: ignore[override]  # the samplers index by int only
        if not 0 <= k < len(self._sizes):
            raise IndexError(k)
        start = self._starts[k]
        return self._members[start : start + self._sizes[k]]

    def __iter__(self) -> Iterator[np.ndarray]:
        for start, size in zip(self._starts.tolist(), self._sizes.tolist(), strict=True):
            yield self._members[start : start + size]


# Group keys of the training sessions, as :func:`safehub.matching.training.key_groups` applies
# them: (SQL key columns, SQL condition for a truthy key).
_GROUP_KEYS = {
    "surname": ("surname", "surname <> ''"),  # training.surname_key
    "dob": ("dob", "dob IS NOT NULL"),  # training.dob_key
    "name": ("given, surname", "given <> ''"),  # training.name_key
}


def _groups(con: duckdb.DuckDBPyConnection, key: str) -> _Groups:
    """Return the groups of two or more records sharing a training key, in the in-memory order.

    :func:`safehub.matching.training.key_groups` orders groups by their first record and members
    by record index; so does this query.
    """
    columns, truthy = _GROUP_KEYS[key]
    rows = con.execute(
        f"""
        WITH g AS (
            SELECT {columns}, min(idx) AS first FROM recs WHERE {truthy} GROUP BY {columns} HAVING count(*) >= 2
        )
        SELECT r.idx, g.first FROM recs r JOIN g USING ({columns}) WHERE {truthy} ORDER BY g.first, r.idx
        """  # noqa: S608 - columns and conditions come from _GROUP_KEYS, not from input
    ).fetchnumpy()
    members = np.asarray(rows["idx"], dtype=np.int64)
    _firsts, sizes = np.unique(np.asarray(rows["first"], dtype=np.int64), return_counts=True)
    return _Groups(members, sizes)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _pair_batches(con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield the candidate pairs in (i, j) order, ``rows`` at a time (on a cursor of its own)."""
    reader = con.cursor().sql("SELECT i, j FROM pairs").to_arrow_reader(rows)
    for batch in reader:
        yield (
            batch.column(0).to_numpy().astype(np.int64),
            batch.column(1).to_numpy().astype(np.int64),
        )


def _pairs_at(con: duckdb.DuckDBPyConnection, positions: np.ndarray) -> np.ndarray:
    """Return the candidate pairs at the given (sorted) positions of the (i, j) order."""
    out = []
    offset = 0
    for i, j in _pair_batches(con, 1_000_000):
        lo, hi = np.searchsorted(positions, [offset, offset + len(i)])
        if hi > lo:
            at = positions[lo:hi] - offset
            out.append(np.stack([i[at], j[at]], axis=1))
        offset += len(i)
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def _levels(store: RecordStore, pairs: np.ndarray, *, chunk: int = 100_000) -> np.ndarray:
    """Return the comparison levels of pairs (rows of two indexes), building features a chunk at a time."""
    parts = [np.empty((0, len(T.FIELDS)), dtype=np.int8)]
    for start in range(0, len(pairs), chunk):
        part = np.asarray(pairs[start : start + chunk], dtype=np.int64)
        feats = store.features_by_index(part.ravel())
        with _no_gc():
            parts.append(T._level_matrix(part.tolist(), feats))
    return np.concatenate(parts)


def train_model_stream(
    store: RecordStore,
    con: duckdb.DuckDBPyConnection,
    *,
    given_counts: Counter,
    surname_counts: Counter,
    total_pairs: int,
    seed: int = 1,
) -> MatchModel:
    """Train the model :func:`~safehub.matching.engine.train_model_from_features` trains on the register.

    The same steps, reading the records from ``store`` and the DuckDB tables ``recs`` and ``pairs``
    instead of a list of features.  A register of at most ``engine._EM_SAMPLE`` records is small:
    its features are built and the in-memory function trains on them.
    """
    n = len(store)
    if n <= engine._EM_SAMPLE:
        return engine.train_model_from_features(store.features(np.arange(n)), seed=seed)
    model = MatchModel()
    model.tf, model.tf_default = T.tf_from_counts(given_counts, surname_counts, n)
    model.trained_on = n
    if n < 50:
        model._refresh()
        return model
    model.u = T.u_from_levels(_levels(store, np.array(T.random_pairs(n, seed=seed), dtype=np.int64).reshape(-1, 2)))
    surnames = _groups(con, "surname")
    if len(surnames):
        family_pairs = T.sample_group_pairs(surnames, samples=30_000, seed=seed)
        family_u = T.location_u_from_pairs(family_pairs, store.features_by_index(np.array(family_pairs).ravel()))
        if family_u is not None:
            model.u_location_same_surname = family_u
    del surnames
    rng = np.random.default_rng(seed)
    take = rng.choice(total_pairs, size=min(total_pairs, engine._EM_PAIRS), replace=False)
    em_pairs = _pairs_at(con, np.sort(take))
    if len(em_pairs) >= 20:
        levels = _levels(store, em_pairs)
        dobs = _groups(con, "dob")
        by_dob = _levels(store, T.pairs_from_groups(dobs.members, dobs.sizes))
        del dobs
        names = _groups(con, "name")
        by_name = _levels(store, T.pairs_from_groups(names.members, names.sizes))
        del names
        m = T.m_from_sessions(by_dob, by_name, model.u)
        share = T.match_share(levels, m, model.u)
        model.m = m
        model.match_rate = float(min(5.0, max(1e-4, share * total_pairs / n)))
    model.set_population(n)
    return model


_STATE: dict[str, object] = {}


def _score_batch(batch: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Score a batch of pairs; return the pairs at or above ``lower`` with their probability, and the held pairs."""
    pairs_i, pairs_j = batch
    store: RecordStore = _STATE["store"]  # type: ignore[assignment]
    model: MatchModel = _STATE["model"]  # type: ignore[assignment]
    lower: float = _STATE["lower"]  # type: ignore[assignment]
    needed = np.union1d(pairs_i, pairs_j)
    feats = store.features(needed)
    local_i = np.searchsorted(needed, pairs_i).tolist()
    local_j = np.searchsorted(needed, pairs_j).tolist()
    probs = np.empty(len(pairs_i), dtype=np.float64)
    held = np.zeros(len(pairs_i), dtype=np.bool_)
    score = model.probability_held
    with _no_gc():
        for k in range(len(local_i)):
            probs[k], held[k] = score(feats[local_i[k]], feats[local_j[k]])
    keep = probs >= lower
    return pairs_i[keep], pairs_j[keep], probs[keep], pairs_i[held], pairs_j[held]


def _score_all(
    con: duckdb.DuckDBPyConnection,
    *,
    total: int,
    workers: int,
    pair_chunk: int,
    progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every candidate pair; keep those at or above ``lower``, write the held ones to table ``held``."""
    con.execute("CREATE TABLE held (i INTEGER, j INTEGER)")
    writer = con.cursor()
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    done = 0

    def collect(parts: Iterable[tuple[np.ndarray, ...]]) -> None:
        for ki, kj, kp, hi, hj in parts:
            kept.append((ki, kj, kp))
            if len(hi):
                writer.register("held_chunk", pa.table({"i": hi.astype(np.int32), "j": hj.astype(np.int32)}))
                writer.execute("INSERT INTO held SELECT i, j FROM held_chunk")
                writer.unregister("held_chunk")
        if progress is not None:
            progress(min(done, total), total)

    batches = _pair_batches(con, pair_chunk)
    if workers > 1 and total > 2 * pair_chunk and hasattr(os, "fork"):
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            while wave := list(itertools.islice(batches, 2 * workers)):
                done += sum(len(b[0]) for b in wave)
                collect(pool.map(_score_batch, wave))
    else:
        for batch in batches:
            done += len(batch[0])
            collect([_score_batch(batch)])
    writer.close()
    if not kept:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
    return (
        np.concatenate([k[0] for k in kept]),
        np.concatenate([k[1] for k in kept]),
        np.concatenate([k[2] for k in kept]),
    )


def _held_between(con: duckdb.DuckDBPyConnection, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the held pairs with both ends among ``nodes`` (the records on a strong pair)."""
    if not len(nodes):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    con.register("strong_nodes", pa.table({"idx": nodes.astype(np.int32)}))
    rows = con.execute(
        "SELECT i, j FROM held WHERE i IN (SELECT idx FROM strong_nodes) AND j IN (SELECT idx FROM strong_nodes) "
        "ORDER BY i, j"
    ).fetchnumpy()
    con.unregister("strong_nodes")
    return np.asarray(rows["i"], dtype=np.int64), np.asarray(rows["j"], dtype=np.int64)


def dedupe_stream(
    records: Iterable[MatchRecord],
    *,
    model: MatchModel | None = None,
    upper: float = 0.95,
    lower: float = 0.6,
    apart: Iterable[tuple[str, str]] = (),
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    chunk: int = CHUNK,
    pair_chunk: int = PAIR_CHUNK,
    memory_limit: str = MEMORY_LIMIT,
    work_dir: str | Path | None = None,
) -> DedupeResult:
    """Group records into people as :func:`~safehub.matching.engine.dedupe` does, in bounded memory.

    ``records`` may be any iterable (a database cursor): it is read once, ``chunk`` records at a
    time.  The result's ``clusters`` holds the records that joined at least one other record;
    ``review_features`` holds the features of the records in ``review_pairs`` (for their
    evidence); ``records`` is how many records were read.  The DuckDB database lives in a
    temporary directory under ``work_dir`` (the system default when None) and is removed after.
    """
    if not lower <= upper:
        raise ValueError("lower threshold must not exceed upper threshold")
    workers = workers or min(os.cpu_count() or 1, 8)
    with tempfile.TemporaryDirectory(prefix="safehub-dedupe-", dir=work_dir) as tmp:
        try:
            return _dedupe(
                lambda: _connect(Path(tmp), memory_limit),
                records,
                model=model,
                upper=upper,
                lower=lower,
                apart=list(apart),
                progress=progress,
                workers=workers,
                chunk=chunk,
                pair_chunk=pair_chunk,
            )
        finally:
            _STATE.clear()


def _connect(directory: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """Open the work database in ``directory``, with DuckDB's memory limit and spill directory set."""
    con = duckdb.connect(str(directory / "dedupe.duckdb"))
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET temp_directory = '{directory / 'spill'}'")
    return con


def _ingest(
    con: duckdb.DuckDBPyConnection, records: Iterable[MatchRecord], chunk: int
) -> tuple[RecordStore, Counter, Counter]:
    """Read the records: normalised fields to the store, blocking keys and training keys to DuckDB."""
    con.execute("CREATE TABLE keys (key BIGINT, idx INTEGER, kind TINYINT, undated BOOLEAN)")
    con.execute("CREATE TABLE recs (idx INTEGER, given VARCHAR, surname VARCHAR, dob INTEGER)")
    store = RecordStore()
    given_counts: Counter = Counter()
    surname_counts: Counter = Counter()
    start = 0
    for batch in _batched(records, chunk):
        with _no_gc():
            rows, feats, keys = _prepare(batch, start)
        given_counts.update(f.given for f in feats if f.given)
        surname_counts.update(f.surname for f in feats if f.surname)
        con.register("chunk_keys", keys)
        con.execute("INSERT INTO keys SELECT * FROM chunk_keys")
        con.unregister("chunk_keys")
        training = pa.table(
            {
                "idx": pa.array(range(start, start + len(feats)), pa.int32()),
                "given": pa.array([f.given for f in feats], pa.string()),
                "surname": pa.array([f.surname for f in feats], pa.string()),
                "dob": pa.array([row.dob for row in rows], pa.int32()),
            }
        )
        con.register("chunk_recs", training)
        con.execute("INSERT INTO recs SELECT * FROM chunk_recs")
        con.unregister("chunk_recs")
        store.append([r.record_id for r in batch], rows)
        start += len(batch)
    return store, given_counts, surname_counts


def _prepare(batch: list[MatchRecord], start: int) -> tuple[list[Normalised], list[Features], pa.Table]:
    """Return a chunk's normalised fields, features and blocking keys (records numbered from ``start``)."""
    rows = [
        normalise_fields(
            given_name=r.given_name,
            middle_names=r.middle_names,
            surname=r.surname,
            date_of_birth=r.date_of_birth,
            sex=r.sex,
            postcode=r.postcode,
            address=r.address,
            nhs_number=r.nhs_number,
            school=r.school,
            previous_nhs_numbers=r.previous_nhs_numbers,
            nhs_number_temporary=r.nhs_number_temporary,
        )
        for r in batch
    ]
    feats = [features_from_normalised(*row) for row in rows]
    return rows, feats, key_table(feats, start=start)


def _dedupe(
    connect: Callable[[], duckdb.DuckDBPyConnection],
    records: Iterable[MatchRecord],
    *,
    model: MatchModel | None,
    upper: float,
    lower: float,
    apart: list[tuple[str, str]],
    progress: Callable[[int, int], None] | None,
    workers: int,
    chunk: int,
    pair_chunk: int,
) -> DedupeResult:
    con = connect()
    try:
        store, given_counts, surname_counts = _ingest(con, records, chunk)
        log.info("dedupe: %d records read and keyed (%d MB of columns)", len(store), store.nbytes // 2**20)
        con.execute(f"CREATE TABLE pairs AS {pairs_sql(max_block=engine.MAX_BLOCK)}")
        con.execute("DROP TABLE keys")
    finally:
        # Blocking is DuckDB's largest job; reconnecting hands the memory it kept back to the system
        # before the worker processes are started.
        con.close()
    con = connect()
    try:
        return _score_and_cluster(
            con,
            store,
            given_counts,
            surname_counts,
            model=model,
            upper=upper,
            lower=lower,
            apart=apart,
            progress=progress,
            workers=workers,
            pair_chunk=pair_chunk,
        )
    finally:
        con.close()


def _score_and_cluster(
    con: duckdb.DuckDBPyConnection,
    store: RecordStore,
    given_counts: Counter,
    surname_counts: Counter,
    *,
    model: MatchModel | None,
    upper: float,
    lower: float,
    apart: list[tuple[str, str]],
    progress: Callable[[int, int], None] | None,
    workers: int,
    pair_chunk: int,
) -> DedupeResult:
    n = len(store)
    (total,) = con.execute("SELECT count(*) FROM pairs").fetchone() or (0,)
    log.info("dedupe: %d candidate pairs", total)
    if model is None:
        model = train_model_stream(
            store, con, given_counts=given_counts, surname_counts=surname_counts, total_pairs=total
        )
    else:
        model = copy.deepcopy(model)
        model.set_population(n)
    del given_counts, surname_counts
    log.info("dedupe: model ready")
    _STATE.update(store=store, model=model, lower=lower)
    pairs_i, pairs_j, probs = _score_all(con, total=total, workers=workers, pair_chunk=pair_chunk, progress=progress)
    log.info("dedupe: pairs scored, %d at or above the review threshold", len(probs))
    strong = probs >= upper
    position = store.positions(rid for pair in apart for rid in pair) if apart else {}
    known = [(position[a], position[b]) for a, b in apart if a in position and b in position]
    if known:
        decided = {(min(a, b), max(a, b)) for a, b in known}
        keep = np.array([(int(i), int(j)) not in decided for i, j in zip(pairs_i, pairs_j, strict=True)], dtype=bool)
        strong &= keep
    apart_i, apart_j = _held_between(con, np.union1d(pairs_i[strong], pairs_j[strong]))
    if known:
        apart_i = np.concatenate([apart_i, np.array([k[0] for k in known], dtype=np.int64)])
        apart_j = np.concatenate([apart_j, np.array([k[1] for k in known], dtype=np.int64)])
    labels = cluster_strong_pairs(
        _LazyFeatures(store), model, pairs_i, pairs_j, probs, strong, apart_i, apart_j, upper=upper, firm=known, n=n
    )
    counts = np.bincount(labels, minlength=n)
    joined = np.nonzero(counts[labels] > 1)[0]
    clusters = assign_person_ids(store.record_ids(joined), labels[joined], None)
    split = labels[pairs_i] != labels[pairs_j]
    pairs_i, pairs_j = pairs_i[split], pairs_j[split]
    nodes = np.union1d(pairs_i, pairs_j)
    feats = store.features_by_index(nodes)
    ids = dict(zip(nodes.tolist(), store.record_ids(nodes), strict=True))
    review = []
    review_features: dict[str, Features] = {}
    for i, j in zip(pairs_i.tolist(), pairs_j.tolist(), strict=True):
        _w, p, reasons = model.score(feats[i], feats[j])
        review.append((ids[i], ids[j], p, reasons))
        review_features[ids[i]], review_features[ids[j]] = feats[i], feats[j]
    review.sort(key=lambda r: -r[2])
    return DedupeResult(
        clusters=clusters,
        review_pairs=review,
        pairs_scored=total,
        model=model,
        records=n,
        review_features=review_features,
    )
