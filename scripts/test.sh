#!/usr/bin/env bash
# Install everything the tests need and run the whole suite. Extra arguments go to pytest.
# With CI=true, tests whose service (PostgreSQL, Redis, Chromium, Node) is missing fail.
EXTRAS="dev" source "$(dirname "$0")/bootstrap.sh"
echo "==> installing the stock Yjs client used by interop tests (npm ci)"
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
if [ -d e2e ] && ls e2e/test_*.py >/dev/null 2>&1; then
    if ! command -v chromium >/dev/null 2>&1; then
        echo "==> installing Debian's chromium for the browser tests"
        if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    fi
fi
if ! command -v pdftotext >/dev/null 2>&1; then
    echo "==> installing Debian's poppler-utils (pdftotext) for the certificate PDF tests"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi
echo "==> running the test suite"
exec .venv/bin/python -m pytest "$@"
