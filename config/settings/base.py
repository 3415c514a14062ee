"""Base settings: the whole application, every deployment-specific value from the environment.

With nothing set, the product runs on the embedded default: SQLite in the project folder and
Celery in eager mode. ``DATABASE_URL`` switches to PostgreSQL, ``CELERY_BROKER_URL`` (or
``REDIS_URL``) to Redis.
"""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="insecure-local-development-key-change-me-0123456789abcdef",
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "disclosure",
    "requests_app",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "disclosure.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL restarts must not need an app restart: health-check reused connections.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "disclosure.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Collected static files (production: ``collectstatic``); until then WhiteNoise serves
# straight from the app and project folders.
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=None)
WHITENOISE_USE_FINDERS = True
# Uploaded attachments and generated letters live outside the web root and are served
# only through views that check access (never through MEDIA_URL).
MEDIA_ROOT = env.path("GONGKAI_PRIVATE_ROOT", default=BASE_DIR / "private")
MEDIA_URL = "/private-media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://gongkai")}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="gongkai@localhost")

# --- REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "disclosure.api_tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "disclosure.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_submit": env("GONGKAI_SUBMIT_RATE", default="20/hour"),
        "public_track": env("GONGKAI_TRACK_RATE", default="120/hour"),
        "token": "30/minute",
    },
    # How many trusted proxies (TLS terminator, load balancer) sit in front, each
    # appending to X-Forwarded-For. 0 ignores the header (REMOTE_ADDR is the client);
    # left at 0 behind a proxy, every visitor shares the proxy's rate limits.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongkai 政府信息公开申请办理 API",
    "DESCRIPTION": "Public application API and staff case-management API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
# No broker configured: the embedded default runs tasks in-process (eager).
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Publishing happens right after the commit, inside the web request: a dead broker
# (connection refused) fails in milliseconds, a hung one within these timeouts, and the
# outbox keeps the work for the drain. The socket timeout stays above the 1 s BRPOP
# timeout of the worker's Redis transport.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    # An unacknowledged task (its worker died) is redelivered after this many seconds;
    # it must exceed the longest task time limit.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_BEAT_SCHEDULE = {
    # Every day at 07:00 Beijing time: close lapsed cases, send reminders and overdue notices.
    "deadlines-sweep": {
        "task": "requests_app.tasks.deadlines_sweep_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every minute: hand work kept in the outbox (broker was down) to the broker.
    "outbox-drain": {
        "task": "requests_app.tasks.outbox_drain_task",
        "schedule": 60.0,
    },
}

# --- Gongkai ---------------------------------------------------------------------------
# Fernet key for identity numbers at rest; without it one is derived from SECRET_KEY.
GONGKAI_FIELD_KEY = env("GONGKAI_FIELD_KEY", default="")
# Staff API tokens expire this many hours after they are issued.
GONGKAI_API_TOKEN_HOURS = env.int("GONGKAI_API_TOKEN_HOURS", default=12)
GONGKAI_REMINDER_WORKDAYS = env.list(
    "GONGKAI_REMINDER_WORKDAYS", cast=int, default=[5, 1]
)
GONGKAI_MAX_ATTACHMENT_BYTES = env.int(
    "GONGKAI_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024
)
GONGKAI_ATTACHMENT_RETENTION_DAYS = env.int(
    "GONGKAI_ATTACHMENT_RETENTION_DAYS", default=3650
)
GONGKAI_SITE_URL = env("GONGKAI_SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
