#!/usr/bin/env bash
# Rebuild every vendored front-end file in static/vendor/ from pinned npm versions.
#
#   bash static/vendor/build.sh
#
# Installs the pinned packages into a throw-away directory, copies htmx and its SSE
# extension as shipped, bundles Yjs + y-websocket + the awareness protocol into one
# ESM file with esbuild, checks that the bundle holds exactly one copy of yjs, and
# copies the licence of every package whose code ends up in static/vendor/.
# The same pins give byte-identical files: run it twice and `git diff` shows nothing.
set -euo pipefail

HTMX_VERSION=4.0.1
YJS_VERSION=13.6.33
Y_WEBSOCKET_VERSION=3.1.0
Y_PROTOCOLS_VERSION=1.0.7
LIB0_VERSION=0.2.120 # bundled: a dependency of all three Yjs packages
ESBUILD_VERSION=0.28.2

vendor_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"

echo "installing pinned packages..."
cd "$work"
printf '{ "name": "mentorhub-vendor-build", "private": true }\n' > package.json
npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
  "htmx.org@$HTMX_VERSION" \
  "yjs@$YJS_VERSION" \
  "y-websocket@$Y_WEBSOCKET_VERSION" \
  "y-protocols@$Y_PROTOCOLS_VERSION" \
  "lib0@$LIB0_VERSION" \
  "esbuild@$ESBUILD_VERSION"

# npm must have installed exactly the pinned versions at the top level.
check_version() { # package expected
  local got
  got="$(node -p "require('./node_modules/$1/package.json').version")"
  if [[ "$got" != "$2" ]]; then
    echo "error: $1 is $got, expected $2" >&2
    exit 1
  fi
}
check_version htmx.org "$HTMX_VERSION"
check_version yjs "$YJS_VERSION"
check_version y-websocket "$Y_WEBSOCKET_VERSION"
check_version y-protocols "$Y_PROTOCOLS_VERSION"
check_version lib0 "$LIB0_VERSION"
check_version esbuild "$ESBUILD_VERSION"

echo "copying htmx $HTMX_VERSION..."
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx-$HTMX_VERSION.min.js"
cp node_modules/htmx.org/dist/ext/hx-sse.js "$out/hx-sse-$HTMX_VERSION.js"
cp node_modules/htmx.org/LICENSE "$out/LICENSE-htmx.txt"

echo "bundling yjs $YJS_VERSION + y-websocket $Y_WEBSOCKET_VERSION + y-protocols $Y_PROTOCOLS_VERSION..."
cat > entry.mjs <<'EOF'
export * as Y from 'yjs'
export { WebsocketProvider } from 'y-websocket'
export * as awarenessProtocol from 'y-protocols/awareness.js'
EOF
bundle="yjs-bundle-$YJS_VERSION.mjs"
banner="/*! mentorHub vendor bundle: yjs $YJS_VERSION, y-websocket $Y_WEBSOCKET_VERSION, \
y-protocols $Y_PROTOCOLS_VERSION, lib0 $LIB0_VERSION \
(MIT, see the LICENSE-*.txt files beside it). Rebuild with: bash static/vendor/build.sh */"
./node_modules/.bin/esbuild entry.mjs \
  --bundle --minify --format=esm --platform=browser --target=es2020 \
  --charset=utf8 \
  "--banner:js=$banner" \
  --metafile=meta.json --log-level=warning \
  "--outfile=$out/$bundle"

# Which packages went into the bundle, from which node_modules directory each.
node --input-type=module - meta.json <<'EOF' > bundled.txt
import { readFileSync } from 'node:fs'
const meta = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const roots = new Map() // package name -> Set of package directories
for (const input of Object.keys(meta.inputs)) {
  const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//)
  if (!m) continue
  const [, dir, name] = m
  if (!roots.has(name)) roots.set(name, new Set())
  roots.get(name).add(dir)
}
for (const [name, dirs] of [...roots].sort()) console.log(name, [...dirs].sort().join(' '))
EOF
echo "packages in the bundle:"
sed 's/^/  /' bundled.txt

copies() { awk -v p="$1" '$1 == p { print NF - 1 }' bundled.txt; }
for package in yjs lib0; do
  n="$(copies "$package")"
  if [[ "$n" != 1 ]]; then
    echo "error: the bundle holds ${n:-0} copies of $package (expected exactly 1)" >&2
    exit 1
  fi
done

# Every bundled package needs its licence beside the bundle.
while read -r package _; do
  case "$package" in
    yjs | y-websocket | y-protocols | lib0)
      cp "node_modules/$package/LICENSE" "$out/LICENSE-$package.txt" ;;
    *)
      echo "error: unexpected package $package in the bundle: add its licence here" >&2
      exit 1 ;;
  esac
done < bundled.txt
for package in yjs y-websocket y-protocols lib0; do
  [[ -f "$out/LICENSE-$package.txt" ]] || {
    echo "error: $package is missing from the bundle" >&2
    exit 1
  }
done

# Replace the previous build: stale versioned files go, everything else stays.
rm -f "$vendor_dir"/htmx-*.min.js "$vendor_dir"/hx-sse-*.js "$vendor_dir"/yjs-bundle-*.mjs \
  "$vendor_dir"/LICENSE-*.txt
cp "$out"/* "$vendor_dir"/

echo "wrote static/vendor/:"
cd "$vendor_dir"
for f in $(cd "$out" && ls); do
  printf '  %-28s %8s bytes  %7s gzip  sha256 %s\n' "$f" "$(wc -c < "$f")" \
    "$(gzip -9n < "$f" | wc -c)" "$(sha256sum "$f" | cut -c1-16)"
done
