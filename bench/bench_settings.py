"""Settings for the submission benchmark: the product as deployed (Redis broker, DEBUG
off) plus a bare create endpoint to compare against; throttling lifted for the load."""

from config.settings.base import *  # noqa: F403
from config.settings.base import REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bench_urls"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "public_submit": "100000000/hour",
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
