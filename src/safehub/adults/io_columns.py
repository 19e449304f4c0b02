"""Describe the adults CSV file: concerns and enquiries, every SAC field (read by ``io``, written by ``io_export``).

Schema (UTF-8 CSV, one header row, one record per row; column order does not matter)
=====================================================================================

Every row
---------
``source_system``       required; the system the record came from (e.g. ``mosaic``). ``safehub`` is
                        this instance's own records: their ``record_id`` is ``concern-<id>`` or
                        ``enquiry-<id>``, so an export re-imports onto the same records.
``record_id``           required; the record's id in that system. (source_system, record_type,
                        record_id) is the natural key: re-importing a row changes nothing, a changed
                        row updates the record.
``record_type``         required; ``CONCERN`` or ``ENQUIRY``.
``person_*``           who the row is about (reference, record id, NHS number, name, date of birth,
                        sex, address): matched on the register or created, as ``io_people`` says.
``council_code``        agency code of the council adult social care; blank = the only one.

CONCERN rows
------------
``received_date``       required, ``YYYY-MM-DD`` (or ``received_at``, ISO 8601 with offset).
``source_kind``         required: AGENCY, MEMBER_OF_PUBLIC, SELF, FAMILY_OR_FRIEND.
``source_agency_code``  required when source_kind is AGENCY: an agency code.
``what_happened``       required text.  ``where_happened``, ``alleged_source_of_risk``,
                        ``immediate_actions``, ``adult_views``, ``adult_wishes``: optional text.
``consent``             required: GIVEN, REFUSED, UNABLE, NOT_SOUGHT.
``primary_support_reason`` optional: a SAC SG1d code (``rules.SAC_SUPPORT_REASONS``); odd values flagged.
``reported_autism``     optional (SAC SG1e): AUTISM (excluding Asperger's syndrome / high functioning
                        autism), ASPERGERS (Asperger's syndrome / high functioning autism, also read as
                        ASPERGER or HIGH_FUNCTIONING_AUTISM) or blank (none reported, or not known); odd
                        values flagged and kept.
``lawful_basis``        required unless consent is GIVEN.
``care_and_support_needs``, ``experiencing_or_at_risk``, ``unable_to_protect_self``: the s42(1)
                        test, ``Y``/``N``/blank (blank = not answered).
``decision``            S42, OTHER, NFA or blank (awaiting). S42 needs all three answers Y.
``decision_rationale``  required with a decision.  ``signposting``: text.
``decided_date``        ``YYYY-MM-DD``, required with a decision.

ENQUIRY rows
------------
``concern_record_id``   required: the ``record_id`` of its CONCERN (same source_system), in this
                        file or imported before.
``enquiry_kind``        required: S42 or OTHER (S42 only from a concern meeting the test).
``carried_out_by_code`` agency code of the organisation carrying it out; blank = the council.
``started_date``        required; ``planning_date``, ``concluded_date``: ``YYYY-MM-DD`` or blank.
``risk_types``          ``;``-separated: PHYSICAL, SEXUAL, PSYCHOLOGICAL, FINANCIAL, DISCRIMINATORY,
                        ORGANISATIONAL, NEGLECT, DOMESTIC, SEXUAL_EXPLOITATION, MODERN_SLAVERY,
                        SELF_NEGLECT (the measure ids' lower-case spellings are accepted too).
``risk_locations``      ``;``-separated: OWN_HOME, COMMUNITY, COMMUNITY_SERVICE, CARE_HOME_NURSING,
                        CARE_HOME_RESIDENTIAL, HOSPITAL_ACUTE, HOSPITAL_MENTAL_HEALTH, HOSPITAL_COMMUNITY,
                        OTHER (every location that applies; the SAC SG2b labels, e.g. ``Care Home -
                        Nursing``, are read too). The older CARE_HOME and HOSPITAL still import and mean
                        "not known which" (never guessed); the one-value ``risk_location`` column is read.
``risk_sources``        ``;``-separated: SERVICE_PROVIDER, KNOWN, UNKNOWN (every type that applies;
                        ``risk_source`` is read too).
``action_taken``        Y/N/blank.  ``action_summary``: text.
``risk_outcome``        REMOVED, REDUCED, REMAINS, NO_ACTION, NONE_IDENTIFIED, INCONCLUSIVE,
                        CEASED_AT_REQUEST (ceased at the adult's request: no action taken, and not
                        for an adult who lacked capacity) or blank.
``lacked_capacity``     YES, NO, DONT_KNOW, NOT_RECORDED (blank = NOT_RECORDED).
``advocate_support``    Y/N/blank: supported by an advocate, family or friend, whatever the capacity.
``desired_outcomes_asked`` EXPRESSED, ASKED_NOT_EXPRESSED, NOT_ASKED, DONT_KNOW, NOT_RECORDED (blank =
                        NOT_RECORDED).  ``desired_outcomes``: text.
``outcomes_achieved``   FULLY, PARTIALLY, NOT_ACHIEVED or blank; only when EXPRESSED.
``interpreter_used``, ``heard_away_from_family``: Y/N/blank.
A concluded enquiry (concluded_date given) must have risk types, locations, sources and outcome.

Export-only columns (ignored on import): ``age_at_event``, ``sex``, ``ethnicity``.

Import rules: every row is checked; a bad row is reported as {row, column, value, message} (row 2 is
the first data row) and skipped, good rows are kept. The whole import runs in one transaction, so a
crash leaves nothing half-imported. Each created or updated record gets one IMPORT audit row.
"""

from __future__ import annotations

import re

from safehub.adults.io_people import PERSON_COLUMNS

COMMON = ["source_system", "record_id", "record_type", "person_reference", "person_nhs_number", "council_code"]
CONCERN_COLUMNS = [
    "received_date",
    "received_at",
    "source_name",
    "source_kind",
    "source_agency_code",
    "what_happened",
    "where_happened",
    "alleged_source_of_risk",
    "immediate_actions",
    "adult_views",
    "adult_wishes",
    "consent",
    "lawful_basis",
    "primary_support_reason",
    "reported_autism",
    "care_and_support_needs",
    "experiencing_or_at_risk",
    "unable_to_protect_self",
    "decision",
    "decision_rationale",
    "signposting",
    "decided_date",
    "decided_at",
]
ENQUIRY_COLUMNS = [
    "concern_record_id",
    "enquiry_kind",
    "carried_out_by_code",
    "started_date",
    "planning_date",
    "concluded_date",
    "risk_types",
    "risk_locations",
    "risk_sources",
    "action_taken",
    "action_summary",
    "risk_outcome",
    "lacked_capacity",
    "advocate_support",
    "desired_outcomes_asked",
    "desired_outcomes",
    "outcomes_achieved",
    "interpreter_used",
    "heard_away_from_family",
]
EXPORT_ONLY = ["age_at_event", "sex", "ethnicity"]
COLUMNS = COMMON + PERSON_COLUMNS + CONCERN_COLUMNS + ENQUIRY_COLUMNS + EXPORT_ONLY
OWN_SYSTEM = "safehub"
OWN_ID = re.compile(r"^(concern|enquiry)-(\d{1,18})$")
CONCERN_TEXT = (
    "source_name",
    "what_happened",
    "where_happened",
    "alleged_source_of_risk",
    "immediate_actions",
    "adult_views",
    "adult_wishes",
    "lawful_basis",
    "decision_rationale",
    "signposting",
)
