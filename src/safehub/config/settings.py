"""Safehub settings, read from the environment in this one place (CONVENTIONS 9).

Safe production defaults: DEBUG off, secure cookies, HSTS, two-factor sign-in required.
``SAFEHUB_DEMO=1`` (set by ``make run``) relaxes only what a laptop demo needs: plain HTTP and
sign-in without a second factor. Never set it in production.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import environ

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEMO_MODE = env.bool("SAFEHUB_DEMO", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEMO_MODE or DEBUG or env.bool("SAFEHUB_TESTING", default=False)):
        raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY must be set outside demo mode")
    SECRET_KEY = "insecure-demo-key-never-use-in-production-" + "x" * 20
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular_sidecar",
    "safehub.core",
    "safehub.agencies",
    "safehub.people",
    "safehub.frontdoor",
    "safehub.casework",
    "safehub.lookedafter",
    "safehub.pathways",
    "safehub.earlyhelp",
    "safehub.adults",
    "safehub.partnership",
    "safehub.insight",
    "safehub.exchange",
    "safehub.returns",
    "safehub.governance",
    "safehub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safehub.core.middleware.StripNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safehub.core.middleware.SessionKeepAliveMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safehub.core.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safehub.core.middleware.ErrorReferenceMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safehub.config.urls"
WSGI_APPLICATION = "safehub.config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "safehub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safehub.core.context_processors.shell",
            ],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL=postgres://... in production and in CI.
DATA_DIR = Path(env.str("SAFEHUB_DATA_DIR", default=str(BASE_DIR / "var")))
with warnings.catch_warnings():  # an unknown address is reported below in one line, not as a warning
    warnings.simplefilter("ignore")
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'safehub.sqlite3'}")}
if not DATABASES["default"].get("ENGINE"):
    raise environ.ImproperlyConfigured(
        "DATABASE_URL is not a database address (postgres://user@host:5432/name or sqlite:////path/file.sqlite3)"
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    from safehub.core.sqlite_engine import prefer_bundled

    prefer_bundled()  # a current SQLite: the system's 3.40 returns wrong rows (core/sqlite_engine.py)
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # Page requests are short and many at once: parallel query workers only add start-up cost and
    # compete with other requests for the cores (measured on the MASH queue: 37 ms with workers,
    # 5 ms without once sorted before the join). Analytics reads DuckDB snapshots, not this.
    DATABASES["default"].setdefault("OPTIONS", {})
    # A random page read costs about what a sequential one does on solid-state storage with the
    # working set cached (PostgreSQL's default of 4 assumes spinning disks): at 4 the planner read
    # all 1.3M people of a region to join 9,000 open early help episodes to them (378 ms) instead
    # of looking each up by key (115 ms at 1.1).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        f"-c max_parallel_workers_per_gather={env.int('SAFEHUB_PG_PARALLEL_WORKERS', default=0)}"
        f" -c random_page_cost={env.float('SAFEHUB_PG_RANDOM_PAGE_COST', default=1.1)}",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
GOVUK_FRONTEND_DIST = BASE_DIR / "node_modules" / "govuk-frontend" / "dist"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [SRC_DIR / "safehub" / "static"]
if GOVUK_FRONTEND_DIST.exists():
    STATICFILES_DIRS.append(("govuk", GOVUK_FRONTEND_DIST / "govuk"))
if (BASE_DIR / "node_modules" / "htmx.org" / "dist").exists():
    STATICFILES_DIRS.append(("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions: 15-minute idle timeout, renewed by activity (at most once a minute: a session write on
# every request was the largest fixed cost of a page; core.middleware.SessionKeepAliveMiddleware).
SESSION_COOKIE_AGE = env.int("SAFEHUB_IDLE_TIMEOUT_SECONDS", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SAFEHUB_SESSION_RENEW_SECONDS = env.int("SAFEHUB_SESSION_RENEW_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_HTTPS = not (DEMO_MODE or DEBUG) and env.bool("SAFEHUB_HTTPS", default=True)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and env.bool("SAFEHUB_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SAFEHUB_MAX_UPLOAD_BYTES = env.int("SAFEHUB_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# The size is checked from the request's declared length, and again as the body streams in, before
# any upload is read whole (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "safehub.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Two-factor sign-in: required for every staff user outside demo mode. A first authenticator app is
# set up only through a one-time enrolment link an administrator issues (core/identity/enrolment.py).
SAFEHUB_REQUIRE_2FA = env.bool("SAFEHUB_REQUIRE_2FA", default=not DEMO_MODE)
OTP_TOTP_ISSUER = "Safehub"
SAFEHUB_ENROLMENT_LINK_HOURS = env.int("SAFEHUB_ENROLMENT_LINK_HOURS", default=24)
# Where Safehub is reached, for links printed at the command line (``safehub enrolment_link``).
SAFEHUB_SITE_URL = env.str("SAFEHUB_SITE_URL", default="http://127.0.0.1:8000")

# OpenID Connect sign-in (a council's Microsoft Entra ID, NHS CIS2...), on when SAFEHUB_OIDC_CLIENT_ID
# is set. Users are matched to existing Safehub accounts by one claim and never created; a session
# counts as second-factor verified only when the provider says it used more than a password (core/identity/oidc.py).
SAFEHUB_OIDC_ENABLED = bool(env.str("SAFEHUB_OIDC_CLIENT_ID", default=""))
SAFEHUB_OIDC_PROVIDER_NAME = env.str("SAFEHUB_OIDC_PROVIDER_NAME", default="your organisation's account")
SAFEHUB_OIDC_ISSUER = env.str("SAFEHUB_OIDC_ISSUER", default="")
SAFEHUB_OIDC_USERNAME_CLAIM = env.str("SAFEHUB_OIDC_USERNAME_CLAIM", default="preferred_username")
SAFEHUB_OIDC_MFA_AMR = env.list("SAFEHUB_OIDC_MFA_AMR", default=["mfa", "otp", "hwk"])
SAFEHUB_OIDC_MFA_ACR = env.list("SAFEHUB_OIDC_MFA_ACR", default=[])
OIDC_RP_CLIENT_ID = env.str("SAFEHUB_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("SAFEHUB_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("SAFEHUB_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("SAFEHUB_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("SAFEHUB_OIDC_USERINFO_ENDPOINT", default="")  # optional: the ID token's claims suffice
OIDC_OP_JWKS_ENDPOINT = env.str("SAFEHUB_OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("SAFEHUB_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("SAFEHUB_OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = env.float("SAFEHUB_OIDC_TIMEOUT_SECONDS", default=10.0)
# The provider's certificate is always checked; a private authority's certificate can be named here.
OIDC_VERIFY_SSL: bool | str = env.str("SAFEHUB_OIDC_CA_BUNDLE", default="") or True
OIDC_AUTHENTICATION_CALLBACK_URL = "core:oidc_callback"
# acr_values sent with the authorisation request (e.g. the assurance level NHS CIS2 should enforce).
OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
    {"acr_values": env.str("SAFEHUB_OIDC_ACR_VALUES")} if env.str("SAFEHUB_OIDC_ACR_VALUES", default="") else {}
)
if SAFEHUB_OIDC_ENABLED:
    _missing = [
        name
        for name, value in {
            "SAFEHUB_OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
            "SAFEHUB_OIDC_ISSUER": SAFEHUB_OIDC_ISSUER,
            "SAFEHUB_OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
            "SAFEHUB_OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
            "SAFEHUB_OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
        }.items()
        if not value
    ]
    if _missing:
        raise environ.ImproperlyConfigured("OpenID Connect sign-in needs " + ", ".join(_missing))
    AUTHENTICATION_BACKENDS.append("safehub.core.identity.oidc.SafehubOIDCBackend")

# django-axes: after 5 failures in 30 minutes, lock the username (whatever address tries it) and,
# separately, the address (whatever usernames it tries): a password-spraying address is stopped
# even though it never repeats a username, and a targeted account is stopped from any address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# Content Security Policy (django-csp 4): same-origin only, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "safehub.exchange.auth.AgencyTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "safehub.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safehub API",
    "DESCRIPTION": "Agency systems push contacts and notifications and pull what is shared with them.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if env.bool("SAFEHUB_TASKS_IMMEDIATE", default=False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Delivered outbox events are removed this many days after delivery (``safehub outbox_prune``, daily).
SAFEHUB_OUTBOX_RETENTION_DAYS = env.int("SAFEHUB_OUTBOX_RETENTION_DAYS", default=30)
# A prepared export (core.exports) is kept for its asker this many hours, then removed.
SAFEHUB_EXPORT_KEEP_HOURS = env.int("SAFEHUB_EXPORT_KEEP_HOURS", default=24)

# Timescales (DESIGN.md "Time"); configurable per partnership.
SAFEHUB_TIMESCALES = {
    "contact_decision_working_days": env.int("SAFEHUB_CONTACT_DECISION_WD", default=1),
    "police_high_risk_limit_hours": env.float("SAFEHUB_POLICE_HIGH_RISK_HOURS", default=24.0),
    "strategy_record_share_working_days": 1,
    "icpc_working_days": 15,
    "assessment_working_days": 45,
    "rapid_review_working_days": 15,
    "serious_incident_notification_working_days": 5,
    "health_request_working_days": 1,
    "health_request_urgent_hours": 4,
    # Casework (casework/rules.py cites Working Together 2023 for each)
    "cp_visit_working_days": 10,
    "cin_visit_working_days": 20,
    "cin_plan_review_months": 3,
    "core_group_interval_weeks": 6,
    "case_note_lock_hours": 24,
    # Early help (earlyhelp/rules.py: local procedure defaults; Working Together 2023 sets none)
    "early_help_assessment_working_days": 30,
    "early_help_first_taf_working_days": 20,
    "early_help_review_weeks": 6,
    # PPN to the first strategy discussion (pathways/rules.py: the partnership's local standard)
    "ppn_strategy_working_days": 3,
    # A PPN graded red (by the police or the MASH) is decided the day it arrives: calendar days, so
    # 0 is "by 23:59:59 UK time that day" (frontdoor/rules.py; Working Together 2023 ch. 3).
    "ppn_red_decision_days": 0,
    # Deprivation of Liberty Safeguards (adults/rules.py): Mental Capacity Act 2005 Schedule A1 and
    # the DoLS code of practice: an urgent authorisation lasts up to 7 days (para 78), extendable
    # once by up to 7 (paras 84-85); a standard request is decided within 21 days (2008 Regs, reg 13).
    "dols_urgent_days": 7,
    "dols_urgent_extension_days": 7,
    "dols_standard_decision_days": 21,
}
# The local authority's DfE code (CIN census returns).
SAFEHUB_LA_CODE = env.str("SAFEHUB_LA_CODE", default="852")
SAFEHUB_LA_ONS_CODE = env.str("SAFEHUB_LA_ONS_CODE", default="E06000045")  # SSDA903 header

# Person matching: pairs above "upper" are merged automatically, between the two go to clerical review.
SAFEHUB_MATCH_THRESHOLDS = {
    "upper": env.float("SAFEHUB_MATCH_UPPER", default=0.95),
    "lower": env.float("SAFEHUB_MATCH_LOWER", default=0.6),
}
SAFEHUB_BREAK_GLASS_MINUTES = env.int("SAFEHUB_BREAK_GLASS_MINUTES", default=60)
SAFEHUB_BULK_READ_ALERT = {"records": 150, "minutes": 10}

# Logs never carry personal data: person pages are addressed by id, searches are POSTed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("SAFEHUB_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
