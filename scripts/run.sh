#!/usr/bin/env bash
# Install mentorHub and run it with demo data on the embedded default:
# a SQLite file under var/, in-process fan-out, no Redis.
EXTRAS="" source "$(dirname "$0")/bootstrap.sh"
export MENTORHUB_ENV=${MENTORHUB_ENV:-development}
echo "==> applying database migrations"
.venv/bin/mentorhub migrate
if .venv/bin/mentorhub --help | grep -q seed-demo; then
    echo "==> loading demo data"
    .venv/bin/mentorhub seed-demo
fi
echo "==> starting mentorHub (Ctrl-C to stop)"
exec .venv/bin/mentorhub serve
