"""Settings shared by every environment, read from the environment (twelve-factor).

With no environment at all the portal runs on the embedded default: a SQLite file
under var/ and Celery on kombu's filesystem transport, so a laptop needs neither
PostgreSQL nor Redis. Production sets DATABASE_URL and REDIS_URL.
"""

import datetime
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # embedded-default state: SQLite file, Celery queue, uploads
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The fallback key only ever serves the embedded default; production.py refuses it.
INSECURE_DEV_SECRET_KEY = "django-insecure-embedded-default-only-never-use-in-production"  # noqa: S105 - refused by production.py
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
# Keys the audit trail's hash chain (HMAC). Set it once and never change it: entries written
# under another key no longer verify. Defaults to a key derived from SECRET_KEY.
AUDIT_CHAIN_KEY = env.str(
    "AUDIT_CHAIN_KEY", default=hashlib.sha256(f"portal.audit-chain:{SECRET_KEY}".encode()).hexdigest()
)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "auditlog",
    "csp",
    "django_celery_beat",
    "apps.core",
    "apps.accounts",
    "apps.audit",
    "apps.projects",
    "apps.notifications",
    "apps.documents",
    "apps.dossier",
    "apps.signoffs",
    "apps.gates",
    "apps.checklists",
    "apps.deliverables",
    "apps.risks",
    "apps.raci",
    "apps.modelcards",
    "apps.cadence",
    "apps.incidents",
    "apps.dashboard",
]

MIDDLEWARE = [
    "apps.core.middleware.HealthCheckMiddleware",  # first: health checks come with any Host, over HTTP
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.audit.middleware.AuditActorMiddleware",
    "apps.audit.middleware.ExportAuditMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A web worker keeps its connection between requests: opening one costs PostgreSQL a process
    # (8–10 ms a request on this machine). Checked before reuse, so a restarted server is no error.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default shares one file between the web process and the worker with beat:
    # writers wait their turn (IMMEDIATE takes the write lock up front, so no lock upgrade fails).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out account or address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout (django-axes): AXES_FAILURE_LIMIT failures lock the account, and separately the
# client address, for AXES_COOLOFF_MINUTES; a successful sign-in resets the account's count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# API tokens (django-rest-knox): stored as digests, expire, listed and revoked by their owner.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
}
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"  # "What needs me": a person signs in to their queue
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from static/ while developing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ML Governance Portal <portal@localhost>")
# Absolute links in e-mails (e.g. https://governance.example.com).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Permissions -----------------------------------------------------------
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous object permissions: everything needs a login

# --- Audit trail ------------------------------------------------------------
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# auditlog's own migrations would create its default (swapped-out, unused) table;
# without them nothing of auditlog's is created and audit.AuditEntry is the only trail.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then answers 401 with a WWW-Authenticate header.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "auth": env.str("API_THROTTLE_AUTH", default="10/minute"),  # the token endpoint, per address
        # The incidents app's Alertmanager webhook, per address: one Alertmanager serves many projects.
        "alertmanager": env.str("API_THROTTLE_ALERTMANAGER", default="600/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.portal_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The hot list endpoints' pages, kept while the audit chain's head stands still (apps/audit/caching.py); 0: off.
API_LIST_CACHE_SECONDS = env.int("API_LIST_CACHE_SECONDS", default=300)
SPECTACULAR_SETTINGS = {
    "TITLE": "ML Governance Portal API",
    "DESCRIPTION": "Projects, roles and the audit trail of the ML governance portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per shared choice set (fields named status/kind/stage recur across apps).
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "apps.projects.choices.Stage",
        "RoleEnum": "apps.projects.choices.Role",
        "ProjectStatusEnum": "apps.projects.choices.ProjectStatus",
        "ChecklistItemStatusEnum": "apps.checklists.choices.ResponseStatus",
        "ChecklistItemKindEnum": "apps.checklists.choices.ItemKind",
        "EvidenceKindEnum": "apps.checklists.choices.EvidenceKind",
        "DeliverableStatusEnum": "apps.deliverables.choices.DeliverableStatus",
        "ScoreBandEnum": "apps.risks.choices.Band",  # inherent and residual bands of a risk
        "CardRevisionStateEnum": "apps.modelcards.choices.RevisionState",
        "GateStateEnum": "apps.gates.choices.GateState",
        "NotificationStateEnum": "apps.notifications.choices.State",
        "SignoffStateEnum": "apps.signoffs.choices.RequestState",
        "RiskImportStateEnum": "apps.risks.choices.ImportState",
        "ReviewOccurrenceStatusEnum": "apps.cadence.choices.OccurrenceStatus",
        "ReviewKindEnum": "apps.cadence.choices.ReviewKind",
        # A field whose request accepts fewer choices than its response answers (PortalAutoSchema) needs
        # a name per set: drf-spectacular would give both sets one name, the request's and response's.
        "TimelineEntryKindEnum": "apps.incidents.choices.EntryKind",
        "ManualTimelineEntryKindEnum": "apps.incidents.choices.MANUAL_ENTRY_CHOICES",
    },
}

# --- Content Security Policy: every asset is served by the portal itself ----
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Celery ----------------------------------------------------------------
# REDIS_URL (or CELERY_BROKER_URL) selects Redis; without it the worker uses
# kombu's filesystem transport under var/celery, which needs no server and
# still runs beat's periodic tasks (`celery -A portal worker -B`).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _celery_dir = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # The exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Every minute: e-mail the notification outbox's due rows, so that mail queued while the
    # mail server (or the broker) was down goes out once it is back.
    "send-pending-notifications": {
        "task": "apps.notifications.tasks.send_pending_notifications",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Every day at 07:30: one digest e-mail per person who chose the daily digest and has news.
    "send-daily-digests": {
        "task": "apps.notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 60 * 60 * 6},
    },
    # Every 30 minutes: approved gates whose checklist items, deliverables or stage data changed
    # since their sign-off are invalidated and reopened, visibly.
    "invalidate-changed-gates": {
        "task": "apps.gates.tasks.invalidate_changed_gates",
        "schedule": crontab(minute="*/30"),
        "options": {"expires": 60 * 25},
    },
    # Every day at 08:00: remind approvers of overdue sign-offs (once per request, person and day).
    "remind-overdue-signoffs-daily": {
        "task": "apps.signoffs.tasks.remind_overdue_signoffs",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 60 * 60 * 12},
    },
    # Every 10 minutes: record a signed checkpoint of the audit chain's length and head (when it grew).
    "checkpoint-audit-chain": {
        "task": "apps.audit.tasks.checkpoint_audit_chain",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 60 * 9},
    },
    # Every night at 02:30: re-verify the whole audit hash chain and alert on a break.
    "verify-audit-chain-nightly": {
        "task": "apps.audit.tasks.verify_audit_chain",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 60 * 60 * 6},
    },
    # Every day at 00:15, just after midnight: acceptances whose expiry date was yesterday end,
    # their risks return to open and their owners are told.
    "expire-risk-acceptances-daily": {
        "task": "apps.risks.tasks.expire_risk_acceptances",
        "schedule": crontab(hour=0, minute=15),
        "options": {"expires": 60 * 60 * 6},
    },
    # Every day at 06:30: the one sweep for dated records — review meetings (before, on the day,
    # escalation when overdue), review actions, deliverables due or stale, the weekly PM digest.
    "send-cadence-reminders-daily": {
        "task": "apps.cadence.tasks.send_cadence_reminders",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 60 * 60 * 6},
    },
    # Every weekday at 07:00: remind owners of aging risks, escalate to Product Owners and
    # Security / Compliance Officers a week later (each step once), in one summary per person.
    "escalate-aging-risks-weekdays": {
        "task": "apps.risks.tasks.escalate_aging_risks",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
        "options": {"expires": 60 * 60 * 6},
    },
    # Every day at 07:15, before the 07:30 digests, weekends included: incident action items due soon or
    # overdue remind their owners; long-overdue ones escalate to the Product Owner (each once per person and day).
    "remind-incident-action-items-daily": {
        "task": "apps.incidents.tasks.remind_incident_action_items",
        "schedule": crontab(hour=7, minute=15),
        "options": {"expires": 60 * 60 * 6},
    },
}

# --- Incidents: review deadlines and action-item reminders (docs/incidents.md) ---
# Post-incident reviews are due 5 business days after resolution: weekends and this calendar are skipped.
INCIDENT_HOLIDAY_COUNTRY = env.str("INCIDENT_HOLIDAY_COUNTRY", default="DE")  # ISO code; empty: weekends only
INCIDENT_HOLIDAY_SUBDIVISION = env.str("INCIDENT_HOLIDAY_SUBDIVISION", default="")  # e.g. "BY"
INCIDENT_EXTRA_HOLIDAYS = env.list("INCIDENT_EXTRA_HOLIDAYS", default=[])  # ISO dates of company days off
INCIDENT_ACTION_REMINDER_DAYS_BEFORE = env.int("INCIDENT_ACTION_REMINDER_DAYS_BEFORE", default=2)
INCIDENT_ACTION_ESCALATION_DAYS = env.int("INCIDENT_ACTION_ESCALATION_DAYS", default=3)  # days overdue

# Who hears about a broken audit chain or other portal-level alarms.
ADMINS = [tuple(a.split(":", 1)) for a in env.list("ADMINS", default=[]) if ":" in a]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
