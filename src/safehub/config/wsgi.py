import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.config.settings")
application = get_wsgi_application()

# Import every view now (charts, reports, the API) rather than on a worker's first request: with
# ``gunicorn --preload`` the master does this once and the workers share it, so no user waits
# seconds for the first page from a fresh worker.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - evaluated for its side effect
