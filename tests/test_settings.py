"""Settings: every one documented, production refuses a development secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.settings import DEV_SECRET, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


ENVIRONMENT_READS = [
    r'(?:environ|env)\.get\(\s*"([A-Z][A-Z0-9_]*)"',
    r'(?:environ|env)\[\s*"([A-Z][A-Z0-9_]*)"\s*\]',
    r'getenv\(\s*"([A-Z][A-Z0-9_]*)"',
    r'_(?:int|float)\(\s*env,\s*"([A-Z][A-Z0-9_]*)"',
]


def environment_reads() -> dict[str, set[str]]:
    """Every environment variable the project's code reads, by the file that reads it."""
    reads: dict[str, set[str]] = {}
    for package in ("server", "collab", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            names = {name for pattern in ENVIRONMENT_READS for name in re.findall(pattern, text)}
            if names or re.search(r"\bos\.environ\b|\bgetenv\b", text):
                reads[path.relative_to(ROOT).as_posix()] = names
    return reads


def test_every_environment_variable_read_is_documented_and_read_in_one_place():
    reads = environment_reads()
    assert set(reads) == {"server/settings.py"}, "settings are read in server/settings.py only"
    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs" / "settings.md").read_text(), re.M)
    )
    assert reads["server/settings.py"] == documented


def test_production_refuses_the_development_secret():
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings({"MENTORHUB_ENV": "production"})
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings({"MENTORHUB_ENV": "production", "SECRET_KEY": DEV_SECRET})
    with pytest.raises(SettingsError, match="ALLOWED_HOSTS must be set in production"):
        load_settings({"MENTORHUB_ENV": "production", "SECRET_KEY": "s" * 40})
    settings = load_settings(
        {"MENTORHUB_ENV": "production", "SECRET_KEY": "s" * 40, "ALLOWED_HOSTS": "example.org"}
    )
    assert settings.is_production and settings.allowed_hosts == ("example.org",)
    assert load_settings({}).allowed_hosts == ("localhost", "127.0.0.1")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"PORT": "eighty"}, "PORT must be a whole number"),
        ({"MAX_MESSAGE_BYTES": "10"}, "MAX_MESSAGE_BYTES must be at least"),
        ({"RATE_LIMIT_PER_SECOND": "-1"}, "RATE_LIMIT_PER_SECOND must be positive"),
        ({"MENTORHUB_ENV": "staging"}, "MENTORHUB_ENV must be one of"),
    ],
)
def test_malformed_settings_get_a_clear_error(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_masked_settings_hide_secrets_and_passwords():
    settings = load_settings(
        {
            "SECRET_KEY": "topsecret",
            "DATABASE_URL": "postgresql://app:hunter2@db/mentorhub",
            "REDIS_URL": "redis://:pw@cache:6379/0",
        }
    )
    shown = str(settings.masked())
    assert "topsecret" not in shown and "hunter2" not in shown and ":pw@" not in shown
    assert "postgresql://app:***@db/mentorhub" in shown


def test_dev_sign_in_never_in_production():
    production = {"MENTORHUB_ENV": "production", "SECRET_KEY": "s" * 40, "ALLOWED_HOSTS": "x.org"}
    with pytest.raises(SettingsError, match="DEV_SIGN_IN"):
        load_settings({**production, "DEV_SIGN_IN": "true"})
    assert load_settings({"MENTORHUB_ENV": "test", "DEV_SIGN_IN": "true"}).dev_sign_in_enabled
    assert not load_settings({"MENTORHUB_ENV": "test"}).dev_sign_in_enabled
    with pytest.raises(SettingsError, match="DEV_SIGN_IN must be true or false"):
        load_settings({"DEV_SIGN_IN": "maybe"})


def test_processing_pauses_are_a_testing_aid_never_in_production():
    production = {"MENTORHUB_ENV": "production", "SECRET_KEY": "s" * 40, "ALLOWED_HOSTS": "x.org"}
    with pytest.raises(SettingsError, match="COLLAB_PROCESSING_PAUSE_MS"):
        load_settings({**production, "COLLAB_PROCESSING_PAUSE_MS": "100"})
    assert load_settings(production).collab_processing_pause_ms == 0
    paused = load_settings({"MENTORHUB_ENV": "test", "COLLAB_PROCESSING_PAUSE_MS": "100"})
    assert paused.collab_processing_pause_ms == 100


def test_oidc_settings():
    with pytest.raises(SettingsError, match="OIDC_CLIENT_ID"):
        load_settings({"OIDC_ISSUER": "https://accounts.google.com"})
    with pytest.raises(SettingsError, match="https in production"):
        load_settings(
            {
                "MENTORHUB_ENV": "production",
                "SECRET_KEY": "s" * 40,
                "ALLOWED_HOSTS": "mentorhub.example.org",
                "OIDC_ISSUER": "http://idp.example",
                "OIDC_CLIENT_ID": "x",
            }
        )
    settings = load_settings(
        {
            "OIDC_ISSUER": "https://accounts.google.com/",
            "OIDC_CLIENT_ID": "id",
            "OIDC_CLIENT_SECRET": "very-secret",
        }
    )
    assert settings.oidc_issuer == "https://accounts.google.com"
    assert settings.oidc_scopes == "openid email profile"
    assert settings.provider_name == "accounts.google.com"
    assert settings.session_max_age_seconds == 14 * 24 * 3600
    assert "very-secret" not in str(settings.masked())
