"""Every factory builds a valid row, and every model that tests create has a factory.

The second half is a checked list: each of the project's models either has a factory in
``safehub.testing.factories`` or is named in ``NEVER_CREATED_BY_TESTS`` with the reason; and no test
source creates a model of that list directly (``Model.objects.create(...)``, ``Model(...)``), so a test
that starts creating one gets a factory for it first.
"""

from __future__ import annotations

import re
from pathlib import Path

import factory
import pytest
from django.apps import apps

from safehub.testing import factories

FACTORIES = sorted(
    (
        value
        for value in vars(factories).values()
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
    ),
    key=lambda f: f.__name__,
)

# Models no test creates row by row: services write them (a test calls the service), migrations
# seed them, or nothing in the suite needs one yet. Give a model a factory before a test creates it.
NEVER_CREATED_BY_TESTS = {
    # core: enrolment links and identity-provider devices come from their services; the issued
    # link's token is only known to the service that makes it.
    "core.EnrolmentLink": "written by core.identity's enrolment service",
    "core.PreparedExport": "written by core.exports.export_request",
    "core.IdentityProviderDevice": "written at sign-in through the identity provider",
    "people.Merge": "written by people.merging",
    # front door: written by the contact, decision and triage services the tests drive
    "frontdoor.RagRating": "written by frontdoor.services",
    "frontdoor.Decision": "written by frontdoor.services",
    "frontdoor.HealthVisitingNotice": "written by frontdoor.services_notifications",
    "frontdoor.ContactDraft": "written by frontdoor.services_partners",
    # casework: the case and plan services write these
    "casework.CLAReview": "old looked-after table no service writes (lookedafter.LAReview replaced it)",
    "casework.HealthAssessment": "old looked-after table no service writes (lookedafter.LAHealthCheck replaced it)",
    "casework.CareLeaverStatus": "written by casework.services",
    "casework.ExploitationContribution": "written by casework.services",
    "casework.CaseAllocation": "written by casework.case_services",
    "casework.CaseNoteCorrection": "written by casework.case_services",
    "casework.CINPlan": "written by casework.case_services",
    "casework.CINPlanReview": "written by casework.case_services",
    "casework.CPCategoryChange": "written by casework.case_services",
    "casework.CoreGroupMeeting": "written by casework.case_services",
    # looked after: lookedafter.services and lookedafter.permanence write these
    "lookedafter.PlacementProvider": "written by lookedafter.services.provider_register",
    "lookedafter.YearOutcome": "written by lookedafter.services",
    "lookedafter.CareLeaverContact": "written by lookedafter.services",
    "lookedafter.UASCStatus": "written by lookedafter.services",
    "lookedafter.UPNUnknown": "written by lookedafter.services",
    "lookedafter.AwayFromPlacement": "written by lookedafter.services",
    "lookedafter.AdopterFamily": "written by lookedafter.permanence",
    "lookedafter.Adopter": "written by lookedafter.permanence",
    "lookedafter.PreviousPermanence": "written by lookedafter.permanence",
    "lookedafter.PathwayPlan": "written by lookedafter.permanence",
    "lookedafter.PathwayReview": "written by lookedafter.permanence",
    "lookedafter.StayingPut": "written by lookedafter.permanence",
    "lookedafter.DeprivationOfLiberty": "written by lookedafter.services",
    # pathways: every table is written by pathways' services (LADO, private fostering, rolls, CP-IS)
    "pathways.LadoCase": "written by pathways.services",
    "pathways.LadoNamed": "written by pathways.services",
    "pathways.PrivateFostering": "written by pathways.services",
    "pathways.PrivateFosteringVisit": "written by pathways.services",
    "pathways.EducationRegisterEntry": "written by pathways.services",
    "pathways.MaracLink": "written by pathways.services",
    "pathways.MaracAction": "written by pathways.services",
    "pathways.RollUpload": "written by pathways.roll_services",
    "pathways.RollRow": "written by pathways.roll_services",
    "pathways.CpisAttendance": "written by pathways.cpis_services",
    "pathways.MissingStrategyLink": "written by pathways.missing_strategy",
    # early help: earlyhelp.services writes everything below the episode
    "earlyhelp.EarlyHelpFamilyMember": "written by earlyhelp.services",
    "earlyhelp.EarlyHelpMeeting": "written by earlyhelp.services",
    "earlyhelp.StepRecord": "written by earlyhelp.services",
    "earlyhelp.SpecialistAttachment": "written by earlyhelp.services",
    "earlyhelp.SpecialistEntry": "written by earlyhelp.services",
    # adults: the adults' services and its CSV import write every table
    "adults.SafeguardingConcern": "written by adults.services",
    "adults.RiskAction": "written by adults.services",
    "adults.Enquiry": "written by adults.services",
    "adults.EnquiryRiskType": "written by adults.services (the enquiry's risk lists)",
    "adults.EnquiryRiskLocation": "written by adults.services (the enquiry's risk lists)",
    "adults.EnquiryRiskSource": "written by adults.services (the enquiry's risk lists)",
    "adults.ImportedPerson": "written by adults.io_people",
    "adults.ImportedRow": "written by adults.io",
    "adults.CapacityAssessment": "written by adults.services_mca",
    "adults.BestInterestsDecision": "written by adults.services_mca",
    "adults.Advocacy": "written by adults.services_mca",
    "adults.DolsApplication": "written by adults.services_mca",
    "adults.SelfNeglectCase": "written by adults.services_pathways",
    "adults.SelfNeglectMeeting": "written by adults.services_pathways",
    "adults.SelfNeglectAction": "written by adults.services_pathways",
    "adults.ProviderCase": "written by adults.services_pathways",
    "adults.ProviderQualityAction": "written by adults.services_pathways",
    "adults.PositionOfTrustCase": "written by adults.services_pathways",
    # partnership: each sub-package's services write these
    "partnership.AuditFinding": "written by partnership.audits' services",
    "partnership.CaseReview": "written by partnership.reviews' services",
    "partnership.CaseReviewPerson": "written by partnership.reviews' services",
    "partnership.CaseReviewStageChange": "written by partnership.reviews' services",
    "partnership.AssuranceCheck": "written by partnership.reviews' services",
    "partnership.Inspection": "written by partnership.actions' services",
    "partnership.Recommendation": "written by partnership.actions' services",
    "partnership.Action": "written by partnership.actions' services",
    "partnership.Notification": "written by partnership.actions' services",
    "partnership.PartnerContribution": "written by partnership.finance's services",
    "partnership.TrainingQualityCheck": "written by partnership.learning's services",
    "partnership.Briefing": "written by partnership.learning's services",
    "partnership.BriefingRead": "written by partnership.learning's services",
    "partnership.SubGroupMeeting": "written by partnership.meetings' services",
    "partnership.MeetingAttendance": "written by partnership.meetings' services",
    "partnership.MeetingAction": "written by partnership.meetings' services",
    "partnership.YearlyReportDraft": "written by partnership.signoff's services",
    "partnership.YearlyReportSectionLead": "written by partnership.signoff's services",
    "partnership.YearlyReportComment": "written by partnership.signoff's services",
    "partnership.PublishedReport": "written by partnership.signoff's services",
    "partnership.PublishedReportFile": "written by partnership.signoff's services",
    # insight: reference tables loaded from its data files, and the report's sections
    "insight.Population": "loaded from insight/data by insight.services",
    "insight.Comparator": "loaded from insight/data by insight.services",
    "insight.ReportSection": "written by insight.services",
    # exchange: tokens and reminders come from its services, identifiers from the Annex A import
    "exchange.ApiToken": "written by exchange.services (the token's secret is only known there)",
    "exchange.ExternalIdentifier": "written by the Annex A import (returns.annex_a.importer)",
    "exchange.SubmissionReminder": "written by exchange.services",
}

SRC = Path(__file__).resolve().parents[3]  # .../src


def _project_models() -> set[str]:
    return {m._meta.label for m in apps.get_models() if m.__module__.startswith("safehub.")}


def _test_sources() -> dict[Path, str]:
    paths = {*SRC.glob("safehub/**/tests/**/*.py"), *SRC.glob("safehub/**/conftest.py"), SRC.parent / "conftest.py"}
    return {p: p.read_text() for p in paths if p.exists() and p != Path(__file__).resolve()}


@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_default_saves_and_passes_full_clean(model_factory, db):
    row = model_factory()
    row.refresh_from_db()
    row.full_clean()


@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda f: f.__name__)
def test_two_defaults_respect_the_tables_constraints(model_factory, db):
    first, second = model_factory.create_batch(2)
    assert first.pk is not None and second.pk is not None


def test_every_project_model_has_a_factory_or_is_listed_as_never_created():
    with_factory = {f._meta.model._meta.label for f in FACTORIES}
    models = _project_models()
    assert not with_factory & set(NEVER_CREATED_BY_TESTS), "a model with a factory is still listed as never created"
    assert sorted(models - with_factory - set(NEVER_CREATED_BY_TESTS)) == []
    assert sorted(set(NEVER_CREATED_BY_TESTS) - models) == []  # the list names no model that is gone


def test_no_test_creates_a_model_listed_as_never_created():
    names = {label: label.split(".")[1] for label in NEVER_CREATED_BY_TESTS}
    sources = _test_sources()
    found = []
    for label, name in names.items():
        creation = re.compile(rf"\b{name}(\.objects\.(create|get_or_create|update_or_create|bulk_create)\(|\()")
        found += [f"{label} in {path.relative_to(SRC)}" for path, text in sources.items() if creation.search(text)]
    assert found == []
