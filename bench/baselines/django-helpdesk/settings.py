"""Settings of the django-helpdesk baseline for Rapport's ingest benchmark (see README.md).

A minimal production-style Django project around django-helpdesk: DEBUG off, SQLite in WAL mode with the
same durability as Rapport's SQLite backend (synchronous=FULL, 10 s busy timeout), helpdesk's REST API on
(`/api/tickets/` via Django REST framework) with DRF token authentication, and an e-mail backend that
renders every notification helpdesk sends but delivers nothing.

run.sh sets the environment variables read here; nothing in this file is a secret (the server only ever
listens on 127.0.0.1 and its database is thrown away after the run).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# run.sh points this at a fresh scratch folder per run; the default is only for `manage.py` by hand.
STATE_DIR = Path(os.environ.get("DH_STATE_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DH_SECRET_KEY", "rapport-bench-baseline-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # helpdesk builds e-mail links from the current Site
    "django.contrib.humanize",  # helpdesk templates
    "rest_framework",
    "rest_framework.authtoken",  # the token the load generator sends
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite like Rapport's: WAL (set persistently on the file by run.sh), synchronous=FULL, busy timeout 10 s.
# BEGIN IMMEDIATE (Django >= 5.1) so concurrent writers wait on the busy timeout instead of failing with
# "database is locked" when a read transaction tries to upgrade to a write.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DH_DB_PATH", str(STATE_DIR / "helpdesk.sqlite3")),
        "OPTIONS": {
            "timeout": 10,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        },
    }
}
# DH_ATOMIC_REQUESTS=1 wraps each request in one transaction (Django's ATOMIC_REQUESTS); the default is
# Django's autocommit, where each of helpdesk's ORM writes commits (and fsyncs) on its own. README.md
# compares both.
DATABASES["default"]["ATOMIC_REQUESTS"] = os.environ.get("DH_ATOMIC_REQUESTS", "0") == "1"

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(STATE_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = str(STATE_DIR / "media")

LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"

# Django REST framework: token auth only (one indexed lookup per request, like Rapport's bearer token).
# Basic auth would run Django's PBKDF2 password hash (1,000,000 iterations) on every request and measure
# that instead of ticket creation.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# django-helpdesk. The API switch is HELPDESK_API_ENABLED in 2.x (True by default; older releases called it
# HELPDESK_ACTIVATE_API_ENDPOINT). Teams mode would need pinax-teams, which the API does not use.
# The knowledge base stays at its default (on): 2.6.1's urls.py fails to import with it off.
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False

# helpdesk e-mails the submitter on every new ticket ("newticket_submitter"); the message is rendered from
# its database template as usual, then dropped by the dummy backend: nothing leaves the machine and nothing
# piles up in memory (the locmem backend would keep every message).
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"
SERVER_EMAIL = "helpdesk@example.com"

# Errors to gunicorn's stderr; no per-request logging (gunicorn's access log is off too).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
