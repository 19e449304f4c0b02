"""`safehub ssda903`: bad input gets one plain line, never a traceback."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_a_bad_year_or_output_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="year must look like 2024-25"):
        call_command("ssda903", "--year", "2025", "--output", str(tmp_path))
    a_file = tmp_path / "file.csv"
    a_file.write_text("")
    with pytest.raises(CommandError, match="must be a folder"):
        call_command("ssda903", "--year", "2025-26", "--output", str(a_file))


@pytest.mark.django_db
def test_a_missing_validator_is_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SSDA903_VENV", str(tmp_path / "no-venv"))
    with pytest.raises(CommandError, match="run tools/ssda903_validator/setup.sh"):
        call_command("ssda903", "--year", "2025-26", "--output", str(tmp_path / "out"))
    assert (tmp_path / "out" / "episodes.csv").read_text().startswith("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER")


@pytest.mark.django_db
def test_returns_ssda903_writes_the_same_tables(tmp_path: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("returns", "ssda903", "--year", "2025-26", "--output", str(tmp_path), "--no-validate", stdout=out)
    assert "SSDA903 2025-26 written to" in out.getvalue()
    assert (tmp_path / "reviews.csv").read_text().startswith("CHILD,DOB,REVIEW,REVIEW_CODE")
    with pytest.raises(CommandError, match="financial year such as 2024-25"):
        call_command("returns", "ssda903", "--year", "26", "--output", str(tmp_path))
