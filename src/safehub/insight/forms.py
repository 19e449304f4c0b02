"""Forms of the insight pages (GOV.UK classes through GovForm)."""

from __future__ import annotations

from django import forms

from safehub.core.forms import GovForm


class ReportSectionForm(GovForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}), required=False, max_length=20_000, label="Text",
        help_text="Plain text. Leave a blank line between paragraphs.",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)
