from __future__ import annotations

from django import forms

from safehub.agencies.models import Agency
from safehub.partnership.models import (
    ActionStatus,
    Escalation,
    FamilyInvolvement,
    Grade,
    Rating,
    Recommendation,
    ReviewDecision,
    ReviewSubject,
    Theme,
)
from safehub.people.forms import GovDateField, GovForm

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
        from safehub.people.forms import govuk_widgets

        govuk_widgets(self)


class AttendanceForm(GovForm):
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
        from safehub.people.forms import govuk_widgets

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
