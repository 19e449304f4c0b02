"""Forms for partner contributions."""

from __future__ import annotations

import re
from typing import ClassVar

from django import forms

from safehub.partnership.form_bases import ManagerForm
from safehub.partnership.models import (
    Budget,
    FundingPartner,
)


class ContributionForm(ManagerForm):
    required: ClassVar[dict[str, str]] = {
        "year": "Enter the financial year",
        "budget": "Choose the budget",
        "partner": "Choose the kind of partner",
        "organisation_name": "Enter the organisation's name",
        "amount_gbp": "Enter the contribution in pounds",
    }

    year = forms.CharField(max_length=7, label="Financial year", help_text="For example, 2025-26")
    budget = forms.ChoiceField(choices=[("", "Choose a budget")] + Budget.choices, label="Budget")
    partner = forms.ChoiceField(choices=[("", "Choose")] + FundingPartner.choices, label="Kind of partner")
    organisation_name = forms.CharField(
        max_length=120, label="Organisation", help_text="As the yearly report names it, for example 'City council'"
    )
    amount_gbp = forms.IntegerField(
        min_value=0, max_value=99_999_999, label="Contribution (£)", help_text="Whole pounds, without commas"
    )
    in_kind = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Contributions in kind (optional)",
        help_text="For example, staff time, venues or training delivered",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_gbp"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["amount_gbp"].error_messages.update(
            {
                "invalid": "Enter the contribution as a whole number of pounds, like 26353",
                "min_value": "Enter 0 or more",
            }
        )
        self.fields["year"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        if not re.fullmatch(r"\d{4}-\d{2}", year) or (int(year[:4]) + 1) % 100 != int(year[5:]):
            raise forms.ValidationError("Enter a financial year such as 2025-26")
        return year
