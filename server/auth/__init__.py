"""Accounts: sign-in, sessions, CSRF, personal access tokens."""
