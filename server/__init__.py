"""mentorHub web server: Starlette app factory, routes, settings, command line."""
