"""Migration revisions, oldest first by revision number."""
