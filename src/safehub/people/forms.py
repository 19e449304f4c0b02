from __future__ import annotations

from django import forms

from safehub.core.forms import GovDateField, GovForm
from safehub.people.models import Ethnicity, Person, RelationshipKind, Sex


class PersonSearchForm(GovForm):
    query = forms.CharField(required=False, label="Name", max_length=200)
    date_of_birth = GovDateField(required=False, label="Date of birth")
    nhs_number = forms.CharField(required=False, label="NHS number", max_length=14)

    def clean(self):
        data = super().clean()
        if not (data.get("query") or data.get("date_of_birth") or data.get("nhs_number")):
            raise forms.ValidationError("Enter a name, a date of birth or an NHS number")
        return data


class PersonForm(GovForm):
    given_name = forms.CharField(
        required=False, max_length=100, label="Given name", help_text="Leave blank for a baby not yet named"
    )
    middle_names = forms.CharField(required=False, max_length=150, label="Middle names")
    family_name = forms.CharField(max_length=100, label="Family name")
    date_of_birth = GovDateField(required=False, label="Date of birth")
    expected_date_of_birth = GovDateField(required=False, label="Expected date of birth (unborn child)")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    first_language = forms.CharField(required=False, max_length=60, label="First language")
    interpreter_needed = forms.BooleanField(required=False, label="Needs an interpreter")
    nhs_number = forms.CharField(required=False, max_length=14, label="NHS number")
    upn = forms.CharField(required=False, max_length=13, label="Unique pupil number (UPN)")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @classmethod
    def from_person(cls, person: Person) -> PersonForm:
        initial = {f: getattr(person, f) for f in cls.base_fields if f != "version"}
        initial["version"] = person.version
        return cls(initial=initial)


class AddressForm(GovForm):
    line_1 = forms.CharField(max_length=120, label="Address line 1")
    line_2 = forms.CharField(max_length=120, required=False, label="Address line 2")
    town = forms.CharField(max_length=80, required=False, label="Town or city")
    postcode = forms.CharField(max_length=10, label="Postcode")
    started_date = GovDateField(required=False, label="Lived here from")


class RelationshipForm(GovForm):
    related_id = forms.IntegerField(label="Person ID of the related person")
    kind = forms.ChoiceField(
        choices=RelationshipKind.choices, label="Relationship", help_text="The related person is the ... of this person"
    )


class BreakGlassForm(GovForm):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why do you need to open this record?",
        help_text="Your reason is recorded and reviewed by a manager.",
        min_length=10,
    )


class SealForm(GovForm):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why must this record be sealed?",
        help_text="For example: adoption, a witness, a family at risk of being found. Kept with the seal.",
        min_length=10,
    )
    named = forms.CharField(
        required=False,
        label="Who else may still see it",
        help_text="Usernames, separated by commas. You are named automatically.",
    )


class SealChangeForm(GovForm):
    reason = forms.CharField(widget=forms.Textarea, label="Reason", min_length=10)
    username = forms.CharField(required=False, label="Username to add")
