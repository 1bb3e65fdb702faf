#!/usr/bin/env bash
# Runs the service on http://127.0.0.1:8080 with the reference data in ../shared/data/hue,
# with the web map at http://127.0.0.1:8080/.
# Extra arguments go to `hue-map serve` (e.g. --listen 0.0.0.0:8080, --data DIR).
# With basemap.pmtiles in the checkout (README: "A street basemap"), it is drawn underneath.
set -euo pipefail
cd "$(dirname "$0")/.."
# MapLibre GL JS (the map) and Scalar (the /docs page) come from npm and are embedded into
# the binary at build time.
if [ ! -f web-viewer/node_modules/maplibre-gl/dist/maplibre-gl.mjs ] || [ ! -f web-viewer/node_modules/@scalar/api-reference/dist/browser/standalone.js ] || [ ! -f web-viewer/node_modules/.hue-map/basemap-layers.json ]; then
  (cd web-viewer && npm ci --no-audit --no-fund)
fi
# A street basemap cut with `hue-map basemap extract … basemap.pmtiles` (README), when there
# is one and none was asked for otherwise.
basemap=()
if [ -f basemap.pmtiles ] && [ -z "${HUE_MAP_BASEMAP:-}" ] && [[ " $* " != *" --basemap"* ]]; then
  basemap=(--basemap basemap.pmtiles)
fi
exec cargo run --locked --release -p server --bin hue-map -- serve "${basemap[@]}" "$@"
