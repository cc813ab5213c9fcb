"""Alembic environment: the connection comes from ``config.attributes["connection"]``.

Run by :func:`oekoaudit.storage.migrate.upgrade_to_head`; never used with a URL.
"""

from __future__ import annotations

from alembic import context

from oekoaudit.storage.orm import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
