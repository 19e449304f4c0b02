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
# working-day sum. Loading them here spared the first insight page in a fresh worker about 1 s.
import holidays.countries  # noqa: E402, F401
import pandas  # noqa: E402, F401
