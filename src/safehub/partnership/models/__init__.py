"""The partnership's records, one Django app ("partnership"), in a module per sub-domain.

Every model and vocabulary is importable from here, as before the split; each sub-package
(reviews, actions, audits, ...) reads and writes its own.
"""

from safehub.partnership.models.actions import (
    Action,
    ActionStatus,
    Inspection,
    Notification,
    Recommendation,
)
from safehub.partnership.models.audits import (
    AUDIT_QUESTIONS,
    AUDIT_TOOL_THEMES,
    AuditAgencyReturn,
    AuditCase,
    AuditFinding,
    AuditStatus,
    AuditTool,
    MultiAgencyAudit,
)
from safehub.partnership.models.common import (
    THEME_PRIORITY,
    Grade,
    Priority,
    Theme,
)
from safehub.partnership.models.escalations import (
    Escalation,
)
from safehub.partnership.models.finance import (
    Budget,
    FundingPartner,
    PartnerContribution,
)
from safehub.partnership.models.learning import (
    Briefing,
    BriefingRead,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    TrainingQualityCheck,
)
from safehub.partnership.models.meetings import (
    Attendance,
    MeetingAction,
    MeetingAttendance,
    SubGroup,
    SubGroupMeeting,
)
from safehub.partnership.models.reviews import (
    OPEN_STAGES,
    REVIEW_TRANSITIONS,
    STATUTORY_REVIEWS,
    AssuranceCheck,
    CaseReview,
    CaseReviewPerson,
    CaseReviewStageChange,
    FamilyInvolvement,
    ReviewDecision,
    ReviewStage,
    ReviewSubject,
    SeriousHarm,
)
from safehub.partnership.models.self_assessment import (
    SELF_ASSESSMENT_STANDARDS,
    Rating,
    SelfAssessmentCycle,
    SelfAssessmentKind,
    SelfAssessmentRating,
    SelfAssessmentReturn,
)
from safehub.partnership.models.signoff import (
    PublishedReport,
    PublishedReportFile,
    ReportStage,
    SectionStatus,
    YearlyReportComment,
    YearlyReportDraft,
    YearlyReportSectionLead,
)

__all__ = [
    "AUDIT_QUESTIONS",
    "AUDIT_TOOL_THEMES",
    "Action",
    "ActionStatus",
    "AssuranceCheck",
    "Attendance",
    "AuditAgencyReturn",
    "AuditCase",
    "AuditFinding",
    "AuditStatus",
    "AuditTool",
    "Briefing",
    "BriefingRead",
    "Budget",
    "CaseReview",
    "CaseReviewPerson",
    "CaseReviewStageChange",
    "Escalation",
    "FamilyInvolvement",
    "FundingPartner",
    "Grade",
    "Inspection",
    "MeetingAction",
    "MeetingAttendance",
    "MultiAgencyAudit",
    "Notification",
    "OPEN_STAGES",
    "PartnerContribution",
    "Priority",
    "PublishedReport",
    "PublishedReportFile",
    "REVIEW_TRANSITIONS",
    "Rating",
    "Recommendation",
    "ReportStage",
    "ReviewDecision",
    "ReviewStage",
    "ReviewSubject",
    "SeriousHarm",
    "SELF_ASSESSMENT_STANDARDS",
    "STATUTORY_REVIEWS",
    "SectionStatus",
    "SelfAssessmentCycle",
    "SelfAssessmentKind",
    "SelfAssessmentRating",
    "SelfAssessmentReturn",
    "SubGroup",
    "SubGroupMeeting",
    "THEME_PRIORITY",
    "Theme",
    "TrainingAttendance",
    "TrainingCourse",
    "TrainingEvent",
    "TrainingQualityCheck",
    "YearlyReportComment",
    "YearlyReportDraft",
    "YearlyReportSectionLead",
]
