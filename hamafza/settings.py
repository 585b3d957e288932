"""Hamafza settings: one file, read from the environment, safe by default.

Production is the default: DEBUG is off, cookies are secure, HSTS is on and two-factor
sign-in is required for staff roles. `make demo` turns on DEBUG and HAMAFZA_DEMO.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("HAMAFZA_DEMO", False)
TESTING = env_bool("HAMAFZA_TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or TESTING:
        # Only for local demo and tests; production must set SECRET_KEY.
        SECRET_KEY = "insecure-local-only-" + "hamafza-demo-key-not-for-production-use-0123456789"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (or run with DEBUG=1 / HAMAFZA_DEMO=1).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or DEMO) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "hamafza.persian",
    "hamafza.core",
    "hamafza.accounts",
    "hamafza.registry",
    "hamafza.decisions",
    "hamafza.followup",
    "hamafza.cases",
    "hamafza.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hamafza.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hamafza.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hamafza.urls"
FORM_RENDERER = "hamafza.core.forms.Renderer"
CSRF_FAILURE_VIEW = "hamafza.core.views.csrf_failure"
WSGI_APPLICATION = "hamafza.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hamafza.core.context_processors.navigation",
            ],
            "builtins": ["hamafza.persian.templatetags.persian"],
        },
    }
]

# Database: SQLite file in the project by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'hamafza.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run beside a writer; IMMEDIATE avoids lock upgrades failing.
            # Connections are kept (CONN_MAX_AGE) so their page cache stays warm; a bigger
            # cache and memory-mapped reads serve the 100,000-row registry from memory.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
            "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    # Tests use a file, not memory: writers then wait for each other (WAL, busy timeout)
    # exactly as in deployment, which the concurrency tests rely on.
    DATABASES["default"]["TEST"] = {
        "NAME": str(PROJECT_DIR / "var" / f"test-{os.getpid()}.sqlite3")  # one per test run
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hamafza.accounts.backends.Backend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Fast hashing keeps the test suite quick; never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Two-factor sign-in for staff, board, directorate and administrators.
REQUIRE_2FA = env_bool("HAMAFZA_REQUIRE_2FA", not DEMO)
OTP_TOTP_ISSUER = "Hamafza"

# Sign-in throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("HAMAFZA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("HAMAFZA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "hamafza.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy (HAMAFZA_BEHIND_PROXY=1), the client's address is the last entry of
# X-Forwarded-For, the one our proxy appended; otherwise every visitor would share the proxy's
# address and one person's failures would lock everyone (hamafza.accounts.throttling).
BEHIND_PROXY = env_bool("HAMAFZA_BEHIND_PROXY", False)
AXES_CLIENT_IP_CALLABLE = "hamafza.accounts.throttling.client_address"

# Language, time, numbers.
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

# Static files: our own and those npm installs, all served by the app itself.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "var" / "static"))
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/vazirmatn", NODE_MODULES / "vazirmatn"),
    ("vendor/jalalidatepicker", NODE_MODULES / "@majidh1" / "jalalidatepicker" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / "var" / "media"))
# Uploaded files are never served directly: views check permissions and stream them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: secure cookies and HSTS outside debug; a strict CSP everywhere.
HTTPS = env_bool("HAMAFZA_HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("HAMAFZA_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("HAMAFZA_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# E-mail: the console in demo, debug and tests; SMTP (settings from the environment) otherwise.
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend" if TESTING else _email_backend,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if _email_backend.endswith("smtp.EmailBackend") and not TESTING
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hamafza@localhost")

# SMS: a pluggable backend (hamafza.core.sms); the console in demo, debug and tests.
SMS_BACKEND = os.environ.get(
    "HAMAFZA_SMS_BACKEND",
    "hamafza.core.sms.LocmemBackend" if TESTING else "hamafza.core.sms.ConsoleBackend",
)
# The address people use, for links in e-mail and SMS.
HAMAFZA_SITE_URL = os.environ.get("HAMAFZA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Overdue actions past this many days are put on the board's next meeting by `hamafza tick`.
HAMAFZA_ESCALATION_GRACE_DAYS = int(os.environ.get("HAMAFZA_ESCALATION_GRACE_DAYS", "14"))
# Owners are reminded this many days before an action's due date.
HAMAFZA_REMINDER_DAYS = int(os.environ.get("HAMAFZA_REMINDER_DAYS", "3"))
# Cases: a resolved or rejected case closes by itself this many days after, unless the
# cooperative confirms it sooner; it may be reopened this many days after its outcome; a
# service-level warning goes out once this share (percent) of the target time has passed.
HAMAFZA_CASE_CLOSE_DAYS = int(os.environ.get("HAMAFZA_CASE_CLOSE_DAYS", "14"))
HAMAFZA_CASE_REOPEN_DAYS = int(os.environ.get("HAMAFZA_CASE_REOPEN_DAYS", "30"))
HAMAFZA_CASE_WARN_PERCENT = int(os.environ.get("HAMAFZA_CASE_WARN_PERCENT", "75"))

# The province this installation serves (reference data is loaded for it by migrate).
HAMAFZA_PROVINCE = os.environ.get("HAMAFZA_PROVINCE", "خراسان رضوی")
HAMAFZA_CHAMBER_NAME = os.environ.get("HAMAFZA_CHAMBER_NAME", "اتاق تعاون خراسان رضوی")

# Cache: files under var/ by default, shared by the app's processes on one machine (import
# progress); point CACHE_LOCATION at shared storage when scaling out.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if TESTING
        else "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_LOCATION", str(PROJECT_DIR / "var" / "cache")),
    }
}

# Background tasks: an in-process thread pool (hamafza.core.tasks); immediate in tests.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "hamafza.core.tasks.ThreadBackend"
    }
}

# API tokens live this many days.
API_TOKEN_DAYS = int(os.environ.get("HAMAFZA_API_TOKEN_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
