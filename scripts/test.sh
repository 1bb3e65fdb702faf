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
# downloads one), GDAL's ogrinfo for the OGC API and export checks, and PostgreSQL for the
# registry's shared store (the tests start throwaway clusters of their own, on loopback).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
# curl (a shed-request client in limits.rs) and chattr (the read-only-store test).
command -v curl >/dev/null || missing+=(curl)
command -v chattr >/dev/null || missing+=(e2fsprogs)
# pdftotext reads back the print pages that Chromium prints to PDF (print.test.js).
command -v pdftotext >/dev/null || missing+=(poppler-utils)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# External checkers from PyPI (ogctests, schemathesis), pinned, in the project's own venv.
# (Debian's python3 lacks ensurepip without python3-venv; creating the venv is the real test.)
if [ ! -x .venv/bin/pip ]; then
  rm -rf .venv
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip >/dev/null
    python3 -m venv .venv
  fi
fi
.venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt -c tests/constraints.txt
export HUE_MAP_VENV="$PWD/.venv"
# The viewer's JS dependencies (maplibre-gl is embedded into the binary, so this comes first).
(cd web-viewer && npm ci --no-audit --no-fund)

# A whole run gains nothing from incremental caches, and they double the target folder's size
# (a cold CI run once filled the disk).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# The code's habits first: formatting and clippy's lints, as errors.
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings

# Build every test and the hue-map binary in one feature resolution, then point the
# end-to-end suites at that binary so they do not build it a second time.
cargo test --locked --workspace --no-run
export HUE_MAP_BIN="$PWD/target/debug/hue-map"
cargo test --locked --workspace

(cd web-viewer && node --test test/*.test.js)
