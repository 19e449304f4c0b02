"""Person matching for Safehub: online lookup, batch de-duplication and stable person ids.

Django-free.  A Fellegi-Sunter model (m/u per comparison level, trained without labels by EM,
term-frequency adjusted for common names) scores pairs that share a blocking key; batch work
blocks in DuckDB (or Spark, see :mod:`safehub.matching.spark`).
"""

from safehub.matching.engine import MatchIndex, dedupe, train_model
from safehub.matching.files import match_file
from safehub.matching.linking import link
from safehub.matching.model import MatchModel
from safehub.matching.records import Candidate, DedupeResult, MatchRecord

__all__ = [
    "Candidate",
    "DedupeResult",
    "MatchIndex",
    "MatchModel",
    "MatchRecord",
    "dedupe",
    "link",
    "match_file",
    "train_model",
]
