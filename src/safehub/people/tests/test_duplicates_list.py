"""The possible-duplicates list: paged, sorted by likelihood or date, filtered by band, counted, and only
pairs whose two records the reviewer may open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from safehub.people.models import DuplicateCandidate, Person

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)


def _pairs(n: int) -> list[DuplicateCandidate]:
    made = []
    for i in range(n):
        a = Person.objects.create(given_name=f"Ann{i}", family_name="Doyle", date_of_birth=date(2011, 1, 1))
        b = Person.objects.create(given_name=f"Anne{i}", family_name="Doyle", date_of_birth=date(2011, 1, 1))
        made.append(DuplicateCandidate.objects.create(person_a=a, person_b=b, probability=0.3 + 0.6 * i / n,
                                                      found_at=NOW - timedelta(days=i)))  # fmt: skip
    return made


@pytest.mark.django_db
def test_duplicates_are_paged_sorted_filtered_and_counted(client, mash_manager):
    pairs = _pairs(23)
    client.force_login(mash_manager)

    first = client.get("/people/duplicates/")
    assert first.status_code == 200
    assert first.context["pending"] == 23 and len(first.context["rows"]) == 10
    assert first.context["rows"][0]["id"] == pairs[-1].pk  # most likely first
    assert "23</strong> pairs to review" in first.content.decode()

    newest = client.get("/people/duplicates/", {"sort": "found", "dir": "desc", "page": 3})
    assert [r["id"] for r in newest.context["rows"]] == [p.pk for p in pairs[20:]]

    high = client.get("/people/duplicates/", {"band": "high"})
    assert high.context["pending"] == sum(p.probability >= 0.8 for p in pairs) > 0
    assert all(r["probability"] >= 80 for r in high.context["rows"])


@pytest.mark.django_db
def test_a_pair_with_a_sealed_record_is_not_listed(client, mash_manager):
    sealed, open_pair = _pairs(2)
    Person.objects.filter(pk=sealed.person_b_id).update(sealed=True)
    client.force_login(mash_manager)

    response = client.get("/people/duplicates/")

    assert [r["id"] for r in response.context["rows"]] == [open_pair.pk]
    assert f"/people/{sealed.person_b_id}/" not in response.content.decode()


@pytest.mark.django_db
def test_each_listed_pair_shows_its_own_evidence(client, mash_manager):
    first, second = _pairs(2)
    DuplicateCandidate.objects.filter(pk=first.pk).update(
        reasons=[{"field": "date_of_birth", "how": "exact", "weight": 6.5, "rule": ""}]
    )
    DuplicateCandidate.objects.filter(pk=second.pk).update(
        reasons=[{"field": "given_name", "how": "similar", "weight": 2.0, "rule": ""}]
    )
    client.force_login(mash_manager)

    rows = {r["id"]: r["reasons"] for r in client.get("/people/duplicates/").context["rows"]}

    assert [item["field"] for item in rows[first.pk]] == ["Date of birth"]
    assert [item["field"] for item in rows[second.pk]] == ["Given name"]
    assert rows[first.pk][0]["weight"] == 6.5
