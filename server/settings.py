"""Settings, read from the environment in one place, once, into a frozen object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEV_SECRET = "dev-insecure-secret-change-me"
ENVIRONMENTS = ("development", "test", "production")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'mentorhub.sqlite3'}"
    redis_url: str | None = None
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_origins: tuple[str, ...] = ()
    max_message_bytes: int = 1024 * 1024
    max_awareness_bytes: int = 64 * 1024
    max_pending_bytes: int = 1024 * 1024
    # the size quota of each curriculum (collab/quota.py)
    max_document_bytes: int = 4 * 1024 * 1024
    max_items: int = 500
    max_goals: int = 100
    max_notes_bytes: int = 64 * 1024
    max_resume_bytes: int = 64 * 1024
    rate_limit_per_second: float = 500.0
    rate_limit_burst: int = 2000
    send_queue_messages: int = 2000
    compact_threshold: int = 500
    log_level: str = "info"
    log_format: str = "text"
    catch_up_seconds: float = 30.0
    read_model_delay_seconds: float = 0.5
    oidc_issuer: str | None = None
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    oidc_provider_name: str = ""
    session_max_age_seconds: int = 14 * 24 * 3600
    dev_sign_in: bool = False
    sign_in_rate_limit: int = 10  # per client IP and minute
    max_body_bytes: int = 1024 * 1024
    source_commit: str | None = None  # the commit a build platform says it deployed
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed
    # -- people and notifications (docs/notifications.md) --
    smtp_host: str | None = None  # unset: emails are logged, not sent
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "mentorHub <mentorhub@localhost>"
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = 20.0
    email_retry_seconds: float = 30.0
    email_max_attempts: int = 8
    # certificates (docs/certificates.md): the issuer's public URL, the signing keys' password
    public_url: str | None = None  # unset: the URL each request arrived at
    certificate_key_password: str | None = None  # unset: derived from SECRET_KEY
    # dashboards and the workload warning (docs/dashboards.md)
    default_hours_per_week: float = 5.0
    stalled_after_days: int = 14
    workload_horizon_weeks: int = 2
    # joining (docs/joining.md): where a new person books their introduction meeting
    introduction_booking_url: str | None = None  # unset: staff write to arrange it
    access_change_poll_seconds: float = 1.0  # how soon a change made elsewhere closes connections
    # a testing aid: the processing of each connection's frames pauses this long, in turn
    collab_processing_pause_ms: int = 0

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def masked(self) -> dict[str, object]:
        """The settings with secrets and credentials hidden, for /version and logs."""
        shown = asdict(self)
        shown["secret_key"] = "***"
        shown["oidc_client_secret"] = "***" if self.oidc_client_secret else ""
        shown["smtp_password"] = "***" if self.smtp_password else ""
        shown["certificate_key_password"] = "***" if self.certificate_key_password else None
        shown["database_url"] = _mask_url(self.database_url)
        shown["redis_url"] = _mask_url(self.redis_url) if self.redis_url else None
        shown["allowed_origins"] = list(self.allowed_origins)
        shown["allowed_hosts"] = list(self.allowed_hosts)
        shown["trusted_proxies"] = list(self.trusted_proxies)
        return shown

    @property
    def dev_sign_in_enabled(self) -> bool:
        """Dev sign-in exists only when asked for, and never in production."""
        return self.dev_sign_in and self.environment in ("development", "test")

    @property
    def provider_name(self) -> str:
        """What the sign-in button says: "Sign in with <provider_name>"."""
        if self.oidc_provider_name:
            return self.oidc_provider_name
        return urlsplit(self.oidc_issuer or "").hostname or "your identity provider"


_SECRET_NAME = "(?:[a-z_]*pass(?:word|wd)?|pwd|[a-z_]*secret|[a-z_]*token|sslkey)"
_SECRET_PARAMETER = re.compile(rf"([?&;]{_SECRET_NAME}=)[^&;#]*", re.I)
_SECRET_KEYWORD = re.compile(rf"(\b{_SECRET_NAME}\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;]*)", re.I)


def _mask_url(url: str) -> str:
    """Hide every password a database or Redis URL can carry: `user:pw@host`, query
    parameters such as `?password=` or `sslpassword=`, and libpq keyword strings
    (`host=db user=app password=…`)."""
    scheme, sep, rest = url.partition("://")
    if sep:
        head, query_sep, query = rest.partition("?")
        creds, at, host = head.rpartition("@")
        if at and ":" in creds:
            head = f"{creds.split(':', 1)[0]}:***@{host}"
        query = _SECRET_PARAMETER.sub(_masked, query_sep + query)
        return f"{scheme}://{head}{query}"
    return _SECRET_KEYWORD.sub(_masked, url)


def _masked(found: re.Match[str]) -> str:
    return found.group(1) + "***"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _bool(name: str, raw: str | None, default: bool) -> bool:
    raw = (raw or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _http_url(name: str, raw: str | None, environment: str) -> str | None:
    """The URL setting `name` without its trailing slash, None if unset; https in production."""
    url = (raw or "").strip().rstrip("/") or None
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an http(s) URL, got {url!r}")
    if environment == "production" and parts.scheme != "https":
        raise SettingsError(f"{name} must use https in production")
    return url


def _oidc_issuer(env: Mapping[str, str], environment: str) -> str | None:
    issuer = _http_url("OIDC_ISSUER", env.get("OIDC_ISSUER"), environment)
    if issuer is None:
        return None
    if not env.get("OIDC_CLIENT_ID", "").strip():
        raise SettingsError("OIDC_CLIENT_ID must be set when OIDC_ISSUER is set")
    return issuer


def _log_format(env: Mapping[str, str], environment: str) -> str:
    fmt = env.get("LOG_FORMAT", "json" if environment == "production" else "text").lower()
    if fmt not in ("json", "text"):
        raise SettingsError(f"LOG_FORMAT must be json or text, got {fmt!r}")
    return fmt


def _public_url(env: Mapping[str, str], environment: str) -> str | None:
    url = _http_url("PUBLIC_URL", env.get("PUBLIC_URL"), environment)
    parts = urlsplit(url or "")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError("PUBLIC_URL takes no query, fragment or credentials")
    return url


def _certificate_key_password(env: Mapping[str, str], environment: str) -> str | None:
    password = env.get("CERTIFICATE_KEY_PASSWORD") or None
    if password is not None and environment == "production" and len(password) < 32:
        raise SettingsError("CERTIFICATE_KEY_PASSWORD must be 32+ characters in production")
    return password


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from `env` (default: the process environment).

    Every name read here is documented in docs/settings.md; a test checks both agree.
    """
    env = os.environ if env is None else env
    defaults = Settings()
    environment = env.get("MENTORHUB_ENV", defaults.environment)
    if environment not in ENVIRONMENTS:
        raise SettingsError(f"MENTORHUB_ENV must be one of {', '.join(ENVIRONMENTS)}")
    secret = env.get("SECRET_KEY", defaults.secret_key)
    if environment == "production" and (secret == DEV_SECRET or len(secret) < 32):
        raise SettingsError(
            "SECRET_KEY must be set to a random value of 32+ characters in production"
        )
    dev_sign_in = _bool("DEV_SIGN_IN", env.get("DEV_SIGN_IN"), defaults.dev_sign_in)
    if environment == "production" and dev_sign_in:
        raise SettingsError("DEV_SIGN_IN=true is refused in production")
    processing_pause = _int(
        env, "COLLAB_PROCESSING_PAUSE_MS", defaults.collab_processing_pause_ms, minimum=0
    )
    if environment == "production" and processing_pause:
        raise SettingsError("COLLAB_PROCESSING_PAUSE_MS is a testing aid, refused in production")
    scopes = " ".join(env.get("OIDC_SCOPES", defaults.oidc_scopes).split())
    session_max_age = _int(env, "SESSION_MAX_AGE_SECONDS", defaults.session_max_age_seconds)
    sign_in_limit = _int(env, "SIGN_IN_RATE_LIMIT_PER_MINUTE", defaults.sign_in_rate_limit)
    read_model_delay = _float(env, "READ_MODEL_DELAY_SECONDS", defaults.read_model_delay_seconds)
    origins = tuple(
        o.strip().rstrip("/") for o in env.get("ALLOWED_ORIGINS", "").split(",") if o.strip()
    )
    hosts = tuple(h.strip().lower() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip())
    if environment == "production" and not hosts:
        raise SettingsError("ALLOWED_HOSTS must be set in production (e.g. mentorhub.example.org)")
    return Settings(
        environment=environment,
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        redis_url=env.get("REDIS_URL") or None,
        secret_key=secret,
        host=env.get("HOST", defaults.host),
        port=_int(env, "PORT", defaults.port, minimum=0),
        allowed_origins=origins,
        max_message_bytes=_int(env, "MAX_MESSAGE_BYTES", defaults.max_message_bytes, 1024),
        max_awareness_bytes=_int(env, "MAX_AWARENESS_BYTES", defaults.max_awareness_bytes, 256),
        max_pending_bytes=_int(env, "MAX_PENDING_BYTES", defaults.max_pending_bytes, 1024),
        max_document_bytes=_int(
            env, "MAX_DOCUMENT_BYTES", defaults.max_document_bytes, minimum=64 * 1024
        ),
        max_items=_int(env, "MAX_ITEMS_PER_CURRICULUM", defaults.max_items, minimum=1),
        max_goals=_int(env, "MAX_GOALS_PER_CURRICULUM", defaults.max_goals, minimum=1),
        max_notes_bytes=_int(env, "MAX_NOTES_BYTES", defaults.max_notes_bytes, minimum=1),
        max_resume_bytes=_int(env, "MAX_RESUME_BYTES", defaults.max_resume_bytes, minimum=1),
        rate_limit_per_second=_float(env, "RATE_LIMIT_PER_SECOND", defaults.rate_limit_per_second),
        rate_limit_burst=_int(env, "RATE_LIMIT_BURST", defaults.rate_limit_burst),
        send_queue_messages=_int(env, "SEND_QUEUE_MESSAGES", defaults.send_queue_messages),
        compact_threshold=_int(env, "COMPACT_THRESHOLD", defaults.compact_threshold, 2),
        log_level=env.get("LOG_LEVEL", defaults.log_level).lower(),
        log_format=_log_format(env, environment),
        catch_up_seconds=_float(env, "CATCH_UP_SECONDS", defaults.catch_up_seconds),
        read_model_delay_seconds=read_model_delay,
        oidc_issuer=_oidc_issuer(env, environment),
        oidc_client_id=env.get("OIDC_CLIENT_ID", "").strip(),
        oidc_client_secret=env.get("OIDC_CLIENT_SECRET", ""),
        oidc_scopes=scopes or defaults.oidc_scopes,
        oidc_provider_name=env.get("OIDC_PROVIDER_NAME", "").strip(),
        session_max_age_seconds=session_max_age,
        dev_sign_in=dev_sign_in,
        sign_in_rate_limit=sign_in_limit,
        max_body_bytes=_int(env, "MAX_BODY_BYTES", defaults.max_body_bytes, 1024),
        source_commit=env.get("SOURCE_VERSION") or env.get("GIT_COMMIT") or None,
        allowed_hosts=hosts or defaults.allowed_hosts,
        trusted_proxies=tuple(
            p.strip() for p in env.get("TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        **_email_settings(env, defaults),
        public_url=_public_url(env, environment),
        certificate_key_password=_certificate_key_password(env, environment),
        **_dashboard_settings(env, defaults),
        introduction_booking_url=_http_url(
            "INTRODUCTION_BOOKING_URL", env.get("INTRODUCTION_BOOKING_URL"), environment
        ),
        access_change_poll_seconds=_float(
            env, "ACCESS_CHANGE_POLL_SECONDS", defaults.access_change_poll_seconds
        ),
        collab_processing_pause_ms=processing_pause,
    )


def _email_settings(env: Mapping[str, str], defaults: Settings) -> dict[str, object]:
    """The SMTP settings of notifications (docs/notifications.md)."""
    starttls = _bool("SMTP_STARTTLS", env.get("SMTP_STARTTLS"), defaults.smtp_starttls)
    implicit_tls = _bool("SMTP_SSL", env.get("SMTP_SSL"), defaults.smtp_ssl)
    return {
        "smtp_host": env.get("SMTP_HOST", "").strip() or None,
        "smtp_port": _int(env, "SMTP_PORT", defaults.smtp_port),
        "smtp_user": env.get("SMTP_USER", ""),
        "smtp_password": env.get("SMTP_PASSWORD", ""),
        "smtp_from": env.get("SMTP_FROM", "").strip() or defaults.smtp_from,
        "smtp_starttls": starttls and not implicit_tls,
        "smtp_ssl": implicit_tls,
        "smtp_timeout_seconds": _float(env, "SMTP_TIMEOUT_SECONDS", defaults.smtp_timeout_seconds),
        "email_retry_seconds": _float(env, "EMAIL_RETRY_SECONDS", defaults.email_retry_seconds),
        "email_max_attempts": _int(env, "EMAIL_MAX_ATTEMPTS", defaults.email_max_attempts),
    }


def _dashboard_settings(env: Mapping[str, str], defaults: Settings) -> dict[str, object]:
    """The dashboards' and the workload warning's settings (docs/dashboards.md)."""
    hours = _float(env, "DEFAULT_HOURS_PER_WEEK", defaults.default_hours_per_week)
    if not 0 < hours <= 168:
        raise SettingsError("DEFAULT_HOURS_PER_WEEK must be a number of hours from 0 to 168")
    return {
        "default_hours_per_week": hours,
        "stalled_after_days": _int(env, "STALLED_AFTER_DAYS", defaults.stalled_after_days),
        "workload_horizon_weeks": _int(
            env, "WORKLOAD_HORIZON_WEEKS", defaults.workload_horizon_weeks
        ),
    }
