"""The local store: SQLite through SQLAlchemy 2 and Alembic. The only package that imports SQLAlchemy."""
