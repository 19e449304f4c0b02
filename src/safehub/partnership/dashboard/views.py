"""The partnership dashboard page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from safehub.partnership.dashboard import selectors


@login_required
def home(request):
    return render(request, "partnership/dashboard.html", selectors.dashboard(user=request.user, now=timezone.now()))
