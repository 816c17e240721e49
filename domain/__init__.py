"""mentorHub's domain rules: pure functions and data, no web framework, no SQL, no I/O."""
