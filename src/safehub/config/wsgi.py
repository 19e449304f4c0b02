import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.config.settings")
application = get_wsgi_application()

# Import every view now (charts, reports, the API) rather than on a worker's first request: with
# ``gunicorn --preload`` the master does this once and the workers share it, so no user waits
# seconds for the first page from a fresh worker.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - evaluated for its side effect

# Libraries that load their bulk on first use (issue 23): pyarrow imports pandas on its first
# conversion of a Python list (the first insight page), holidays its country tables on the first
# working-day sum. Loading them here moves that wait (a few hundred ms; about 1 s on a loaded
# machine) from the first insight page of a fresh worker to start-up.
import pandas  # noqa: E402, F401

from safehub.core import calendar  # noqa: E402

calendar.preload()

# WeasyPrint loads its fonts and default styles on the first PDF (a strategy record, the report):
# about 1 s. One small PDF here, before the fork, and every worker starts with them loaded.
import weasyprint  # noqa: E402

weasyprint.HTML(string="<p>Safehub</p>").write_pdf()
