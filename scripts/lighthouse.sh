#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile preset: simulated slow 4G and 4× CPU) against the release build
# with the reference data, in headless Debian Chromium. Prints one Markdown row per run for
# BENCHMARKS.md. A benchmark, not a test: nothing here asserts a score.
#
# Lighthouse is installed into a cache folder outside the project (it is not a dependency of
# the viewer). Each run gets a fresh server, so no run is warmed by the one before.
#
# Usage: scripts/lighthouse.sh [runs, default 3] [path, default /]
#        HUE_MAP_BIN=other/hue-map scripts/lighthouse.sh   (to measure another build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
path="${2:-/}"
tools="${LIGHTHOUSE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/hue-map-lighthouse}"
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent lighthouse@12.2.3
fi
if [ -z "${HUE_MAP_BIN:-}" ]; then
  cargo build --locked --release -p server --bin hue-map
  HUE_MAP_BIN=./target/release/hue-map
fi

work=$(mktemp -d)
server=
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
echo "| run | Performance | FCP | LCP | TBT | CLS | Speed Index | Accessibility | Best Practices | SEO |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for run in $(seq 1 "$runs"); do
  rm -f "$work/out" "$work/registry.db"
  "$HUE_MAP_BIN" serve --listen 127.0.0.1:0 --store "sqlite:$work/registry.db" >"$work/out" 2>"$work/log" &
  server=$!
  for _ in $(seq 1 1200); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/^hue-map listening on //p' "$work/out")
  [ -n "$base" ] || { cat "$work/log"; echo "server did not start" >&2; exit 1; }
  CHROME_PATH="${CHROMIUM:-/usr/bin/chromium}" "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    --output=json --output-path="$work/report.json" >/dev/null 2>&1
  kill "$server"
  wait "$server" 2>/dev/null || true
  python3 - "$work/report.json" "$run" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
audit = lambda key: report["audits"][key]["displayValue"].replace("\u00a0", " ")
score = lambda key: f'{report["categories"][key]["score"]:.2f}'
print(f'| {sys.argv[2]} | {score("performance")} | {audit("first-contentful-paint")} | {audit("largest-contentful-paint")} '
      f'| {audit("total-blocking-time")} | {audit("cumulative-layout-shift")} | {audit("speed-index")} '
      f'| {score("accessibility")} | {score("best-practices")} | {score("seo")} |')
PY
done
