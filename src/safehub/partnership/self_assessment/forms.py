"""Forms for section 11 and section 175 self-assessments."""

from __future__ import annotations

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField, GovForm
from safehub.partnership.form_bases import FINANCIAL_YEAR, GovCheckboxes, ManagerForm, active_agencies, check_order
from safehub.partnership.models import (
    Rating,
    SelfAssessmentKind,
)


class SelfAssessmentForm(GovForm):
    def __init__(self, *args, standards: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for code, text in standards:
            self.fields[f"rating_{code}"] = forms.ChoiceField(
                choices=[("", "Choose")] + Rating.choices, label=f"{code}: {text}"
            )
            self.fields[f"evidence_{code}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}), required=False, label=f"{code} evidence and actions"
            )
        from safehub.core.forms import govuk_widgets

        govuk_widgets(self)


class CycleForm(ManagerForm):
    required = {
        "year": "Enter the financial year",
        "opens_date": "Enter the date it opens",
        "due_date": "Enter the date returns are due",
        "agencies": "Choose the agencies asked for a return",
    }

    kind = forms.ChoiceField(choices=SelfAssessmentKind.choices, label="Self-assessment")
    year = forms.CharField(max_length=7, label="Financial year", help_text="For example, 2025-26")
    cycle_year = forms.TypedChoiceField(
        choices=[(1, "Year 1: full self-assessment"), (2, "Year 2: action-plan review")],
        coerce=int,
        label="Year of the two-year cycle",
    )
    opens_date = GovDateField(label="Opens on")
    due_date = GovDateField(label="Returns due by")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=GovCheckboxes,
        label="Agencies asked for a return",
        help_text="Select all that apply",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = active_agencies()
        self.fields["year"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        match = FINANCIAL_YEAR.match(year)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise forms.ValidationError("Enter a financial year like 2025-26")
        return year

    def clean(self):
        data = super().clean()
        check_order(self, "opens_date", "due_date", "The due date must be on or after the date it opens")
        return data
