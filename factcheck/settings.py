"""Settings for the fact-checking desk, read from the environment.

Two modes. Development (the default, nothing set): SQLite under ``var/``, Celery tasks run
eagerly without a broker, DEBUG on. Production (``SECRET_KEY`` set, or
``FACTCHECK_ENV=production``): ``DATABASE_URL``, ``REDIS_URL`` (or ``CELERY_BROKER_URL``),
``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required and checked, DEBUG is off and the deployment
checks pass.

One module over 400 lines: Django reads one settings module; each setting is documented and
checked where it is read from the environment.
"""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FACTCHECK_VAR_DIR", BASE_DIR / "var"))

env = os.environ.get


def _flag(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def _required(name: str) -> str:
    value = (env(name) or "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is required in production mode and is not set")
    return value


_mode = (env("FACTCHECK_ENV") or "").strip().lower()
if _mode not in {"", "development", "production"}:
    raise ImproperlyConfigured(
        f"FACTCHECK_ENV must be 'development' or 'production', got {_mode!r}"
    )
PRODUCTION = _mode == "production" or (_mode == "" and bool(env("SECRET_KEY")))

if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is malformed: use at least 50 random characters (for example the output "
            "of `python -c 'import secrets; print(secrets.token_urlsafe(64))'`)"
        )
    _db_url = _required("DATABASE_URL")
    _broker_url = (env("CELERY_BROKER_URL") or "").strip() or _required("REDIS_URL")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is malformed: give a comma-separated list of host names, not '*'"
        )
    DEBUG = False
else:
    SECRET_KEY = (
        env("SECRET_KEY") or "development-only-key-never-use-in-production-0123456789abcdef"
    )
    _db_url = (env("DATABASE_URL") or "").strip()
    _broker_url = (env("CELERY_BROKER_URL") or env("REDIS_URL") or "").strip()
    ALLOWED_HOSTS = [
        h.strip() for h in (env("ALLOWED_HOSTS") or "127.0.0.1,localhost").split(",") if h.strip()
    ] + ["testserver"]
    DEBUG = _flag("DEBUG", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "factcheck",
    "claims",
    "sources",
    "api",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "factcheck.request_id.RequestIdMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Answers an API poll whose ETag still matches before the middleware below and the view run;
    # the ones above still add their headers to that 304.
    "api.polling.PolledNotModifiedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Weighs a request's body (Content-Length, who may upload) before CSRF or a view reads it.
    "factcheck.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a login that django-axes refused (too many failures) into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # gunicorn serves the collected static files itself; runserver does it in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "factcheck.live.live_navigation",
            ],
            # {% csrf_token %} also renders a one-time submission token (factcheck.submissions).
            # |desk_time shows a time in the desk's time zone with its label (no {% load %}).
            # `bdi` and `bidi_plain`: untrusted text isolated from the desk's own words.
            "builtins": [
                "factcheck.templatetags.submissions",
                "factcheck.templatetags.desk_time",
                "factcheck.templatetags.bidi",
            ],
        },
    },
]

# Database ----------------------------------------------------------------------------------------
if _db_url:
    if urlsplit(_db_url).scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            "DATABASE_URL is malformed: expected postgres://user:password@host:port/name"
        )
    try:
        DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production mode")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Celery ------------------------------------------------------------------------------------------
if _broker_url and urlsplit(_broker_url).scheme not in {"redis", "rediss", "memory"}:
    raise ImproperlyConfigured("REDIS_URL is malformed: expected redis://host:port/db")
CELERY_BROKER_URL = _broker_url or "memory://"
# Without a broker (development) tasks run in-process, so the app works with nothing installed.
CELERY_TASK_ALWAYS_EAGER = not _broker_url
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless this is set,
# which costs a new PostgreSQL session per capture; factcheck/celery.py still drops stale ones.
CELERY_DB_REUSE_MAX = _int("CELERY_DB_REUSE_MAX", 1000)
# Redis hands a message not acknowledged within this many seconds to another worker, so no
# task may wait in the broker (countdown/ETA) that long: see CAPTURE_MAX_BROKER_COUNTDOWN.
CELERY_BROKER_VISIBILITY_TIMEOUT = _int("CELERY_BROKER_VISIBILITY_TIMEOUT", 3600)
# Priorities (0 first, 9 last; Redis keeps one list per step and the worker takes the lowest
# step that has work): captures a person waits for go before batch captures (manage.py capture
# -i), on every queue.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    "priority_steps": list(range(10)),
    "sep": ":",
    "queue_order_strategy": "priority",
}
# Browser captures run on their own queue (their own worker service: Chromium needs its memory).
CELERY_TASK_ROUTES = {"sources.capture_browser": {"queue": "capture-browser"}}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Finds captures a lost broker message or a dead worker left behind (see sources.services).
    "requeue-stale-captures": {
        "task": "sources.requeue_stale_captures",
        "schedule": float(_int("CAPTURE_SWEEP_INTERVAL", 60)),
    },
    # Form submission tokens are kept two days (factcheck.submissions).
    "forget-old-submissions": {"task": "factcheck.forget_old_submissions", "schedule": 3600.0},
}

# Auth and i18n -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A pasted article may be a few megabytes: let it reach the form, which states the real limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Uploads stop being read once a file passes FETCH_MAX_BYTES (factcheck/request_limits.py).
FILE_UPLOAD_HANDLERS = [
    "factcheck.request_limits.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR") or None
# Failed logins: django-axes locks an account, and a client address, after LOGIN_FAILURE_LIMIT
# failures, for LOGIN_LOCKOUT_SECONDS (factcheck/login_throttle.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=_int("LOGIN_LOCKOUT_SECONDS", 900))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
# Tries while locked out are refused unread and do not extend the lock-out (which would let a
# guesser keep an account locked for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "factcheck.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "factcheck.login_throttle.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_SECONDS must be positive")
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
LANGUAGE_CODE = "en-gb"
# The desk's time zone: every time on a page is shown in it, with its label (stored in UTC).
TIME_ZONE = (env("FACTCHECK_TIME_ZONE") or "").strip() or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError):
    raise ImproperlyConfigured(
        f"FACTCHECK_TIME_ZONE must be an IANA time zone name (e.g. Asia/Phnom_Penh), "
        f"got {TIME_ZONE!r}"
    ) from None
USE_I18N = True
USE_TZ = True

# Static files and archive storage ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
ARCHIVE_ROOT = Path(env("ARCHIVE_ROOT") or VAR_DIR / "archives")
_archive_backend = env("ARCHIVE_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage"
STORAGES = {
    "default": {
        "BACKEND": _archive_backend,
        "OPTIONS": {"location": str(ARCHIVE_ROOT)}
        if _archive_backend.endswith("FileSystemStorage")
        else {},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = ARCHIVE_ROOT

# Security ----------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# REST framework, the API's cache, throttles and webhooks ------------------------------------------
# The API's docs page serves Swagger UI from this package's static files (script-src 'self').
INSTALLED_APPS.append("drf_spectacular_sidecar")

# The cache holds the API's data version (ETag/Last-Modified validators) and throttle counters,
# so every web process must share it: Redis when REDIS_URL is set, process memory otherwise.
_cache_url = (env("REDIS_URL") or "").strip()
if _cache_url and urlsplit(_cache_url).scheme not in {"redis", "rediss"}:
    raise ImproperlyConfigured("REDIS_URL is malformed: expected redis://host:port/db")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "desk",
        "TIMEOUT": None,
        # Named, so an operator (and a test) can tell the desk's connections in CLIENT LIST.
        "OPTIONS": {"CONNECTION_POOL_KWARGS": {"client_name": "desk-cache"}},
    }
    if _cache_url
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "desk",
        "TIMEOUT": None,
    }
}


def _rate(name: str, default: str) -> str:
    value = (env(name) or default).strip()
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in {"second", "minute", "hour", "day"}:
        raise ImproperlyConfigured(
            f"{name} must look like 120/minute (per second, minute, hour or day), got {value!r}"
        )
    return value


# Requests per window: per consumer token or signed-in user, and per anonymous IP address.
API_THROTTLE_RATES = {
    "anonymous": _rate("API_THROTTLE_ANON", "120/minute"),
    "authenticated": _rate("API_THROTTLE_AUTHENTICATED", "1200/minute"),
}
# Proxies in front of gunicorn that append to X-Forwarded-For (0: use the socket's address).
API_NUM_PROXIES = _int("API_NUM_PROXIES", 0)
API_PAGE_SIZE = _int("API_PAGE_SIZE", 50)
API_MAX_PAGE_SIZE = _int("API_MAX_PAGE_SIZE", 200)
if not 1 <= API_PAGE_SIZE <= API_MAX_PAGE_SIZE:
    raise ImproperlyConfigured("API_PAGE_SIZE must lie between 1 and API_MAX_PAGE_SIZE")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "NUM_PROXIES": API_NUM_PROXIES,
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-checking desk API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Claims, their status and published verdicts (with ClaimReview JSON-LD) for consumers; "
        "ratings, verdicts and workflow transitions for the desk; signed webhooks. "
        'Every error has the shape {"error": {"code", "message", "fields"}}.'
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStateEnum": "claims.models.ClaimState",
        "ClaimKindEnum": "claims.models.ClaimKind",
        "CaptureStateEnum": "sources.models.CaptureState",
        "CaptureKindEnum": "sources.models.CaptureKind",
        "SourceKindEnum": "sources.models.SourceKind",
        "RelationEnum": "claims.evidence.models.Relation",
        "DatePrecisionEnum": "claims.models.DatePrecision",
        "WebhookEventEnum": "api.models.WebhookEvent",
    },
}

# Webhooks: deliveries retry with exponential backoff (base * 2^(attempt-1), capped).
WEBHOOK_MAX_ATTEMPTS = _int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = _int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = _int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)
WEBHOOK_TIMEOUT = _int("WEBHOOK_TIMEOUT", 10)
CELERY_BEAT_SCHEDULE["requeue-stale-webhook-deliveries"] = {
    "task": "api.requeue_stale_deliveries",
    "schedule": 60.0,
}

# E-mail (notifications) ------------------------------------------------------------------------
# Development prints e-mails on the console; production sends them over SMTP with these settings.
EMAIL_BACKEND = env("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST") or "localhost"
EMAIL_PORT = _int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL") or "desk@localhost"
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
# A notification e-mail the server refuses is tried again this many times, base x 2^n apart.
NOTIFICATION_EMAIL_MAX_RETRIES = _int("NOTIFICATION_EMAIL_MAX_RETRIES", 5)
NOTIFICATION_EMAIL_RETRY_SECONDS = _int("NOTIFICATION_EMAIL_RETRY_SECONDS", 60)
# The daily digest goes out at this hour (UTC) through beat; `manage.py send_digests` sends it too.
NOTIFICATION_DIGEST_HOUR = _int("NOTIFICATION_DIGEST_HOUR", 7)
if not 0 <= NOTIFICATION_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATION_DIGEST_HOUR must be an hour from 0 to 23")
CELERY_BEAT_SCHEDULE["send-notification-digests"] = {
    "task": "claims.send_digests",
    "schedule": crontab(minute=0, hour=NOTIFICATION_DIGEST_HOUR),
}
# How often open pages ask for the person's counts and notifications (milliseconds).
LIVE_POLL_MS = _int("LIVE_POLL_MS", 10000)

# The desk ----------------------------------------------------------------------------------------
FACTCHECK_ORGANISATION = env("FACTCHECK_ORGANISATION") or "Fact-checking desk"
FACTCHECK_PUBLIC_URL = (env("FACTCHECK_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")
# The deployed release (e.g. the commit id), bound into the API's ETags so that a deploy that
# changes a response's shape is never answered with an old 304; empty: a digest of the code.
FACTCHECK_RELEASE = (env("FACTCHECK_RELEASE") or "").strip()
# How many independent ratings a claim needs before it can await an editor's approval.
RATINGS_REQUIRED = _int("RATINGS_REQUIRED", 2)
# Whether the editor who approves a verdict may be one of those ratings; off: the approval is a
# second pair of eyes, so the approver's own rating does not count toward RATINGS_REQUIRED.
APPROVER_MAY_RATE = _flag("APPROVER_MAY_RATE", False)
# The claims' priority scale, least urgent first, as comma-separated labels: a claim's priority is
# the label's position (1, 2, ...), 0 is "no priority"; queues sort the most urgent first.
CLAIM_PRIORITIES = [
    label.strip()
    for label in (env("CLAIM_PRIORITIES") or "Low,Normal,High,Urgent").split(",")
    if label.strip()
]
if not 1 <= len(CLAIM_PRIORITIES) <= 9 or len(set(CLAIM_PRIORITIES)) != len(CLAIM_PRIORITIES):
    raise ImproperlyConfigured(
        f"CLAIM_PRIORITIES must list 1 to 9 distinct labels, got {CLAIM_PRIORITIES!r}"
    )

# The fetcher: the only outbound door. Loopback and private targets are for development and tests.
FETCH_ALLOW_PRIVATE = _flag("FETCH_ALLOW_PRIVATE", False)
if PRODUCTION and FETCH_ALLOW_PRIVATE:
    raise ImproperlyConfigured("FETCH_ALLOW_PRIVATE must not be set in production mode")
FETCH_CONNECT_TIMEOUT = _int("FETCH_CONNECT_TIMEOUT", 10)
FETCH_TOTAL_TIMEOUT = _int("FETCH_TOTAL_TIMEOUT", 60)
FETCH_MAX_BYTES = _int("FETCH_MAX_BYTES", 50 * 1024 * 1024)
FETCH_MAX_REDIRECTS = _int("FETCH_MAX_REDIRECTS", 5)
FETCH_PER_HOST_CONCURRENCY = _int("FETCH_PER_HOST_CONCURRENCY", 4)
FETCH_USER_AGENT = (
    env("FETCH_USER_AGENT") or "FactcheckDeskArchiver/0.1 (+https://github.com/factcheck-desk)"
)
CAPTURE_STALE_AFTER_SECONDS = _int("CAPTURE_STALE_AFTER_SECONDS", 300)
CAPTURE_MAX_ATTEMPTS = _int("CAPTURE_MAX_ATTEMPTS", 5)
# A retry due later than this waits in PostgreSQL and the sweep queues it when due; half the
# visibility timeout leaves room for the run itself before Redis would redeliver.
CAPTURE_MAX_BROKER_COUNTDOWN = _int(
    "CAPTURE_MAX_BROKER_COUNTDOWN", CELERY_BROKER_VISIBILITY_TIMEOUT // 2
)
if not 0 < CAPTURE_MAX_BROKER_COUNTDOWN < CELERY_BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CAPTURE_MAX_BROKER_COUNTDOWN must be positive and below CELERY_BROKER_VISIBILITY_TIMEOUT"
    )
# The longest Retry-After honoured (a server asking for more is retried after this long).
CAPTURE_MAX_RETRY_AFTER = _int("CAPTURE_MAX_RETRY_AFTER", 24 * 3600)
# Resolve a linked URL's host and refuse it when the fetcher would (production by default).
SOURCE_LINK_RESOLVE = _flag("SOURCE_LINK_RESOLVE", PRODUCTION)

# Floors (#16): the archive (sources) imports nothing of the desk (claims). Where it must ask the
# desk, it asks the function a setting names (resolved with import_string):
# who may see a capture in playback (desk roles, or anyone for a published verdict's archive);
CAPTURE_VISIBLE_TO = "claims.evidence.selectors.capture_visible_to"
# and where the names that moved from sources to claims now live, for scripts that still import
# them from sources.services, sources.selectors, sources.matching (the eval scorers among them).
SOURCES_MOVED_SERVICES = "claims.evidence.services"
SOURCES_MOVED_SELECTORS = "claims.evidence.selectors"
SOURCES_MOVED_MATCHING = "claims.evidence.matching"
# Celery's time limits for one capture run (enforced by the prefork pool, which production runs):
# well above the fetcher's own deadline, so the fetcher normally ends first. At the soft limit the
# run counts as a transient failure; at the hard limit the worker child is killed and replaced.
# Celery sends the limits with each task message from the sender's settings, so the web process,
# beat and the workers must be given the same values.
CAPTURE_SOFT_TIME_LIMIT = _int("CAPTURE_SOFT_TIME_LIMIT", FETCH_TOTAL_TIMEOUT + 60)
CAPTURE_HARD_TIME_LIMIT = _int("CAPTURE_HARD_TIME_LIMIT", CAPTURE_SOFT_TIME_LIMIT + 30)
if not 0 < CAPTURE_SOFT_TIME_LIMIT < CAPTURE_HARD_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CAPTURE_SOFT_TIME_LIMIT must be positive and below CAPTURE_HARD_TIME_LIMIT "
        f"(got {CAPTURE_SOFT_TIME_LIMIT} and {CAPTURE_HARD_TIME_LIMIT})"
    )

# Archive packages (sources/wacz.py): every web capture is packaged as WACZ and its
# datapackage digest signed with the desk's ECDSA P-256 key (`manage.py signing_key generate`):
# the PEM itself in ARCHIVE_SIGNING_KEY, or a path to it in ARCHIVE_SIGNING_KEY_FILE. With
# neither, packages are written unsigned and say so. TIMESTAMP_AUTHORITY_URL: an RFC 3161
# authority that timestamps each signature (asked through the guarded fetcher);
# TIMESTAMP_AUTHORITY_CA_FILE: the PEM roots its answers are verified against.
ARCHIVE_SIGNING_KEY = (env("ARCHIVE_SIGNING_KEY") or "").strip()
ARCHIVE_SIGNING_KEY_FILE = (env("ARCHIVE_SIGNING_KEY_FILE") or "").strip()
if ARCHIVE_SIGNING_KEY and ARCHIVE_SIGNING_KEY_FILE:
    raise ImproperlyConfigured("set ARCHIVE_SIGNING_KEY or ARCHIVE_SIGNING_KEY_FILE, not both")
TIMESTAMP_AUTHORITY_URL = (env("TIMESTAMP_AUTHORITY_URL") or "").strip()
TIMESTAMP_AUTHORITY_CA_FILE = (env("TIMESTAMP_AUTHORITY_CA_FILE") or "").strip()
# Browser captures (sources/browser/): Debian's Chromium driven by Playwright, every request
# through the fetcher; budgets like Perma's: the load, the whole capture, the bytes of all requests.
BROWSER_EXECUTABLE = env("BROWSER_EXECUTABLE") or "/usr/bin/chromium"
BROWSER_LOAD_TIMEOUT = _int("BROWSER_LOAD_TIMEOUT", 20)
BROWSER_CAPTURE_TIMEOUT = _int("BROWSER_CAPTURE_TIMEOUT", 60)
BROWSER_MAX_BYTES = _int("BROWSER_MAX_BYTES", 200 * 1024 * 1024)
if not 0 < BROWSER_LOAD_TIMEOUT <= BROWSER_CAPTURE_TIMEOUT:
    raise ImproperlyConfigured(
        "BROWSER_LOAD_TIMEOUT must be positive and at most BROWSER_CAPTURE_TIMEOUT"
    )
# An archived HTML page is captured again by the browser after its HTTP capture. Off by default
# without a broker (make run): tasks run in-process there, and a page would wait for Chromium.
BROWSER_CAPTURE_AFTER_HTTP = _flag("BROWSER_CAPTURE_AFTER_HTTP", bool(_broker_url))
# Celery's limits on one browser capture, above its own budget (which normally ends it first).
BROWSER_SOFT_TIME_LIMIT = _int("BROWSER_SOFT_TIME_LIMIT", BROWSER_CAPTURE_TIMEOUT + 60)
BROWSER_HARD_TIME_LIMIT = _int("BROWSER_HARD_TIME_LIMIT", BROWSER_SOFT_TIME_LIMIT + 30)

# Text extraction runs in a child process with these limits (sources/isolation.py): CPU seconds,
# address space in MB (so the child's resident memory stays below it) and wall-clock seconds.
TEXT_EXTRACTION_CPU_SECONDS = _int("TEXT_EXTRACTION_CPU_SECONDS", 30)
TEXT_EXTRACTION_MEMORY_MB = _int("TEXT_EXTRACTION_MEMORY_MB", 300)
TEXT_EXTRACTION_WALL_SECONDS = _int(
    "TEXT_EXTRACTION_WALL_SECONDS", TEXT_EXTRACTION_CPU_SECONDS + 15
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL") or "INFO"},
}
