"""Generate candidate pairs with DuckDB: blocking as a SQL self-join, in-process, multi-threaded."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pyarrow as pa

from safehub.matching.blocking import NO_DOB_KEY, blocking_keys
from safehub.matching.features import Features

_KIND_PLAIN, _KIND_NHS, _KIND_UNDATED = 0, 1, 2


def key_table(feats: Sequence[Features], *, start: int = 0) -> pa.Table:
    """Return an Arrow table of (key, idx, kind, undated): one row per record per blocking key.

    Records are numbered from ``start``, so a register can be keyed chunk by chunk.
    """
    keys: list[int] = []
    idxs: list[int] = []
    kinds: list[int] = []
    undated: list[bool] = []
    for i, f in enumerate(feats, start):
        no_dob = f.dob is None
        for key in blocking_keys(f):
            keys.append(hash(key))
            idxs.append(i)
            kind = key[0]
            kinds.append(_KIND_NHS if kind == "n" else _KIND_UNDATED if kind == NO_DOB_KEY else _KIND_PLAIN)
            undated.append(no_dob)
    return pa.table(
        {
            "key": pa.array(keys, pa.int64()),
            "idx": pa.array(idxs, pa.int32()),
            "kind": pa.array(kinds, pa.int8()),
            "undated": pa.array(undated, pa.bool_()),
        }
    )


_PAIRS_SQL = """
WITH sized AS (
    SELECT *, count(*) OVER (PARTITION BY key) AS size FROM keys
),
plain AS (
    SELECT key, idx FROM sized
    WHERE kind <> {undated} AND size >= 2 AND (size <= {max_block} OR kind = {nhs})
),
dated_pairs AS (
    SELECT a.idx AS i, b.idx AS j FROM plain a JOIN plain b ON a.key = b.key AND a.idx < b.idx
),
nn AS (SELECT key, idx, undated FROM sized WHERE kind = {undated} AND size >= 2 AND size <= {max_nn}),
undated_pairs AS (
    SELECT least(a.idx, b.idx) AS i, greatest(a.idx, b.idx) AS j
    FROM nn a JOIN nn b ON a.key = b.key AND a.idx <> b.idx
    WHERE a.undated
)
SELECT DISTINCT i, j FROM (SELECT * FROM dated_pairs UNION ALL SELECT * FROM undated_pairs)
ORDER BY i, j
"""


def pairs_sql(*, max_block: int = 400, max_nn: int = 5000) -> str:
    """Return the query that turns the ``keys`` table (see :func:`key_table`) into sorted candidate pairs.

    A key shared by more than ``max_block`` records is skipped (except NHS numbers); a record
    without a date of birth meets every record of its phonetic names while that block has at
    most ``max_nn`` records.
    """
    return _PAIRS_SQL.format(undated=_KIND_UNDATED, nhs=_KIND_NHS, max_block=int(max_block), max_nn=int(max_nn))


def candidate_pairs_duckdb(
    feats: Sequence[Features], *, max_block: int = 400, max_nn: int = 5000, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return candidate pairs (i < j) as two index arrays, blocking in DuckDB."""
    keys = key_table(feats)
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.register("keys", keys)
        result = con.sql(pairs_sql(max_block=max_block, max_nn=max_nn)).to_arrow_table()
    finally:
        con.close()
    i = result.column("i").to_numpy().astype(np.int64)
    j = result.column("j").to_numpy().astype(np.int64)
    return i, j
