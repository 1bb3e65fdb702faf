#!/usr/bin/env bash
# Runs every test: unit, property, oracle, doc and end-to-end suites against the real binary.
# Installs what the tests need first, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f ../shared/data/hue/communes.geojson ]; then
  echo "error: the reference data is not at ../shared/data/hue (the tests read it from beside the repository)" >&2
  exit 2
fi

# The end-to-end suites start the binary themselves; build it once up front so a build error
# is reported as such rather than as a failing test.
cargo build --locked -p server --bin hue-map
cargo test --locked --workspace
