"""The Splink 5 side of ``matching_bench.py``: the same records as a Splink frame, and a reasonable
Splink model trained and run on them (the comparison Safehub's matcher is held to)."""

from __future__ import annotations

import logging
import unicodedata

from safehub.matching import MatchRecord


def _clean(text: object) -> str | None:
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower().strip()
    s = "".join(ch if ch.isalnum() or ch == " " else " " for ch in s)
    s = " ".join(s.split())
    return s or None


def splink_frame(records: list[MatchRecord], source: str | None = None):  # noqa: ANN202 - pandas
    import pandas as pd

    rows = []
    for r in records:
        rows.append(
            {
                "unique_id": r.record_id,
                "given_name": _clean(r.given_name),
                "surname": _clean(r.surname),
                "dob": r.date_of_birth.isoformat() if r.date_of_birth else None,
                "sex": r.sex or None,
                "postcode": (r.postcode or "").upper().replace(" ", "") or None,
                "address": _clean(r.address),
                "nhs_number": "".join(ch for ch in r.nhs_number if ch.isdigit()) or None,
                **({"source_dataset": source} if source else {}),
            }
        )
    return pd.DataFrame(rows)


def splink_run(
    frames: list, *, link_type: str, uk_postcodes: bool, upper: float = 0.95
) -> tuple[dict[str, str], list[tuple[str, str, float]]]:
    """Train and run a reasonable Splink 5 model; return clusters at ``upper`` and all scored pairs."""
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    postcode = cl.PostcodeComparison("postcode") if uk_postcodes else cl.LevenshteinAtThresholds("postcode", [1])
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            postcode,
            cl.JaroWinklerAtThresholds("address", [0.95, 0.88]),
            cl.DamerauLevenshteinAtThresholds("nhs_number", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nhs_number"),
            block_on("given_name", "surname"),
            block_on("dob"),
            block_on("surname", "postcode"),
            block_on("given_name", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(f) for f in frames]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("given_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.01)
    clusters_df = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, upper).as_pandas_dataframe()
    pairs_df = pred.as_pandas_dataframe()
    clusters = dict(zip(clusters_df["unique_id"], clusters_df["cluster_id"], strict=True))
    scored = list(
        zip(pairs_df["unique_id_l"], pairs_df["unique_id_r"], pairs_df["match_probability"].astype(float), strict=True)
    )
    return clusters, scored
