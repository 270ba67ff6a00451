"""Alembic environment: the URL comes from `app.db.migrate`, the target metadata from the models."""

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine, pool

from app.db.migrate import sqlalchemy_url
from app.db.models import Base

config = context.config


def run_migrations_online() -> None:
    engine = create_engine(sqlalchemy_url(config.attributes["url"]), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=alembic_helpers.include_object,
            process_revision_directives=alembic_helpers.writer,
            render_item=alembic_helpers.render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
