"""The registry of the Annex A lists' bindings: which binding reads and writes each list.

A binding (``bindings_base.Binding``) says how one list maps to and from Safehub's records; each
domain's bindings are in ``bindings_<domain>.py``. The importer and the exporter ask this registry
for a list's binding by its name in ``spec.LISTS``.
"""

from __future__ import annotations

from safehub.returns.annex_a.bindings_adopters import AdoptersBinding
from safehub.returns.annex_a.bindings_base import SUMMARY, Binding, CaseworkBinding, uk_day, uk_noon
from safehub.returns.annex_a.bindings_casework import (
    AssessmentsBinding,
    CINEpisodesBinding,
    CPPlansBinding,
    CPPlansOpenBinding,
    Section47Binding,
)
from safehub.returns.annex_a.bindings_earlyhelp import EarlyHelpBinding
from safehub.returns.annex_a.bindings_frontdoor import ContactsBinding, ReferralsBinding
from safehub.returns.annex_a.bindings_lookedafter import (
    AdoptionBinding,
    CareLeaversBinding,
    LookedAfterBinding,
    LookedAfterPeriodsBinding,
)

__all__ = [  # also the names callers took from this module before the bindings moved to their domains
    "BINDINGS",
    "SUMMARY",
    "AssessmentsBinding",
    "Binding",
    "CPPlansBinding",
    "CaseworkBinding",
    "ContactsBinding",
    "LookedAfterBinding",
    "ReferralsBinding",
    "Section47Binding",
    "binding_for",
    "uk_day",
    "uk_noon",
]

BINDINGS: dict[str, type[Binding]] = {
    "contacts": ContactsBinding,
    "referrals": ReferralsBinding,
    "assessments": AssessmentsBinding,
    "section47": Section47Binding,
    # Lists 6 and 7 from the case spine (every episode or plan open in the period).
    "cp_plans": CPPlansOpenBinding,
    "cla": LookedAfterPeriodsBinding,
    "cin": CINEpisodesBinding,
    "care_leavers": CareLeaversBinding,
    "adoption": AdoptionBinding,
    "adopters": AdoptersBinding,
    "early_help": EarlyHelpBinding,
}


def binding_for(name: str) -> Binding | None:
    cls = BINDINGS.get(name)
    if cls is None or not cls.available():
        return None
    return cls()
