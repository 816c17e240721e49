#!/usr/bin/env bash
# Install mentorHub and run it with demo data on the embedded default:
# a SQLite file under var/, in-process fan-out, no Redis.
EXTRAS="" source "$(dirname "$0")/bootstrap.sh"
export MENTORHUB_ENV=${MENTORHUB_ENV:-development}
# Local runs sign in as a demo user without an identity provider (never in production).
export DEV_SIGN_IN=${DEV_SIGN_IN:-true}
echo "==> applying database migrations"
.venv/bin/mentorhub migrate
echo "==> loading demo data"
.venv/bin/mentorhub seed-demo
echo "==> starting mentorHub (Ctrl-C to stop); open the URL below and sign in as a demo user"
exec .venv/bin/mentorhub serve
