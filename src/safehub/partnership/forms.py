from __future__ import annotations

import re
from typing import ClassVar

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField, GovForm
from safehub.partnership.models import (
    ActionStatus,
    AuditTool,
    Briefing,
    Budget,
    CaseReview,
    Escalation,
    FamilyInvolvement,
    FundingPartner,
    Grade,
    Inspection,
    Priority,
    Rating,
    Recommendation,
    ReviewDecision,
    ReviewSubject,
    SelfAssessmentKind,
    SubGroup,
    Theme,
    TrainingCourse,
)
from safehub.people.models import InvolvementKind

RAPID_REVIEW_OUTCOMES = [
    (ReviewDecision.CSPR, ReviewDecision.CSPR.label),
    (ReviewDecision.LOCAL_LEARNING, ReviewDecision.LOCAL_LEARNING.label),
    (ReviewDecision.SINGLE_AGENCY, ReviewDecision.SINGLE_AGENCY.label),
    (ReviewDecision.THEMATIC, ReviewDecision.THEMATIC.label),
    (ReviewDecision.NO_REVIEW, "No further review"),
]


def _agencies():
    return Agency.objects.filter(is_active=True).order_by("name")


class ReferralForm(GovForm):
    title = forms.CharField(
        max_length=120, label="Name the review will be known by", help_text="A first name or pseudonym"
    )
    subject = forms.ChoiceField(choices=ReviewSubject.choices, label="Who is the referral about?")
    summary = forms.CharField(widget=forms.Textarea, label="What happened?")
    learned_on = GovDateField(label="Date the partnership learned of it")
    incident_date = GovDateField(required=False, label="Date of the incident")
    notifiable = forms.BooleanField(
        required=False, label="Serious child safeguarding incident (notify the national panel within 5 working days)"
    )
    themes = forms.MultipleChoiceField(choices=Theme.choices, required=False, label="Themes")
    person_id = forms.IntegerField(
        required=False, label="Person ID of the child or adult (if they have a record)", help_text="Optional"
    )


class DecisionForm(GovForm):
    decision = forms.ChoiceField(choices=[("", "Choose a decision")] + ReviewDecision.choices, label="Decision")
    decision_rationale = forms.CharField(widget=forms.Textarea, label="Rationale")
    version = forms.IntegerField(widget=forms.HiddenInput)


class NotificationForm(GovForm):
    notified_on = GovDateField(label="Date the national panel was notified")


class RapidReviewForm(GovForm):
    decision = forms.ChoiceField(choices=RAPID_REVIEW_OUTCOMES, label="What does the rapid review recommend?")
    decision_rationale = forms.CharField(widget=forms.Textarea, label="Rationale")


class CommissionForm(GovForm):
    reviewer = forms.CharField(max_length=120, label="Independent reviewer or author")


class PublishForm(GovForm):
    publication_url = forms.URLField(required=False, assume_scheme="https", label="Web address of the published report")


class AssuranceForm(GovForm):
    learning_embedded = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No, more work needed")], label="Is the learning embedded in practice?"
    )
    outcome = forms.CharField(widget=forms.Textarea, label="What did the assurance check find?")


class ReviewEditForm(GovForm):
    themes = forms.MultipleChoiceField(choices=Theme.choices, required=False, label="Themes")
    family_involvement = forms.ChoiceField(choices=FamilyInvolvement.choices, label="Family involvement")
    family_involvement_note = forms.CharField(
        widget=forms.Textarea, required=False, label="Notes on family involvement"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class LinkPersonForm(GovForm):
    person_id = forms.IntegerField(label="Person ID")
    role = forms.ChoiceField(
        choices=[
            ("SUBJECT", "Subject of the review"),
            ("SIBLING", "Sibling"),
            ("PARENT_CARER", "Parent or carer"),
            ("OTHER", "Other"),
        ]
    )


class RecommendationForm(GovForm):
    kind = forms.ChoiceField(choices=Recommendation.Kind.choices)
    text = forms.CharField(widget=forms.Textarea, label="Recommendation")
    made_by = forms.CharField(required=False, max_length=120, label="Made by", help_text="e.g. inspection letter")
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, label="Lead agency")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = _agencies()


class ActionForm(GovForm):
    description = forms.CharField(widget=forms.Textarea, label="Action")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Owning agency")
    owner_name = forms.CharField(max_length=120, label="Named owner")
    due_date = GovDateField(label="Due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()


class ActionUpdateForm(GovForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    evidence = forms.CharField(
        widget=forms.Textarea, required=False, label="Evidence", help_text="Required to complete"
    )
    due_date = GovDateField(required=False, label="Due date", help_text="Only the partnership team can change it")
    version = forms.IntegerField(widget=forms.HiddenInput)


class AuditAnswerForm(GovForm):
    """One field per question of the audit tool, then the grade."""

    def __init__(self, *args, questions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for code, text in questions:
            self.fields[code] = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=text)
        self.fields["grade"] = forms.ChoiceField(choices=Grade.choices, label="Grade for your agency's practice")
        self.fields["comments"] = forms.CharField(widget=forms.Textarea, required=False, label="Learning and comments")
        from safehub.core.forms import govuk_widgets

        govuk_widgets(self)


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
                queryset=_agencies(),
                label="Attendee's agency",
                empty_label="Choose an agency",
                error_messages={"required": "Choose the attendee's agency"},
            )
            self.fields["agency"].widget.attrs["class"] = "govuk-select"
            self.order_fields(["attendee_name", "agency", "job_role", "usefulness", "comment"])


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


class EscalationForm(GovForm):
    raised_with_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency you disagree with")
    raised_with_name = forms.CharField(max_length=120, required=False, label="Who you raised it with")
    raised_by_name = forms.CharField(max_length=120, label="Your name")
    concern = forms.CharField(widget=forms.Textarea, label="What is the professional difference?")
    theme = forms.ChoiceField(choices=[("", "None")] + Theme.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_with_agency"].queryset = _agencies()


class EscalationResolveForm(GovForm):
    outcome = forms.ChoiceField(choices=Escalation.Outcome.choices)
    note = forms.CharField(widget=forms.Textarea, required=False, label="How was it resolved?")


# ---------------------------------------------------------------------------------------------
# The partnership team's pages for creating audits, training, briefings, cycles and inspections
# ---------------------------------------------------------------------------------------------


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


def _check_order(form: forms.Form, first: str, second: str, message: str) -> None:
    data = form.cleaned_data
    if data.get(first) and data.get(second) and data[second] < data[first]:
        form.add_error(second, message)


class AuditPlanForm(ManagerForm):
    required = {
        "title": "Enter the audit title",
        "tool": "Choose the audit tool",
        "planned_date": "Enter the planned date",
    }

    title = forms.CharField(max_length=200, label="Audit title")
    tool = forms.ChoiceField(choices=[("", "Choose a tool")] + AuditTool.choices, label="Audit tool")
    priority = forms.ChoiceField(choices=NO_PRIORITY + Priority.choices, required=False, label="Strategic priority")
    planned_date = GovDateField(label="Planned date")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        widget=GovCheckboxes,
        label="Agencies taking part",
        help_text="Choose none to let every agency answer.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _agencies()


class AuditSampleForm(ManagerForm):
    """The criteria for drawing an audit's case sample (all optional; the size is not)."""

    required = {
        "size": "Enter the number of cases to sample",
    }

    involvement_kind = forms.ChoiceField(
        choices=[("", "Any involvement")] + InvolvementKind.choices, required=False, label="Kind of involvement"
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="Any agency", label="Agency involved"
    )
    started_from = GovDateField(required=False, label="Involvement started on or after")
    started_to = GovDateField(required=False, label="Involvement started on or before")
    size = forms.IntegerField(min_value=1, max_value=100, initial=10, label="Number of cases to sample")
    seed = forms.IntegerField(
        min_value=0,
        required=False,
        label="Draw number (optional)",
        help_text="Leave blank for a new random draw. Enter the number of an earlier draw to repeat it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()
        self.fields["size"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["seed"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def clean(self):
        data = super().clean()
        _check_order(self, "started_from", "started_to", "The end of the period must be on or after its start")
        return data


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


FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


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
        self.fields["agencies"].queryset = _agencies()
        self.fields["year"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        match = FINANCIAL_YEAR.match(year)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise forms.ValidationError("Enter a financial year like 2025-26")
        return year

    def clean(self):
        data = super().clean()
        _check_order(self, "opens_date", "due_date", "The due date must be on or after the date it opens")
        return data


class InspectionForm(ManagerForm):
    required = {
        "title": "Enter the title",
        "kind": "Choose the kind of inspection",
        "inspectorates": "Enter the inspectorates",
        "started_date": "Enter the date the inspection started",
        "ended_date": "Enter the date the inspection ended",
    }

    title = forms.CharField(max_length=200, label="Title")
    kind = forms.ChoiceField(choices=[("", "Choose a kind")] + Inspection.Kind.choices, label="Kind of inspection")
    inspectorates = forms.CharField(
        max_length=120, label="Inspectorates", help_text="For example, Ofsted, CQC, HMICFRS"
    )
    started_date = GovDateField(label="Inspection started")
    ended_date = GovDateField(label="Inspection ended")
    letter_published_date = GovDateField(required=False, label="Letter published")
    action_plan_due_date = GovDateField(required=False, label="Action plan due")
    summary = forms.CharField(widget=forms.Textarea, required=False, label="Summary of the findings")

    def clean(self):
        data = super().clean()
        _check_order(self, "started_date", "ended_date", "The inspection must end on or after the day it started")
        return data


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


# ---------------------------------------------------------------------------------------------
# Sub-group meetings
# ---------------------------------------------------------------------------------------------


class MeetingForm(ManagerForm):
    required: ClassVar[dict[str, str]] = {
        "group": "Choose the sub-group",
        "held_on": "Enter the date of the meeting",
        "present": "Choose the agencies that were present",
    }

    group = forms.ChoiceField(choices=[("", "Choose")] + SubGroup.choices, label="Sub-group")
    held_on = GovDateField(label="Date of the meeting")
    chair_name = forms.CharField(max_length=120, required=False, label="Chair")
    present = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), label="Agencies present",
                                             widget=forms.SelectMultiple)  # fmt: skip
    apologies = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), required=False,
                                               label="Agencies that sent apologies", widget=forms.SelectMultiple)  # fmt: skip
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="What was discussed")
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                label="Decisions", help_text="One decision a line")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        core = _agencies().exclude(kind__in=["SCHOOL", "EARLY_YEARS"])
        self.fields["present"].queryset = core
        self.fields["apologies"].queryset = core


class MeetingActionForm(ManagerForm):
    required: ClassVar[dict[str, str]] = {
        "description": "Describe the action",
        "agency": "Choose the agency",
        "owner_name": "Enter who is responsible",
        "due_date": "Enter the date it is due",
    }

    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Action")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency")
    owner_name = forms.CharField(max_length=120, label="Named person responsible")
    due_date = GovDateField(label="Due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()


# ---------------------------------------------------------------------------------------------
# The yearly report's sign-off
# ---------------------------------------------------------------------------------------------


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
