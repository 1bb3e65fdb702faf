#!/usr/bin/env bash
# Runs every test: unit, property, oracle, doc and end-to-end suites against the real binary,
# then the web viewer in a real browser (Debian's Chromium driven by playwright-core).
# Installs what the tests need first, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f ../shared/data/hue/communes.geojson ]; then
  echo "error: the reference data is not at ../shared/data/hue (the tests read it from beside the repository)" >&2
  exit 2
fi

# Browser tests need Debian's Chromium (playwright-core drives it; it never downloads one).
if ! command -v chromium >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The viewer's JS dependencies (maplibre-gl is embedded into the binary, so this comes first).
(cd web-viewer && npm ci --no-audit --no-fund)

# Build every test and the hue-map binary in one feature resolution, then point the
# end-to-end suites at that binary so they do not build it a second time.
cargo test --locked --workspace --no-run
export HUE_MAP_BIN="$PWD/target/debug/hue-map"
cargo test --locked --workspace

(cd web-viewer && node --test test/)
