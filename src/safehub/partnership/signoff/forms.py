"""Forms for the yearly report's sign-off."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from safehub.core.forms import GovForm
from safehub.partnership.form_bases import ManagerForm


class ReportDraftForm(ManagerForm):
    required: ClassVar[dict[str, str]] = {"year": "Enter the year", "scrutineer": "Choose the scrutineer"}

    year = forms.RegexField(regex=r"^\d{4}-\d{2}$", max_length=7, label="Financial year",
                            help_text="For example, 2025-26",
                            error_messages={"invalid": "Give a financial year such as 2025-26"})  # fmt: skip
    scrutineer = forms.ChoiceField(label="Independent scrutineer", help_text="Who will approve the report")

    def __init__(self, *args, scrutineers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scrutineer"].choices = [("", "Choose")] + [
            (str(u.pk), u.get_full_name() or u.username) for u in scrutineers
        ]


class SectionAssignForm(GovForm):
    key = forms.ChoiceField(label="Section")
    lead = forms.ChoiceField(label="Partner lead")

    def __init__(self, *args, keys=(), leads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = list(keys)
        self.fields["lead"].choices = [("", "Choose")] + [
            (str(m.user_id), f"{m.user.get_full_name() or m.user.username} ({m.agency.name})") for m in leads
        ]


class ReportCommentForm(GovForm):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment",
                           error_messages={"required": "Write a comment"})  # fmt: skip
