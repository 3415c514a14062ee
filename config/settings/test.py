"""Test settings: only speed-ups over base (fast hasher, in-memory mail)."""

from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
# Tests decide per test whether Celery runs eagerly or against the real broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
GONGKAI_FIELD_KEY = "k2hX0n3a9rK9bqK3qT1fQ1m0cYx5rQkq1kQm8V2rW1s="
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
