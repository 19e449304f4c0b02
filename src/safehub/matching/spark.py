"""Run the same match model on Spark (pyspark), for when a region outgrows one machine.

Blocking keys and pair scoring are the very functions the DuckDB path uses
(:func:`safehub.matching.blocking.blocking_keys`, :meth:`MatchModel.score`), shipped to the
executors; the candidate-pair self-join runs in Spark SQL.  Only pairs scoring at or above the
lower threshold come back to the driver, where clusters and stable ids are assigned exactly as
in :func:`safehub.matching.dedupe`.

Point it at a cluster by passing a ``SparkSession`` built for that cluster (``spark.master``
set to ``yarn``/``k8s://...``/``spark://...``) and shipping this package to the executors,
e.g. ``spark.sparkContext.addPyFile("safehub.zip")``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np

from safehub.matching.blocking import NO_DOB_KEY, blocking_keys
from safehub.matching.clusters import assign_person_ids, cluster_strong_pairs
from safehub.matching.engine import train_model_from_features
from safehub.matching.model import APART_RULES, MatchModel
from safehub.matching.records import DedupeResult, MatchRecord

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession


def stable_key_hash(key: tuple) -> int:
    """Hash a blocking key to a signed 64-bit integer, identically in every process."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _keys_of(item: tuple[int, MatchRecord]) -> list[tuple[int, int, int, bool]]:
    idx, record = item
    f = record.features()
    rows = []
    for key in blocking_keys(f):
        kind = 1 if key[0] == "n" else 2 if key[0] == NO_DOB_KEY else 0
        rows.append((stable_key_hash(key), idx, kind, f.dob is None))
    return rows


_SPARK_PAIRS_SQL = """
WITH sized AS (SELECT *, count(*) OVER (PARTITION BY key) AS size FROM match_keys),
plain AS (SELECT key, idx FROM sized WHERE kind <> 2 AND size >= 2 AND (size <= {max_block} OR kind = 1)),
nn AS (SELECT key, idx, undated FROM sized WHERE kind = 2 AND size >= 2 AND size <= {max_nn}),
pairs AS (
    SELECT a.idx AS i, b.idx AS j FROM plain a JOIN plain b ON a.key = b.key AND a.idx < b.idx
    UNION ALL
    SELECT least(a.idx, b.idx) AS i, greatest(a.idx, b.idx) AS j
    FROM nn a JOIN nn b ON a.key = b.key AND a.idx <> b.idx WHERE a.undated
)
SELECT DISTINCT i, j FROM pairs
"""


def dedupe_spark(
    records: list[MatchRecord],
    *,
    spark: SparkSession,
    model: MatchModel | None = None,
    upper: float = 0.95,
    lower: float = 0.6,
    existing_ids: dict[str, str] | None = None,
    max_block: int = 400,
    max_nn: int = 5000,
) -> DedupeResult:
    """De-duplicate records on Spark; same model, thresholds and stable ids as :func:`dedupe`."""
    if model is None:
        model = train_model_from_features([r.features() for r in records])
    else:
        model = MatchModel.from_json(model.to_json())
        model.set_population(len(records))
    sc = spark.sparkContext
    model_json = sc.broadcast(model.to_json())
    indexed = sc.parallelize(list(enumerate(records)))
    keys = indexed.flatMap(_keys_of).toDF(["key", "idx", "kind", "undated"])
    keys.createOrReplaceTempView("match_keys")
    pairs = spark.sql(_SPARK_PAIRS_SQL.format(max_block=int(max_block), max_nn=int(max_nn)))

    def score_partition(rows: Any) -> Any:
        scorer = MatchModel.from_json(model_json.value)
        for (_i, ((i, j), rec_i)), rec_j in rows:
            _w, p, reasons = scorer.score(rec_i.features(), rec_j.features())
            held = any(how == "against" and f in APART_RULES for f, how in reasons)
            if p >= lower or held:
                yield i, j, p, reasons, held

    by_i = pairs.rdd.map(lambda r: (r["i"], r["j"])).join(indexed)  # (i, (j, rec_i))
    by_j = by_i.map(lambda t: (t[1][0], ((t[0], t[1][0]), t[1][1]))).join(indexed)
    shaped = by_j.map(lambda t: ((t[0], (t[1][0][0], t[1][0][1])), t[1][1]))
    scored = shaped.mapPartitions(score_partition).collect()
    n_pairs = pairs.count()

    ids = [r.record_id for r in records]
    strong = [(i, j, p) for i, j, p, _r, _h in scored if p >= upper]
    apart = [(i, j) for i, j, _p, _r, held in scored if held]
    # The same clustering as the DuckDB path (holds lifted, contested records settled), on the
    # strong pairs only: they are all it reads.
    labels = cluster_strong_pairs(
        [r.features() for r in records],
        model,
        np.array([s[0] for s in strong], dtype=np.int64),
        np.array([s[1] for s in strong], dtype=np.int64),
        np.array([s[2] for s in strong], dtype=np.float64),
        np.ones(len(strong), dtype=bool),
        np.array([a[0] for a in apart], dtype=np.int64),
        np.array([a[1] for a in apart], dtype=np.int64),
        upper=upper,
    )
    clusters = assign_person_ids(ids, labels, existing_ids)
    review = sorted(
        ((ids[i], ids[j], p, reasons) for i, j, p, reasons, _h in scored if p >= lower and labels[i] != labels[j]),
        key=lambda r: -r[2],
    )
    return DedupeResult(clusters=clusters, review_pairs=review, pairs_scored=n_pairs, model=model)
