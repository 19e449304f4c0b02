from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from safehub.agencies.models import AgencyKind
from safehub.agencies.selectors import agency_list


@login_required
def agency_list_view(request):
    agencies = list(agency_list().values("name", "kind", "code", "urn", "phase"))
    labels = dict(AgencyKind.choices)
    for a in agencies:
        a["kind_label"] = labels.get(a["kind"], a["kind"])
    return render(request, "agencies/list.html", {"agencies": agencies})
