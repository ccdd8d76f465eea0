"""SQL storage (SQLAlchemy 2.0 async, Alembic). ORM objects never leave this package."""
