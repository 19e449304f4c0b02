"""factory_boy factories for tests (importable from any app's tests)."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from safehub.agencies.models import Agency, Membership
from safehub.people.models import Person

TEST_PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - test fixture


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"AG{n}")
    kind = "VOLUNTARY"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Alex{n}")
    family_name = "Testchild"
    date_of_birth = date(2015, 6, 1)
    sex = "M"


def make_user(username: str, role: str, agency: Agency, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=TEST_PASSWORD, first_name=username.split(".")[0].title(), **extra
    )
    Membership.objects.create(user=user, agency=agency, role=role)
    return user
