"""One module per scenario; each exposes `run(ctx)` and records per-repetition figures."""
