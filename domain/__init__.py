"""mentorHub's domain rules: pure functions over typed values, no I/O (see docs/read-model.md)."""
