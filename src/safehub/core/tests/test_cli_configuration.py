"""A command run without its configuration says what is missing in one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _run(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SAFEHUB_DEMO", "DATABASE_URL", "SAFEHUB_TESTING", "DJANGO_DEBUG")
    }
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "safehub", "measures", "--help"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set outside demo mode"),
        ({"SAFEHUB_DEMO": "1", "DATABASE_URL": "nonsense"}, "DATABASE_URL is not a database address"),
    ],
)
def test_missing_configuration_is_one_plain_line(env, says):
    done = _run(env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in done.stderr
