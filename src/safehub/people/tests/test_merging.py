import csv
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from safehub.core.models import AuditAction, AuditEvent
from safehub.people import merging, selectors
from safehub.people.models import Address, DuplicateCandidate, Person
from safehub.testing.factories import PersonFactory

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)


@pytest.mark.django_db
def test_merge_keeps_the_survivors_id_and_unmerge_restores_both(mash_manager, mash_worker):
    older = PersonFactory(given_name="William", family_name="Ashdown", date_of_birth=date(2012, 4, 5))
    newer = PersonFactory(given_name="Bill", family_name="Ashdown", date_of_birth=date(2012, 4, 5))
    with pytest.raises(PermissionDenied):
        merging.person_merge(survivor=older, merged=newer, by=mash_worker, now=NOW)
    merge = merging.person_merge(survivor=older, merged=newer, by=mash_manager, now=NOW)
    # Opening the merged record lands on the survivor: one person, one stable reference.
    assert selectors.person_get_for_user(user=mash_worker, person_id=newer.pk, now=NOW).reference == older.reference
    assert AuditEvent.objects.filter(action=AuditAction.MERGE, person_id=newer.pk).exists()
    with pytest.raises(ValidationError):
        merging.person_unmerge(merge=merge, by=mash_manager, now=NOW, reason="")
    merging.person_unmerge(merge=merge, by=mash_manager, now=NOW, reason="Twins, not one child")
    newer.refresh_from_db()
    assert newer.merged_into_id is None
    assert selectors.person_get_for_user(user=mash_worker, person_id=newer.pk, now=NOW) == newer
    assert AuditEvent.objects.filter(action=AuditAction.UNMERGE, person_id=older.pk).exists()


@pytest.mark.django_db
def test_register_dedupe_merges_clear_duplicates_and_queues_doubtful_ones(mash_manager):
    people = [
        ("Mohammed", "Rahman", date(2014, 3, 9), "SO14 3AB", "9434765919"),
        ("Muhammad", "Rahman", date(2014, 3, 9), "SO14 3AB", "9434765919"),  # transliteration, same NHS number
        ("Katherine", "Doyle", date(2011, 7, 1), "SO15 2AA", ""),
        ("Kate", "Doyle", date(2011, 1, 7), "SO16 4ZZ", ""),  # nickname, day/month swapped, moved: doubtful
        ("Oliver", "Grant", date(2013, 5, 5), "SO17 1AA", ""),
        ("Amelia", "Stone", date(2010, 2, 2), "SO18 2BB", ""),
    ]
    for given, family, dob, postcode, nhs in people:
        person = Person.objects.create(
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            nhs_number=nhs,
            sex="M" if given in ("Mohammed", "Muhammad", "Oliver") else "F",
        )
        Address.objects.create(person=person, line_1="1 Road", postcode=postcode)
    summary = merging.register_dedupe(now=NOW)
    rahmans = Person.objects.filter(family_name="Rahman").order_by("pk")
    assert rahmans[1].merged_into_id == rahmans[0].pk
    assert summary["merged"] == 1
    grant = Person.objects.get(family_name="Grant")
    assert grant.merged_into_id is None
    assert not DuplicateCandidate.objects.filter(person_a=grant).exists()


def test_match_file_command_clusters_a_csv(tmp_path):
    rows = [
        {
            "record_id": "a1",
            "given_name": "William",
            "middle_names": "",
            "surname": "Ashdown",
            "date_of_birth": "2012-04-05",
            "sex": "M",
            "postcode": "SO14 3AB",
            "address": "4 Elm Road",
            "nhs_number": "9434765919",
        },
        {
            "record_id": "b7",
            "given_name": "Bill",
            "middle_names": "",
            "surname": "Ashdown",
            "date_of_birth": "2012-04-05",
            "sex": "M",
            "postcode": "SO14 3AB",
            "address": "4 Elm Rd",
            "nhs_number": "9434765919",
        },
        {
            "record_id": "c3",
            "given_name": "Priya",
            "middle_names": "",
            "surname": "Patel",
            "date_of_birth": "2009-11-30",
            "sex": "F",
            "postcode": "SO15 2AA",
            "address": "9 Hill Lane",
            "nhs_number": "",
        },
    ]
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    call_command("match", "file", str(source), "--output", str(out))
    result = {r["record_id"]: r["person_id"] for r in csv.DictReader(out.open())}
    assert result["a1"] == result["b7"] != result["c3"]
