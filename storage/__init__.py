"""Durable storage: SQLModel tables, the update log, snapshots and migrations."""
