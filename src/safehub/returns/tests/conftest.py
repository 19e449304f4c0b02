import pytest

from safehub.insight.snapshot import snapshot_cache_clear


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    """Each test sees its own records, not a snapshot cached by an earlier test."""
    snapshot_cache_clear()
    yield
    snapshot_cache_clear()
