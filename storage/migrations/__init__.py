"""Alembic migrations of mentorHub's database."""
