#!/usr/bin/env bash
# Read throughput while the office registry is being edited: the locate and tile loads of
# load.sh, each run twice in the same run of this script, once alone and once while
# scripts/edit-load.py moves a seat 10 times a second (each edit re-renders the tiles that
# show it and swaps the snapshot). Prints a Markdown table for BENCHMARKS.md.
#
# Usage: scripts/load-edits.sh [seconds per run, default 20] [connections, default 64] [edits per second, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
connections="${2:-64}"
rate="${3:-10}"

# shellcheck source=scripts/load-common.sh
source scripts/load-common.sh
python3 scripts/load-requests.py "$base" "$work"
token=$(./target/release/hue-map token create --role admin --name "load test" --store "sqlite:$work/registry.db" | tail -n1)

rps() {
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$work/$1.lua" "$base/" >"$work/$1.$2.txt"
  local errors non2xx
  errors=$(sed -n 's/.*Socket errors: \(.*\)/\1/p' "$work/$1.$2.txt")
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\)/\1/p' "$work/$1.$2.txt")
  echo "$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$work/$1.$2.txt") ${non2xx:-0} ${errors:-none}"
}

echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); wrk -t2 -c$connections -d${duration}s on loopback, $rate edits/s through PATCH (release build, SQLite registry)."
echo
echo "| run | req/s, no edits | req/s, $rate edits/s | ratio | non-2xx (with edits) | edits done / failed |"
echo "|---|---:|---:|---:|---:|---|"
for name in locate tiles; do
  read -r quiet _ _ <<<"$(rps "$name" quiet)"
  python3 scripts/edit-load.py "$base" "$token" "$rate" "$duration" >"$work/edits.$name" &
  editor=$!
  read -r busy non2xx errors <<<"$(rps "$name" busy)"
  wait "$editor"
  read -r done_ ok failed <"$work/edits.$name"
  ratio=$(python3 -c "print(f'{$busy / $quiet:.2f}')")
  echo "| $name | $quiet | $busy | $ratio | $non2xx ($errors socket errors) | $ok / $failed of $done_ |"
done
