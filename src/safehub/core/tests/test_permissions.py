"""Every permission name the code uses is in the rules table (issue 24: permission names are constants)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from safehub.core import policy

SRC = Path(policy.__file__).resolve().parents[1]
CHECKERS = {"require", "can"}


def _permission_literals() -> list[tuple[str, int, str]]:
    """(file, line, name) for every string literal passed as a permission to policy.require/can/permission."""
    found = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if name in CHECKERS and owner == "policy" and len(node.args) >= 2:
                arg = node.args[1]
            elif name == "permission" and node.args:
                arg = node.args[0]
            else:
                continue
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((str(path.relative_to(SRC)), node.lineno, arg.value))
    return found


def test_every_permission_used_is_in_the_rules_table():
    used = _permission_literals()
    assert len(used) > 100  # the scan really finds the calls
    unknown = [f"{f}:{line} {name}" for f, line, name in used if name not in policy.ROLE_RULES]
    assert unknown == []


def test_every_rule_is_a_named_constant_and_every_constant_has_a_rule():
    assert set(policy.ROLE_RULES) == {p.value for p in policy.Perm}


@pytest.mark.django_db
def test_an_unknown_permission_is_an_error_not_a_silent_refusal(mash_worker):
    with pytest.raises(policy.UnknownPermission):
        policy.can(mash_worker, "people.serach")
