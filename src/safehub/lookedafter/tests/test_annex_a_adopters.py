"""Annex A List 11 (adopters), keyed by the adopter, not a child: export, import, odd rows, re-import."""

from datetime import UTC, date, datetime

import pytest

from safehub.core.actors import command_line
from safehub.exchange.models import AnnexALink, ImportJob
from safehub.exchange.tests.helpers import write_workbook as write_rows
from safehub.lookedafter import permanence
from safehub.lookedafter.models import Adopter, AdopterFamily, AdoptionPlan
from safehub.returns.annex_a import services as exchange
from safehub.returns.annex_a.exporter import build_lists, read_workbook_lists, write_workbook
from safehub.returns.annex_a.spec import LISTS
from safehub.testing.factories import PersonFactory, make_user

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
BY = command_line("tests")
START, END = date(2025, 4, 1), date(2026, 3, 31)


def _row(row: list) -> dict:
    return dict(zip([c.field for c in LISTS[11].columns], row, strict=True))


def _import(path):
    job = exchange.annex_a_job_create(path=path, file_name=path.name, by=BY, now=NOW)
    return exchange.annex_a_import(job=job, by=BY, now=NOW)


def _families() -> list[tuple]:
    return sorted(
        AdopterFamily.objects.values_list(
            "reference", "number_of_adopters", "sex_code", "legal_status", "fostering_for_adoption",
            "enquiry_date", "stage1_start", "approved_date", "left_date", "left_reason",
        )
    )  # fmt: skip


def _adopters() -> list[tuple]:
    return sorted(Adopter.objects.values_list("reference", "family__reference", "sex", "ethnicity", "disability"))


@pytest.mark.django_db
def test_list_11_exports_the_adopters_of_the_year_and_comes_back_identical(tmp_path, front_door):
    sw = make_user("sw", "SOCIAL_WORKER", front_door)
    couple = permanence.adopters_register(
        reference="ADF1", adopters=[{"sex": "M", "ethnicity": "WBRI", "disability": False, "reference": "AD1"},
                                    {"sex": "F", "ethnicity": "BAFR", "reference": "AD2"}],
        sex_code="MF", legal_status="L11", enquiry_date=date(2024, 10, 5), approved_date=date(2025, 6, 1),
        fostering_for_adoption=True, by=sw, now=NOW,
    )  # fmt: skip
    permanence.adopters_register(
        reference="ADF2", adopters=[{"sex": "F", "reference": "AD3"}], sex_code="F1", legal_status="L0",
        enquiry_date=date(2026, 1, 9), by=sw, now=NOW,
    )  # fmt: skip
    gone = permanence.adopters_register(
        reference="ADF3", adopters=[{"sex": "M", "reference": "AD4"}], sex_code="M1", legal_status="L0",
        enquiry_date=date(2023, 1, 9), by=sw, now=NOW,
    )  # fmt: skip
    AdopterFamily.objects.filter(pk=gone.pk).update(left_date=date(2024, 2, 1), left_reason="Withdrew")
    later = permanence.adopters_register(
        reference="ADF4", adopters=[{"sex": "F", "reference": "AD5"}], sex_code="F1", legal_status="L0",
        enquiry_date=date(2026, 4, 2), by=sw, now=NOW,
    )  # fmt: skip
    child = PersonFactory(date_of_birth=date(2024, 2, 1))
    AdoptionPlan.objects.create(person=child, decision_date=date(2025, 3, 1), matched_date=date(2025, 8, 4),
                                placed_date=date(2025, 9, 1), family=couple, recorded_at=NOW)  # fmt: skip

    lists = build_lists(START, END)
    rows = {_row(r)["adopter_id"]: _row(r) for r in lists[11][1:]}

    # ADF3 left before the year, ADF4 enquired after it.
    assert set(rows) == {"AD1", "AD2", "AD3"} and later.pk
    assert (rows["AD1"]["family_id"], rows["AD1"]["matched_date"], rows["AD1"]["placed_date"]) == (
        "ADF1", date(2025, 8, 4), date(2025, 9, 1),
    )  # fmt: skip
    assert (rows["AD1"]["children_placed"], rows["AD1"]["ffa"], rows["AD1"]["disability"]) == (1, "Y", "b) No")
    assert rows["AD3"]["matched_date"] is None and rows["AD3"]["gender"] == "b) Female"
    path = write_workbook(lists, tmp_path / "first.xlsx")
    first = read_workbook_lists(path)[11]

    # Into a Safehub holding no adopters: the same list comes back.
    AdoptionPlan.objects.all().delete()
    Adopter.objects.all().delete()
    AdopterFamily.objects.all().delete()
    result = _import(path)
    assert result.counts["List 11"]["imported"] == 3 and result.counts["List 11"]["rejected"] == 0
    held = (_families(), _adopters())
    # The list gives the couple's genders but not whether they are married: that is left for a person.
    assert held[0][0][:4] == ("ADF1", 2, "MF", "")
    assert [f[:4] for f in held[0][1:]] == [("ADF2", 1, "F1", "L0")]
    warned = [e for e in result.errors if e.list == "List 11" and "LS_ADOPTR" in e.message]
    assert [(e.value, "record it on the family" in e.message) for e in warned] == [("ADF1", True)]
    second = read_workbook_lists(write_workbook(build_lists(START, END), tmp_path / "second.xlsx"))[11]
    assert second == first

    # The same file again changes nothing.
    again = _import(path)
    assert again.counts["List 11"] == {"imported": 0, "updated": 0, "unchanged": 3, "rejected": 0, "skipped": 0}
    assert (_families(), _adopters()) == held
    assert AnnexALink.objects.filter(list_number=11).count() == 3


@pytest.mark.django_db
def test_an_odd_list_11_keeps_every_row_it_can_and_refuses_a_row_without_an_adopter(tmp_path):
    def row(**cells):
        return [cells.get(c.field, "") for c in LISTS[11].columns]

    lists = {
        11: [
            [c.heading for c in LISTS[11].columns],
            row(adopter_id="X1", family_id="FAM9", gender="a) Male", enquiry_date="01/05/2024",
                stage1_start="not a date", approved_date="01/02/2025"),
            row(adopter_id="X2", family_id="FAM9", gender="Female", ethnicity="WBRI", enquiry_date="01/05/2024",
                ffa="Maybe", approved_date="01/02/2025"),
            row(family_id="FAM9", gender="Female", enquiry_date="01/05/2024"),
            row(adopter_id="X3", gender="b) Female", disability="a) Yes", enquiry_date="02/06/2024",
                stage2_start="01/09/2024", stage2_end="01/08/2024",
                matched_date="05/07/2025", placed_date="01/08/2025", children_placed=2),
        ]
    }  # fmt: skip
    path = write_rows(tmp_path / "odd.xlsx", lists)

    result = _import(path)

    assert result.counts["List 11"] == {"imported": 3, "updated": 0, "unchanged": 0, "rejected": 1, "skipped": 0}
    messages = [e.message for e in result.errors if e.list == "List 11"]
    assert any("adopter identifier is blank" in m and "not imported" in m for m in messages)
    # stage 1, Y/N, stage 2 order, and the couple's legal status the list does not give
    assert len([m for m in messages if "the row was imported" in m]) == 4
    assert _families() == [
        ("FAM9", 2, "MF", "", False, date(2024, 5, 1), None, date(2025, 2, 1), None, ""),
        ("X3", 1, "F1", "L0", False, date(2024, 6, 2), None, None, None, ""),
    ]
    assert _adopters() == [("X1", "FAM9", "M", "", None), ("X2", "FAM9", "F", "WBRI", None),
                           ("X3", "X3", "F", "", True)]  # fmt: skip
    # The cells Safehub has no record for (an imported family has no adoption plans) are given back.
    (x3,) = [_row(r) for r in build_lists(START, END)[11][1:] if r[0] == "X3"]
    assert (x3["matched_date"], x3["placed_date"], x3["children_placed"]) == (date(2025, 7, 5), date(2025, 8, 1), 2)

    again = _import(path)
    assert again.counts["List 11"] == {"imported": 0, "updated": 0, "unchanged": 3, "rejected": 1, "skipped": 0}
    assert ImportJob.objects.count() == 2


@pytest.mark.parametrize(
    ("genders", "codes"),
    [
        (["M"], ("M1", "L0")),  # one adopter: L0 is the 903's single adopter, a fact of the list
        (["F"], ("F1", "L0")),
        (["U"], ("", "L0")),  # gender not stated: no SEX_ADOPTR is made up
        (["M", "M"], ("MM", "")),  # a couple: married, civil partners or not, the list does not say
        (["F", "F"], ("FF", "")),
        (["F", "M"], ("MF", "")),
        (["M", "I"], ("", "")),
    ],
)
def test_list_11_family_codes_are_only_what_the_list_says(genders, codes):
    from safehub.returns.annex_a.bindings_adopters import family_codes

    assert family_codes(genders) == codes
