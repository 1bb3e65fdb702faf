#!/usr/bin/env bash
# Locate over HTTP, Huế's dataset beside the country's, in one run: the release server on
# each dataset in turn (no registry: the dataset's seats), wrk on /healthz (the baseline)
# and on GET /api/v1/locate at the seats' label points (each inside its unit, so every answer
# names a unit, its seat and its lineage). Prints a Markdown table for BENCHMARKS.md.
#
# Usage: scripts/load-national.sh [seconds per run, default 20] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
connections="${2:-64}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[ -n "${HUE_MAP_BIN:-}" ] || cargo build --locked --release -p server --bin hue-map
bin="${HUE_MAP_BIN:-./target/release/hue-map}"
work=$(mktemp -d)
server=""
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); wrk -t2 -c$connections -d${duration}s on loopback, sharing the cores with the server (release build)."
echo
echo "| dataset | listening after | run | req/s | p50 | p99 | RSS after (MiB) |"
echo "|---|---|---|---:|---:|---:|---:|"
for dataset in hue vietnam-2025; do
  data="../shared/data/$dataset"
  start=$(date +%s.%N)
  "$bin" serve --listen 127.0.0.1:0 --store none --data "$data" >"$work/out" 2>"$work/log" &
  server=$!
  for _ in $(seq 1 1200); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/^hue-map listening on //p' "$work/out")
  [ -n "$base" ] || { cat "$work/log"; echo "server did not start" >&2; exit 1; }
  up=$(echo "$(date +%s.%N) - $start" | bc)
  # The seats' label points, from the dataset's offices.csv (lon and lat are columns 6 and 7).
  python3 - "$data/offices.csv" "$work/locate.lua" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
paths = [f"/api/v1/locate?lon={r['lon']}&lat={r['lat']}" for r in rows]
with open(sys.argv[2], "w") as out:
    out.write("paths = {\n" + ",\n".join(f'"{p}"' for p in paths) + "\n}\n")
    out.write("counter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format(nil, paths[(counter % #paths) + 1])\nend\n")
PY
  printf 'request = function()\n  return wrk.format(nil, "/healthz")\nend\n' >"$work/healthz.lua"
  for run in healthz locate; do
    wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$work/$run.lua" "$base/" >"$work/$run.txt"
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$work/$run.txt")
    p50=$(sed -n 's/^ *50% *\([0-9.]*[a-z]*\).*/\1/p' "$work/$run.txt" | head -n1)
    p99=$(sed -n 's/^ *99% *\([0-9.]*[a-z]*\).*/\1/p' "$work/$run.txt" | head -n1)
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$server/status")
    echo "| $dataset | ${up%.*} s | $run | $rps | $p50 | $p99 | $rss |"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
done
