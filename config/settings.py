"""동네가게 settings: one module, read from the environment (12-factor).

Every variable has a safe development default so that `make run` works with nothing set:
SQLite, local-memory cache, in-memory channel layer and eager Celery. `DATABASE_URL` and
`REDIS_URL` switch to the full stack. See README.md for the table of variables.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (development default)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters when DJANGO_DEBUG=0.")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "channels",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "accounts",
    "shop",
    "feed",
    "community",
    "crm",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "feed.middleware.VisitorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.mall",
                "shop.context_processors.shared_copy",
            ],
            "builtins": ["config.templatetags.won"],
        },
    },
]

SQLITE_PATH = env.str("DJANGO_SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
# 0 by default: under ASGI (daphne) every request runs on a fresh thread, so persistent connections pile up
# until PostgreSQL refuses new ones. Raise it only for WSGI workers (gunicorn); use PgBouncer to pool under ASGI.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and background writes share the file.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "shop:home"
LOGOUT_REDIRECT_URL = "shop:home"

# Social log-in (django-allauth's kakao and naver providers). A provider is offered only when its keys are set.
# Our own pages do password log-in and sign-up; allauth only runs the social flow (accounts/social.py): its sign-up
# form still asks for the nickname and both marketing consents, and it links to an existing account only by an
# e-mail the provider has verified.
SOCIALACCOUNT_PROVIDERS: dict = {}
for _provider, _prefix in (("kakao", "KAKAO"), ("naver", "NAVER")):
    _client_id = env.str(f"{_prefix}_CLIENT_ID", default="")
    if _client_id:
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": env.str(f"{_prefix}_SECRET", default=""), "key": ""}]
        }
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.social.SocialSignupForm"}
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.PooledClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    # Django's default of 300 entries would keep evicting the catalog's cached pages (hundreds of sort/page/filter
    # combinations), so the embedded cache holds more.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "donggeu",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Per process, never shared, in front of the shared cache: page-shell fragments that only change with a deploy
# (footer, tab bar: {% cache ... using="local" %}) and, for a few seconds, the shared catalog grids, so a page
# view does not pay a Redis round trip for each of them.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "donggeu-local",
    "OPTIONS": {"MAX_ENTRIES": 1_000},  # grids are ~25 KB: at most ~25 MB per process
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Celery: eager without a broker so that `make run` needs nothing else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Loyalty (shop): Seoul time, quiet hours. Reminders go out after 08:00 so nobody is woken by them.
    "shop-points-expire": {"task": "shop.points_expire", "schedule": crontab(hour=0, minute=10)},
    "shop-subscriptions-run-due": {"task": "shop.subscriptions_run_due", "schedule": crontab(hour=6, minute=0)},
    "shop-subscriptions-remind": {"task": "shop.subscriptions_remind", "schedule": crontab(hour=10, minute=0)},
    # Orders (shop): unpaid bank transfers past their deadline and unanswered card payments give their stock back.
    "shop-orders-expire-unpaid": {"task": "shop.orders_expire_unpaid", "schedule": crontab(minute="*/10")},
    "shop-carts-delete-abandoned": {"task": "shop.carts_delete_abandoned", "schedule": crontab(hour=4, minute=30)},
    # Feed: buffered behaviour events to PostgreSQL every 2 s; carts left alone get their nudge.
    "feed-flush-events": {"task": "feed.flush_events", "schedule": 2.0},
    "feed-abandoned-carts": {"task": "feed.abandoned_carts", "schedule": 300.0},
    # Feed behaviour data: tomorrow's event partitions and the retention (whole old days dropped) after midnight;
    # per-customer daily rollups of today every 15 min (crm's incremental segmentation reads them) and of the
    # previous two days once after midnight (late beacons are accepted up to 24 h after the fact).
    "feed-events-maintain": {"task": "feed.events_maintain", "schedule": crontab(hour=0, minute=20)},
    "feed-activity-rollup-today": {"task": "feed.activity_rollup_today", "schedule": crontab(minute="*/15")},
    "feed-activity-rollup-previous": {"task": "feed.activity_rollup_previous", "schedule": crontab(hour=0, minute=40)},
}
# Feed: write-behind buffer for tracked events (Redis list, flushed by the beat task above); nudge daily cap,
# social-proof minimum and the attribution window for orders after a nudge or greeting benefit.
FEED_EVENT_BUFFER = env.bool("FEED_EVENT_BUFFER", default=False) and bool(REDIS_URL)
FEED_NUDGE_DAILY_CAP = env.int("FEED_NUDGE_DAILY_CAP", default=3)
FEED_SOCIAL_PROOF_MIN_VIEWERS = env.int("FEED_SOCIAL_PROOF_MIN_VIEWERS", default=3)
FEED_ATTRIBUTION_DAYS = env.int("FEED_ATTRIBUTION_DAYS", default=7)
# Raw behaviour events are kept this many days (whole days dropped nightly); the daily rollups stay. The privacy
# page (/privacy/) states the figure.
FEED_EVENT_RETENTION_DAYS = env.int("FEED_EVENT_RETENTION_DAYS", default=90)
# Heartbeat (config/tasks.py): beat -> broker -> worker -> cache, so the whole scheduling chain is observable.
BEAT_HEARTBEAT_SECONDS = env.int("BEAT_HEARTBEAT_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["config-heartbeat"] = {"task": "config.heartbeat", "schedule": BEAT_HEARTBEAT_SECONDS}
CELERY_IMPORTS = ("config.tasks",)
# CRM household essentials: "세제 떨어질 때 됐죠?" feed reminders for the current run, daily at 10:00 Seoul.
CELERY_BEAT_SCHEDULE["crm-essentials-remind"] = {
    "task": "crm.essentials_remind",
    "schedule": crontab(hour=10, minute=0),
}
CELERY_IMPORTS += ("crm.tasks_households",)
# CRM campaigns: scheduled campaigns start within a minute of their time; recipients per delivery batch task. The
# marketing-consent notice (정보통신망법 제50조 ⑧, every two years per customer) goes out daily at 10:30 Seoul.
CELERY_BEAT_SCHEDULE["crm-campaigns-due"] = {"task": "crm.campaigns_due", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["crm-consent-notices"] = {"task": "crm.consent_notices", "schedule": crontab(hour=10, minute=30)}
CELERY_IMPORTS += ("crm.tasks_campaigns",)
CRM_CAMPAIGN_BATCH = env.int("CRM_CAMPAIGN_BATCH", default=5000)
# CRM surveys (delivered in batches after sending) and 오늘 챙길 단골: each member's list is built at 07:30 Seoul.
CELERY_BEAT_SCHEDULE["crm-rounds-build"] = {"task": "crm.rounds_build", "schedule": crontab(hour=7, minute=30)}
CELERY_IMPORTS += ("crm.tasks_engagement",)
# CRM segmentation (crm.tasks): a full recompute nightly and an incremental run every 15 minutes. With a broker, beat
# keeps its schedule in the database (django-celery-beat): these entries are written there once, then admins change
# them in Django admin (주기적 작업) without a deploy, and a restart keeps their edits (config.beat).
CELERY_BEAT_SCHEDULE["crm-segmentation-full"] = {
    "task": "crm.segmentation_scheduled",
    "schedule": crontab(hour=3, minute=30),
    "kwargs": {"kind": "full"},
}
CELERY_BEAT_SCHEDULE["crm-segmentation-incremental"] = {
    "task": "crm.segmentation_scheduled",
    "schedule": crontab(minute="*/15"),
    "kwargs": {"kind": "incremental"},
}
BEAT_ADMIN_OWNED_ENTRIES = ("crm-segmentation-full", "crm-segmentation-incremental")
if CELERY_BROKER_URL:
    CELERY_BEAT_SCHEDULER = "config.beat:DatabaseScheduler"
# Customers per range task of a full run (workers compute ranges in parallel), and how long a run may go without
# reporting progress before the next start marks it failed (a dead worker never blocks runs for good).
CRM_SEGMENTATION_CHUNK = env.int("CRM_SEGMENTATION_CHUNK", default=50_000)
CRM_SEGMENTATION_STALE_MINUTES = env.int("CRM_SEGMENTATION_STALE_MINUTES", default=30)
# 1:1 문의: messages per user per minute, the first-response target the inbox highlights, and the team (slug) that
# gets a question about no shop from a customer in no team's segment (empty: the oldest team).
CRM_CHAT_MESSAGES_PER_MINUTE = env.int("CRM_CHAT_MESSAGES_PER_MINUTE", default=30)
CRM_CHAT_FIRST_RESPONSE_MINUTES = env.int("CRM_CHAT_FIRST_RESPONSE_MINUTES", default=30)
CRM_CHAT_DEFAULT_TEAM = env.str("CRM_CHAT_DEFAULT_TEAM", default="")
# Beat answers `celery inspect ping -d celerybeat@<host>` (its container healthcheck) while it keeps ticking.
CELERY_BEAT_ENABLE_REMOTE_CONTROL = True

# Points (적립금): earned on delivery as a percentage of the amount paid, expiring after a period.
POINTS_EARN_RATE_PERCENT = env.int("POINTS_EARN_RATE_PERCENT", default=1)
POINTS_EXPIRY_DAYS = env.int("POINTS_EXPIRY_DAYS", default=365)

# Community boards (동네생활): how close to a 동's centroid a browser location must be to verify it, how far a
# reader's "nearby" reaches, and how many reports hide a post, comment or review until a moderator looks at it.
COMMUNITY_NEIGHBOURHOOD_RADIUS_M = env.int("COMMUNITY_NEIGHBOURHOOD_RADIUS_M", default=1500)
COMMUNITY_NEARBY_RADIUS_M = env.int("COMMUNITY_NEARBY_RADIUS_M", default=3000)
COMMUNITY_AUTO_HIDE_REPORTS = env.int("COMMUNITY_AUTO_HIDE_REPORTS", default=5)
# 집들이 and every community picture: upload caps (bytes, pixels: decompression bombs are refused from the header)
# and per-person limits on new tours, photo uploads and comments.
COMMUNITY_IMAGE_MAX_BYTES = env.int("COMMUNITY_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
COMMUNITY_IMAGE_MAX_PIXELS = env.int("COMMUNITY_IMAGE_MAX_PIXELS", default=40_000_000)
COMMUNITY_TOURS_PER_HOUR = env.int("COMMUNITY_TOURS_PER_HOUR", default=10)
COMMUNITY_PHOTOS_PER_HOUR = env.int("COMMUNITY_PHOTOS_PER_HOUR", default=120)
COMMUNITY_COMMENTS_PER_MINUTE = env.int("COMMUNITY_COMMENTS_PER_MINUTE", default=5)
CELERY_BEAT_SCHEDULE["community-tour-views-prune"] = {
    "task": "community.tour_views_prune",
    "schedule": crontab(hour=4, minute=40),
}

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="동네가게 <hello@donggeu.example>")
# Order notices (shop.notifications): e-mail always; 카카오 알림톡 through the sending provider when all three keys
# are set. SITE_URL makes the links in them absolute.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
KAKAO_ALIMTALK_API_URL = env.str("KAKAO_ALIMTALK_API_URL", default="https://api-alimtalk.cloud.toast.com")
KAKAO_ALIMTALK_APP_KEY = env.str("KAKAO_ALIMTALK_APP_KEY", default="")
KAKAO_ALIMTALK_SECRET_KEY = env.str("KAKAO_ALIMTALK_SECRET_KEY", default="")
KAKAO_ALIMTALK_SENDER_KEY = env.str("KAKAO_ALIMTALK_SENDER_KEY", default="")
# 우편번호 찾기 on address forms: the Daum/Kakao postcode widget (only its provider can serve it); empty turns it off.
POSTCODE_SCRIPT_URL = env.str(
    "POSTCODE_SCRIPT_URL", default="https://t1.kakaocdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js"
)

# Payments (shop.payments): "demo" (the built-in practice provider) or "toss" (토스페이먼츠). With DJANGO_DEBUG=0,
# `check --deploy` refuses the demo provider unless SHOP_ALLOW_DEMO_PAYMENTS=1 says it is meant (shop.checks).
SHOP_PAYMENT_PROVIDER = env.str("SHOP_PAYMENT_PROVIDER", default="demo")
SHOP_ALLOW_DEMO_PAYMENTS = env.bool("SHOP_ALLOW_DEMO_PAYMENTS", default=False)
TOSS_CLIENT_KEY = env.str("TOSS_CLIENT_KEY", default="")
TOSS_SECRET_KEY = env.str("TOSS_SECRET_KEY", default="")
TOSS_API_BASE = env.str("TOSS_API_BASE", default="https://api.tosspayments.com")
# The payment widget's SDK (only Toss can serve it); loaded on the checkout page alone.
TOSS_WIDGET_SCRIPT_URL = env.str("TOSS_WIDGET_SCRIPT_URL", default="https://js.tosspayments.com/v2/standard")
# Confirms left unsettled (a timeout, a crash between Toss's answer and our write) are settled or refunded by beat.
CELERY_BEAT_SCHEDULE["shop-payments-reconcile"] = {"task": "shop.payments_reconcile", "schedule": crontab(minute="*/5")}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["config.api.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.StrictPageNumberPagination",
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "동네가게 API",
    "DESCRIPTION": "동네가게 mall API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response shapes apart: a request's required text fields say minLength 1, read-only ones vanish.
    "COMPONENT_SPLIT_REQUEST": True,
}

# How many of our own reverse proxies (nginx) stand in front of the app, each appending the peer's address to
# X-Forwarded-For: the brute-force limits count per visitor address (config.ratelimit.client_ip).
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container healthchecks probe plain HTTP inside the network
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

SPECTACULAR_SETTINGS.update(
    {
        # Swagger UI from drf-spectacular-sidecar's static files: no CDN at run time.
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        # One schema name per choice set that several serializers share (keeps the schema, and check --deploy, clean).
        "ENUM_NAME_OVERRIDES": {
            "OrderStatusEnum": "shop.models.orders.OrderStatus",
            "PaymentMethodEnum": "shop.models.payments.PaymentMethod",
            "PaymentStatusEnum": "shop.models.payments.PaymentStatus",
        },
    }
)
