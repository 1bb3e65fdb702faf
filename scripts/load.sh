#!/usr/bin/env bash
# Load test of the release server on loopback with wrk (installed from Debian if missing).
# Drives, one after another and in the same run: /healthz (the baseline), single-point
# locate on random points across the city, POST batches of 1,000 points, nearest offices, and
# a mix of cached z10-z14 tiles. Prints req/s, p50/p99/max latency, errors and the server's
# RSS after each run as a Markdown table to paste into BENCHMARKS.md.
#
# Usage: scripts/load.sh [seconds per run, default 30] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-30}"
connections="${2:-64}"

# shellcheck source=scripts/load-common.sh
source scripts/load-common.sh
pyramid=$(sed -n 's/.*tile pyramid z0-z14 ready.*seconds="\([0-9.]*\)".*/\1/p' "$work/log" | head -n1)

# Request scripts (one Lua file per run, written to real files: wrk loads a script once per
# thread, and a pipe can be read only once).
python3 scripts/load-requests.py "$base" "$work"

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$server/status"; }
field() { sed -n "s/^ *$1 *\([0-9.]*[a-z]*\).*/\1/p" "$2" | head -n1; }
row() {
  local name=$1 label=$2
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$work/$name.lua" "$base/" >"$work/$name.txt"
  local rps errors non2xx
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$work/$name.txt")
  errors=$(sed -n 's/.*Socket errors: \(.*\)/\1/p' "$work/$name.txt"); errors=${errors:-none}
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\)/\1/p' "$work/$name.txt"); non2xx=${non2xx:-0}
  local max; max=$(awk '/^    Latency/ {print $4}' "$work/$name.txt")
  echo "| $label | $rps | $(field 50% "$work/$name.txt") | $(field 99% "$work/$name.txt") | $max | $non2xx | $errors | $(rss) |"
  echo "$rps" >"$work/$name.rps"
}

echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem/ {print $2}') GiB; wrk -t2 -c$connections -d${duration}s on loopback, sharing the cores with the server (release build)."
echo "Start-up: pyramid z0-z14 in ${pyramid} s; $(cat "$work/tiles.count") tiles with data at z10-z14 in the tile mix; RSS after start-up $(rss) MiB."
echo
echo "| run | req/s | p50 | p99 | max | non-2xx | socket errors | RSS after (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---|---:|"
# Batches run last: requests wrk gave up on are still finished by the server, and that
# backlog must not land in another run's latencies.
row healthz "/healthz (baseline)"
row locate "GET /api/v1/locate, random points"
row nearest "GET /api/v1/nearest, k=5"
row tiles "tile mix z10-z14, gzip"
row batch "POST /api/v1/locate, 1,000 points"
echo
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
r = {n: float(open(f"{w}/{n}.rps").read()) for n in ["healthz", "locate", "nearest", "tiles"]}
for n in ["locate", "nearest", "tiles"]:
    print(f"{n} / healthz: {r[n] / r['healthz']:.2f}")
PY
