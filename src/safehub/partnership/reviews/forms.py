"""Forms for case reviews."""

from __future__ import annotations

from django import forms

from safehub.core.forms import GovDateField, GovForm
from safehub.partnership.models import (
    FamilyInvolvement,
    ReviewDecision,
    ReviewSubject,
    SeriousHarm,
    Theme,
)

RAPID_REVIEW_OUTCOMES = [
    (ReviewDecision.CSPR, ReviewDecision.CSPR.label),
    (ReviewDecision.LOCAL_LEARNING, ReviewDecision.LOCAL_LEARNING.label),
    (ReviewDecision.SINGLE_AGENCY, ReviewDecision.SINGLE_AGENCY.label),
    (ReviewDecision.THEMATIC, ReviewDecision.THEMATIC.label),
    (ReviewDecision.NO_REVIEW, "No further review"),
]


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
    harm = forms.ChoiceField(
        choices=[("", "Not recorded"), *SeriousHarm.choices],
        required=False,
        label="What happened to the adult (safeguarding adults reviews)",
        help_text="The Care Act section 44 condition the adult's case met. Linking a record again changes this.",
    )
