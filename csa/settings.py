"""Settings for the community safety action-plan tracker.

Everything that differs between a laptop and production is read from the environment:
DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS. SQLite is the default so that the project
runs with nothing installed; PostgreSQL is the production database.
"""

import datetime
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
RUNNING_TESTS = "pytest" in sys.modules

# A one-off command (migrate, makemigrations --check, load_agreement) signs nothing that
# outlives it; serving does (sessions, CSRF, password reset links), so serving needs the key.
RUNNING_ONE_OFF_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or RUNNING_TESTS:
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    elif RUNNING_ONE_OFF_COMMAND:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the application refuses to start without "
            "a secret key of its own: set SECRET_KEY in the environment."
        )
elif SECRET_KEY == DEVELOPMENT_SECRET_KEY and not (DEBUG or RUNNING_TESTS):
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key. With DEBUG off, set a long random SECRET_KEY."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for govuk.forms.GovukRenderer
    "simple_history",
    "django_filters",
    "django_htmx",
    "govuk",  # the GOV.UK forms layer: field templates, no models
    "governance",
    "csa",
    "actions",
    "plans",
    "meetings",
    "reminders",
    "people",
    "bench",  # the synthetic-data generator command; no models
    "devmail",  # sent mail in the browser, routed only with DEBUG on; no models
]

MIDDLEWARE = [
    # Cache hit or miss, database and Python time of each response (governance.timing).
    "governance.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Reads the data stamp once a request, for every cached part (governance.freshness).
    "governance.freshness.FreshnessMiddleware",
    # The partnership in the address: /p/<slug>/... (governance.middleware).
    "governance.middleware.PartnershipMiddleware",
    "governance.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csa.urls"
WSGI_APPLICATION = "csa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.site",
            ],
        },
    },
    {
        # The long tables and charts of the chair's pages, from <app>/jinja2/ (actions.jinja_env).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "actions.jinja_env.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the development server and a command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Writers queue for the lock at BEGIN instead of failing half-way ("locked").
            "transaction_mode": "IMMEDIATE",
        }
    )
RANDOM_PAGE_COST = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1").strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and RANDOM_PAGE_COST:
    # The planner's price of reading a page out of order. PostgreSQL's default (4) is for
    # spinning disks; on SSDs or a warm cache 1.1 is the usual advice, and with it a page's
    # leads are read by index (0.4 ms at national scale) instead of hashing every
    # organisation and body in the country (3 ms). Set per connection, so that nothing is
    # asked of the server's configuration; DATABASE_RANDOM_PAGE_COST= (empty) keeps the
    # server's own.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    cost = float(RANDOM_PAGE_COST)  # a number, or the setting fails here rather than later
    options["options"] = f"{options.get('options', '')} -c random_page_cost={cost}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered parts of the busiest pages (governance.freshness), kept in the database
# (governance.page_cache): shared by every worker and server, with nothing more to start. The
# key carries the data stamps read on every request, so a change made through any process is
# seen by all at once. TIMEOUT bounds a change that bypassed the stamp, and how long a part is
# kept. Each viewer's access (governance.access) is small and cheap to work out again: each
# process keeps its own, and reads no row for it. PAGE_CACHE_SECONDS=0 turns both off: every
# page is worked out afresh.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
if PAGE_CACHE_SECONDS:
    CACHES = {
        "default": {
            "BACKEND": "governance.page_cache.PageCache",
            "LOCATION": "page_cache",  # governance.models.PageCacheEntry
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "5000"))},
        },
        "access": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "access",
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
else:
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache", "TIMEOUT": 0}
        for alias in ("default", "access")
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while the username or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing the demo accounts when DEBUG is off.
    "governance.auth.SignInBackend",
]

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for a username,
# or from an address, both are refused for LOGIN_LOCKOUT_MINUTES, on /accounts/login/ and
# /admin/login/ alike. An admin unlocks earlier by deleting the access attempts in the admin.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "60")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "governance.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "governance.auth.client_ip"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the files WhiteNoise serves (hashed names when DEBUG is off).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or RUNNING_TESTS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The largest request body and the size above which an upload goes to a temporary file: a form
# holds at most 100,000 characters of minutes, which fits well within 2 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Content Security Policy: our own scripts and styles only; inline scripts carry a nonce.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

if not DEBUG and not RUNNING_TESTS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Behind a reverse proxy that terminates TLS, the proxy says whether the request came over
# HTTPS. Trusted only when configured: on a server reached directly, anyone can send the
# header, and it would bypass the HTTPS redirect and mark a plain-HTTP request secure.
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO", False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# What the chair's dashboard calls "due soon" and "stale", in days.
DUE_SOON_DAYS = int(os.environ.get("DUE_SOON_DAYS", "30"))
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", "60"))

SITE_NAME = os.environ.get("SITE_NAME", "Community Safety Action Plans")

# --- Mail (issue 14) -----------------------------------------------------------------------
# SMTP from the environment, with Django's own names, built into Django 6.1's MAILERS (the
# EMAIL_* settings themselves are deprecated there). Invitations and password-reset links are
# keys to accounts: they go by SMTP or, in development only, to the console. Serving with
# DEBUG off and no EMAIL_HOST is refused, as a missing SECRET_KEY is; a one-off command
# (migrate, check --deploy) may run, but any mail it tries to send fails loudly.
# The environment's names are Django's, but the settings must not be: Django 6.1 refuses
# EMAIL_HOST and friends as settings beside MAILERS, hence the lower-case locals.
_email_host = os.environ.get("EMAIL_HOST", "")
_email_use_ssl = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL",
    f"{SITE_NAME} <noreply@{(ALLOWED_HOSTS or ['localhost'])[0].lstrip('.')}>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("EMAIL_PORT", "465" if _email_use_ssl else "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "use_ssl": _email_use_ssl,
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
            },
        }
    }
elif DEBUG and not RUNNING_TESTS:
    # Development: the console, and a folder that /dev/mail/ shows (devmail), so that a
    # newcomer can click an invitation or a password-reset link in the browser.
    MAILERS = {"default": {"BACKEND": "devmail.backends.FolderEmailBackend"}}
elif DEBUG or RUNNING_TESTS:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
elif RUNNING_ONE_OFF_COMMAND:
    MAILERS = {"default": {"BACKEND": "governance.mail.NoMailConfiguredBackend"}}
else:
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set. With DEBUG off the application refuses to start without a "
        "mail server: invitations and password-reset links must reach people by email. Set "
        "EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or "
        "EMAIL_USE_SSL, DEFAULT_FROM_EMAIL as needed) in the environment."
    )
# Where the development mailer keeps what it sends, shown at /dev/mail/ (devmail). None with
# DEBUG off, and in tests (they send to a real SMTP server): the pages are then not routed.
SENT_MAIL_DIR = (
    Path(os.environ.get("SENT_MAIL_DIR", BASE_DIR / "sent-mail"))
    if DEBUG and not RUNNING_TESTS
    else None
)
# Where links in emails and calendar feeds point when no request says (a command's mail).
SITE_URL = os.environ.get(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
).rstrip("/")
# How long a password-reset link works, and an invitation.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 24)))
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
# --- end of mail ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's own loggers write through the same handler once: left to Django's defaults,
    # they would print through theirs and again through the root's.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# History: one index on (object id, history date) serves every "as it stood" query.
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
