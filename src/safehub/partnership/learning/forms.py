"""Forms for training and briefings."""

from __future__ import annotations

from django import forms

from safehub.core.forms import GovDateField, GovForm
from safehub.partnership.form_bases import NO_PRIORITY, YES_NO, ManagerForm, active_agencies
from safehub.partnership.models import (
    Briefing,
    CaseReview,
    Priority,
    Theme,
    TrainingCourse,
)


class AttendanceForm(GovForm):
    """An attendee and their evaluation; the partnership team also chooses the attendee's agency."""

    attendee_name = forms.CharField(max_length=120, label="Attendee's name")
    job_role = forms.CharField(max_length=80, label="Job role")
    usefulness = forms.TypedChoiceField(
        choices=[("", "Not rated")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        label="How useful was it? (1 not useful, 5 very useful)",
    )
    comment = forms.CharField(widget=forms.Textarea, required=False, label="Comment")

    def __init__(self, *args, choose_agency: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_agency:
            self.fields["agency"] = forms.ModelChoiceField(
                queryset=active_agencies(),
                label="Attendee's agency",
                empty_label="Choose an agency",
                error_messages={"required": "Choose the attendee's agency"},
            )
            self.fields["agency"].widget.attrs["class"] = "govuk-select"
            self.order_fields(["attendee_name", "agency", "job_role", "usefulness", "comment"])


class CourseForm(ManagerForm):
    required = {
        "title": "Enter the course title",
        "theme": "Choose the course's theme",
    }

    title = forms.CharField(max_length=200, label="Course title")
    theme = forms.ChoiceField(choices=[("", "Choose a theme")] + Theme.choices, label="Theme")
    priority = forms.ChoiceField(choices=NO_PRIORITY + Priority.choices, required=False, label="Strategic priority")
    provider = forms.CharField(max_length=120, required=False, label="Provider")
    description = forms.CharField(widget=forms.Textarea, required=False, label="Description")


class EventForm(ManagerForm):
    required = {
        "course": "Choose a course",
        "starts_on": "Enter the date of the event",
        "starts_time": "Enter the start time",
        "capacity": "Enter the number of places",
    }

    course = forms.ModelChoiceField(queryset=TrainingCourse.objects.none(), empty_label="Choose a course")
    starts_on = GovDateField(label="Date")
    starts_time = forms.TimeField(
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        label="Start time",
        help_text="24-hour clock, for example 09:30",
        error_messages={"invalid": "Enter a time like 09:30"},
    )
    venue = forms.CharField(max_length=120, required=False, label="Venue", help_text="Leave blank for online")
    capacity = forms.IntegerField(min_value=1, max_value=500, initial=30, label="Places")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course = self.fields["course"]
        course.queryset = TrainingCourse.objects.order_by("title")
        course.label_from_instance = lambda c: f"{c.title} ({c.get_theme_display()})"
        self.fields["starts_time"].widget.attrs["class"] = "govuk-input govuk-input--width-5"
        self.fields["capacity"].widget.attrs["class"] = "govuk-input govuk-input--width-4"


class QualityCheckForm(ManagerForm):
    required = {
        "reflects_legislation": "Say whether the course reflects current legislation",
        "reflects_local_policy": "Say whether the course reflects local policy",
        "includes_review_learning": "Say whether the course includes learning from reviews and audits",
    }

    reflects_legislation = forms.ChoiceField(choices=YES_NO, label="Does the course reflect current legislation?")
    reflects_local_policy = forms.ChoiceField(
        choices=YES_NO, label="Does it reflect the partnership's procedures and local policy?"
    )
    includes_review_learning = forms.ChoiceField(
        choices=YES_NO, label="Does it include learning from recent case reviews and audits?"
    )
    note = forms.CharField(widget=forms.Textarea, required=False, label="Notes", help_text="What needs updating")


class BriefingForm(ManagerForm):
    required = {
        "title": "Enter the title",
        "theme": "Choose the briefing's theme",
        "body": "Enter the briefing",
    }

    title = forms.CharField(max_length=200, label="Title")
    kind = forms.ChoiceField(choices=Briefing.Kind.choices, label="Kind of briefing")
    theme = forms.ChoiceField(choices=[("", "Choose a theme")] + Theme.choices, label="Theme")
    review = forms.ModelChoiceField(
        queryset=CaseReview.objects.none(), required=False, empty_label="None", label="Case review it comes from"
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label="Briefing")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = CaseReview.objects.order_by("-referred_at")
