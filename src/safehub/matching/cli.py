"""Command line: ``match file INPUT --output OUT`` and ``match dedupe-file ...``.

Runs with no configuration: no secret key, no database, no network (``safehub match file``
comes here before Django is set up).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from safehub.matching.files import dedupe_file, match_file


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not one (unless forced)."""

    def __init__(self, stream: TextIO, *, label: str = "scoring pairs", force: bool | None = None) -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty() if force is None else force
        self.started = time.monotonic()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        share = min(1.0, done / total)
        percent = int(100 * share)
        if percent == self._last and done < total:
            return
        self._last = percent
        filled = int(30 * share)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {done:,}/{total:,} {elapsed:.0f}s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # one line, no usage block
        print(f"match: {message} (see 'match --help')", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``match`` command."""
    parser = _Parser(prog="match", description="Match people across records (no database, no network).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    one = sub.add_parser("file", help="assign person ids to the records of a CSV")
    one.add_argument("input", type=Path)
    one.add_argument("--output", type=Path, required=True)
    one.add_argument("--upper", type=float, default=None, help="automatic-merge threshold (default 0.95)")
    one.add_argument("--explain", type=Path, help="write the evidence on each pair, with its weight, to this CSV")
    one.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar")
    two = sub.add_parser("dedupe-file", help="as 'file', also writing pairs for human review")
    two.add_argument("input", type=Path)
    two.add_argument("--output", type=Path, required=True)
    two.add_argument("--review", type=Path, required=True)
    two.add_argument("--upper", type=float, default=None)
    two.add_argument("--lower", type=float, default=0.6)
    two.add_argument("--explain", type=Path, help="write the evidence on each pair, with its weight, to this CSV")
    two.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``match`` command; return a process exit code."""
    try:
        args = build_parser().parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:
        return int(exc.code or 0)
    bar = ProgressBar(sys.stderr, force=args.progress)
    try:
        if args.command == "file":
            people = match_file(args.input, args.output, upper=args.upper, explain_csv=args.explain, progress=bar)
            print(f"{people} people written to {args.output}")
        else:
            result = dedupe_file(
                args.input,
                args.output,
                review_csv=args.review,
                explain_csv=args.explain,
                upper=args.upper,
                lower=args.lower,
                progress=bar,
            )
            people = len(set(result.clusters.values()))
            print(f"{people} people written to {args.output}; {len(result.review_pairs)} pairs to review")
        if args.explain:
            print(f"evidence on each pair written to {args.explain}")
    except (OSError, ValueError) as exc:
        print(f"match: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
