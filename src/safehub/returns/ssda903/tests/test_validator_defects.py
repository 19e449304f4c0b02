"""The validator's known defect (its 2024-25 rule 146 refuses K3) is named apart, and still exists."""

from __future__ import annotations

import subprocess

import pytest

from safehub.returns.ssda903.validator import Finding, known_defect, venv_python

EPISODES = [{"CHILD": "7", "PLACE": "U6"}, {"CHILD": "7", "PLACE": "K3"}]


def _finding(row: int, code: str = "146") -> Finding:
    return Finding(code=code, message="Placement type code is not a valid code.", table="Episodes", child="7", row=row)


def test_rule_146_on_a_k3_episode_in_2024_25_is_the_known_defect_and_nothing_else_is():
    assert "'k3'" in known_defect(_finding(1), year="2024-25", episodes=EPISODES)
    assert known_defect(_finding(0), year="2024-25", episodes=EPISODES) == ""  # U6 refused: a real error
    assert known_defect(_finding(1), year="2025-26", episodes=EPISODES) == ""  # fixed in 2025-26
    assert known_defect(_finding(1, code="371"), year="2024-25", episodes=EPISODES) == ""
    assert known_defect(_finding(9), year="2024-25", episodes=EPISODES) == ""


def test_the_validator_still_has_the_defect():
    """When this fails, the validator is fixed: delete KNOWN_DEFECTS and this test."""
    python = venv_python()
    if not python.exists():
        pytest.skip("no SSDA903 validator venv (tools/ssda903_validator/setup.sh)")
    code = (
        "import pandas as pd\n"
        "from lac_validator.rules.lac2024_25.rule_146 import validate as old\n"
        "from lac_validator.rules.lac2025_26.rule_146 import validate as new\n"
        "frame = lambda: {'Episodes': pd.DataFrame({'PLACE': ['K3', 'U6']})}\n"
        "print(old(frame()), new(frame()))\n"
    )
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True, timeout=120)  # noqa: S603

    assert result.stdout.strip() == "{'Episodes': [0]} {'Episodes': []}"
