"""Django settings, derived from the option registry in `sociose.options` (the only place options are defined)."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import dj_database_url

from sociose import options

OPTIONS = options.load()  # raises OptionError naming the bad option; the CLI turns that into a clean exit


def _option(name):
    return OPTIONS[name].value


HOME = _option("home")
HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if _option("secret_key"):
        return _option("secret_key")
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _option("debug")
SITE_NAME = _option("site_name")
SITE_URL = _option("site_url").rstrip("/")
# The public host is allowed whatever the list says: a proxy passes it on, and refusing it would refuse every reader.
ALLOWED_HOSTS = list(dict.fromkeys([*_option("allowed_hosts"), options.url_host(SITE_URL)]))

# Behind a TLS proxy (docs/operate.md). The admin's forms are posted from the public origin, which is not the Host the
# proxy passes on once it drops the port; cookies of an https site must never travel over plain HTTP; HSTS is sent
# on the requests Django knows came over HTTPS, which behind a proxy means the header the proxy sets.
CSRF_TRUSTED_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = options.is_https(SITE_URL)
SECURE_HSTS_SECONDS = _option("hsts_seconds")
SECURE_HSTS_INCLUDE_SUBDOMAINS = _option("hsts_include_subdomains")
if _option("proxy_ssl_header"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _option("proxy_ssl_header").upper().replace("-", "_"), "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "sociose.core",
    "sociose.sources",
    "sociose.articles",
    "sociose.ingest",
    "sociose.stories",
    "sociose.desk",
    "sociose.api",
    "sociose.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sociose.site.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sociose.site.middleware.AllowedMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sociose.urls"
WSGI_APPLICATION = "sociose.wsgi.application"

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
                "sociose.site.context_processors.site",
            ],
        },
    },
]

# SQLite through Django's own backend, with its statements' placeholders rewritten once per text (core/sqlite/base.py)
SQLITE_ENGINE = "sociose.core.sqlite"
if _option("database_url"):
    DATABASES = {"default": dj_database_url.parse(_option("database_url"), conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
else:
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": HOME / "sociose.sqlite3",
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the write
                # lock up front, so concurrent writers wait (busy timeout) instead of failing mid-transaction.
                # The write-ahead log is folded into the database (a checkpoint, with an fsync) once it holds 4,000
                # pages (16 MB) rather than SQLite's default 1,000: a clustering batch writes 1,000-2,000 pages, so
                # with the default every commit paid a checkpoint, and the pages that every batch rewrites (term
                # counts, the index) were copied back batch after batch.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                                "PRAGMA wal_autocheckpoint=4000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if "postgresql" in DATABASES["default"]["ENGINE"]:
    INSTALLED_APPS.append("django.contrib.postgres")  # full-text search lookups (site/search.py)

if _option("redis_url"):
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": _option("redis_url"), "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Rendered pages are cached per process (keys carry each story's last change, so a change invalidates them);
# with several web processes, point this at Redis or Memcached to share one cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    if _option("page_cache") else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = _option("time_zone")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step on first run

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _option("log_level")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SOCIOSE = {name: value.value for name, value in OPTIONS.items()}
