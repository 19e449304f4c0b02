"""The Annex A page's forms: the workbook to import, the financial year to export."""

from __future__ import annotations

from django import forms

from safehub.core.forms import GovForm


class AnnexAImportForm(GovForm):
    file = forms.FileField(
        label="Annex A workbook (.xlsx)", help_text="Sheets named List 1 to List 11, as Ofsted's template"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload"
        self.fields["file"].widget.attrs["accept"] = ".xlsx"


class AnnexAExportForm(GovForm):
    year = forms.RegexField(
        regex=r"^\d{4}-\d{2}$", label="Financial year", help_text="For example, 2024-25", max_length=7
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "govuk-input govuk-input--width-5"
