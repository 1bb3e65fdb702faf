#!/usr/bin/env bash
# Runs the service on http://127.0.0.1:8080 with the reference data in ../shared/data/hue.
# Extra arguments go to `hue-map serve` (e.g. --listen 0.0.0.0:8080, --data DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --locked --release -p server --bin hue-map -- serve "$@"
