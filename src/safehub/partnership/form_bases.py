"""What the partnership's forms share: the GOV.UK finishing for the team's forms, agency choices, checks."""

from __future__ import annotations

import re
from typing import ClassVar

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovForm


def active_agencies():
    return Agency.objects.filter(is_active=True).order_by("name")


class GovCheckboxes(forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes; the field's own id names the first box, so the error summary can link to it."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class ManagerForm(GovForm):
    """GOV.UK finishing for the partnership team's forms: specific messages, sized inputs.

    ``required``: the message for each required field left empty (GOV.UK: say what to do).
    """

    required: ClassVar[dict[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget.attrs["class"] = "govuk-input govuk-input--width-10"
            if isinstance(field.widget, forms.SelectMultiple):
                field.widget.attrs["size"] = 8
            if name in self.required:
                field.error_messages["required"] = self.required[name]


NO_PRIORITY = [("", "None")]


YES_NO = [("", "Choose"), ("yes", "Yes"), ("no", "No")]


def check_order(form: forms.Form, first: str, second: str, message: str) -> None:
    data = form.cleaned_data
    if data.get(first) and data.get(second) and data[second] < data[first]:
        form.add_error(second, message)


FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
