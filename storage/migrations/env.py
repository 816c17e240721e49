"""Alembic environment: mentorHub's tables, on the URL that the configuration names."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import storage.access_changes  # noqa: F401
import storage.accounts  # noqa: F401  (registers the tables on SQLModel.metadata)
import storage.applications  # noqa: F401
import storage.badges  # noqa: F401
import storage.certificates  # noqa: F401
import storage.community  # noqa: F401
import storage.encounters  # noqa: F401
import storage.library  # noqa: F401
import storage.models  # noqa: F401
import storage.notifications  # noqa: F401
import storage.people  # noqa: F401
import storage.read_model  # noqa: F401
from storage.database import ensure_sqlite_directory, normalise_url
from storage.library_search import outside_models

config = context.config
if config.config_file_name and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:  # the alembic command line: the same setting the server reads
        from server.settings import load_settings

        url = load_settings().database_url
    return normalise_url(url)


def run_offline() -> None:
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=SQLModel.metadata,
        literal_binds=True,
        include_name=outside_models,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    url = _database_url()
    ensure_sqlite_directory(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=SQLModel.metadata,
                include_name=outside_models,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
