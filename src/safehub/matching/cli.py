"""Command line: ``match file INPUT --output OUT`` and ``match dedupe-file ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from safehub.matching.files import dedupe_file, match_file


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``match`` command."""
    parser = argparse.ArgumentParser(prog="match", description="Match people across records.")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("file", help="assign person ids to the records of a CSV")
    one.add_argument("input", type=Path)
    one.add_argument("--output", type=Path, required=True)
    one.add_argument("--upper", type=float, default=None, help="match threshold (default 0.95)")
    two = sub.add_parser("dedupe-file", help="as 'file', also writing pairs for human review")
    two.add_argument("input", type=Path)
    two.add_argument("--output", type=Path, required=True)
    two.add_argument("--review", type=Path, required=True)
    two.add_argument("--upper", type=float, default=None)
    two.add_argument("--lower", type=float, default=0.6)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``match`` command; return a process exit code."""
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    try:
        if args.command == "file":
            people = match_file(args.input, args.output, upper=args.upper)
            print(f"{people} people written to {args.output}")
        else:
            result = dedupe_file(args.input, args.output, review_csv=args.review, upper=args.upper, lower=args.lower)
            people = len(set(result.clusters.values()))
            print(f"{people} people written to {args.output}; {len(result.review_pairs)} pairs to review")
    except (OSError, ValueError) as exc:
        print(f"match: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
