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

# Debian packages: Chromium for the browser tests (playwright-core drives it; it never
# downloads one), GDAL's ogrinfo for the OGC API and export checks, venv for the Python tools.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# External checkers from PyPI (ogctests, schemathesis), pinned, in the project's own venv.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt -c tests/constraints.txt
export HUE_MAP_VENV="$PWD/.venv"
# The viewer's JS dependencies (maplibre-gl is embedded into the binary, so this comes first).
(cd web-viewer && npm ci --no-audit --no-fund)

# Build every test and the hue-map binary in one feature resolution, then point the
# end-to-end suites at that binary so they do not build it a second time.
cargo test --locked --workspace --no-run
export HUE_MAP_BIN="$PWD/target/debug/hue-map"
cargo test --locked --workspace

(cd web-viewer && node --test test/)
