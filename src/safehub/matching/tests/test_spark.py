"""The Spark path gives the same people as the DuckDB path (skipped without pyspark)."""

from __future__ import annotations

import logging
import os
import shutil
import sys

import pytest

from safehub.matching import MatchModel, MatchRecord, dedupe

pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():  # noqa: ANN201 - SparkSession type only exists when pyspark is installed
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("pyspark is installed but no Java runtime is available")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    # py4j logs at INFO while the interpreter shuts down, after pytest closed its streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("safehub-matching-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_dedupe_matches_duckdb_dedupe(
    spark,
    register_with_duplicates: tuple[list[MatchRecord], dict[str, int]],  # noqa: ANN001
) -> None:
    from safehub.matching.spark import dedupe_spark

    records, _truth = register_with_duplicates
    subset = records[:1500]
    model = MatchModel.from_json(dedupe(subset).model.to_json())  # type: ignore[union-attr]
    local = dedupe(subset, model=model)
    distributed = dedupe_spark(subset, spark=spark, model=model)
    assert distributed.clusters == local.clusters
    assert distributed.pairs_scored == local.pairs_scored
    assert len(set(distributed.clusters.values())) < len(subset)
