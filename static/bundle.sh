#!/usr/bin/env bash
# Rebuild static/editor.bundle.js: editor.js and its modules under static/editor/ as one
# file, so the editor's first load is one request instead of fourteen.
#
#   bash static/bundle.sh           # write static/editor.bundle.js
#   bash static/bundle.sh --check   # fail if the committed bundle is not what this builds
#
# esbuild (pinned) joins the modules and strips whitespace and comments; names are kept,
# so stack traces stay readable. The vendored Yjs bundle stays a file of its own.
# `python3 -m server.static_bundle seal` writes the digest of the sources on the first
# line: the server loads the bundle only while it matches the modules it serves
# (server/static_bundle.py, docs/static-files.md). Run this after editing editor.js or
# anything under static/editor/; the same sources give a byte-identical file.
set -euo pipefail

ESBUILD_VERSION=0.28.2
ENTRY=editor.js
BUNDLE=editor.bundle.js

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: bash static/bundle.sh [--check]" >&2; exit 2 ;;
esac

static_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project_dir="$(dirname "$static_dir")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "installing esbuild $ESBUILD_VERSION..."
(
  cd "$work"
  printf '{ "name": "mentorhub-bundle-build", "private": true }\n' > package.json
  npm install --no-save --no-audit --no-fund --loglevel=error "esbuild@$ESBUILD_VERSION"
)

echo "bundling $ENTRY..."
"$work/node_modules/.bin/esbuild" "$static_dir/$ENTRY" \
  --bundle --format=esm --platform=browser \
  --minify-whitespace --minify-syntax --charset=utf8 --legal-comments=none \
  "--external:./vendor/*" "--external:../vendor/*" \
  --log-level=warning "--outfile=$work/built.js"
(cd "$project_dir" && python3 -m server.static_bundle seal static "$ENTRY" "$work/built.js") \
  > "$work/$BUNDLE"

if $check; then
  if cmp -s "$work/$BUNDLE" "$static_dir/$BUNDLE"; then
    echo "static/$BUNDLE is up to date"
    exit 0
  fi
  echo "error: static/$BUNDLE is not what static/bundle.sh builds from the sources:" \
    "run bash static/bundle.sh and commit the result" >&2
  exit 1
fi
cp "$work/$BUNDLE" "$static_dir/$BUNDLE"
printf 'wrote static/%s: %s bytes, %s gzipped\n' "$BUNDLE" "$(wc -c < "$static_dir/$BUNDLE")" \
  "$(gzip -9n < "$static_dir/$BUNDLE" | wc -c)"
