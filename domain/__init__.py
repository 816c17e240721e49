"""mentorHub's domain rules: pure functions and plain data, no web, no SQL, no I/O.

Routes in `server/` call these with what `storage/` read. The only files any of them read
are data shipped inside this package (the skill vocabulary, the demo personas, fonts).
"""
