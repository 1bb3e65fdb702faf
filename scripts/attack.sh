#!/usr/bin/env bash
# What an attack costs legitimate clients (a benchmark; it asserts nothing). Starts the
# release server on loopback with a file-descriptor limit of 1,024, then measures the
# legitimate load of scripts/load.sh (wrk from 127.0.0.1: /healthz and single-point locate)
# twice in the same run: alone (the baseline), and while scripts/attack.py attacks from
# 127.0.0.2 with every attack of the adversarial suite at once: 1,000 silent sockets, 500
# HTTP/2-preface-only sockets, 16 threads of wrong secrets for a real token id, and 8 threads
# of 10,000-point batch locates. Prints a Markdown table for BENCHMARKS.md.
#
# Usage: scripts/attack.sh [seconds per run, default 20] [connections, default 64]
#        HUE_MAP_BIN=path/to/hue-map scripts/attack.sh …   (another build, e.g. a baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
connections="${2:-64}"
export HUE_MAP_NOFILE=1024

# shellcheck source=scripts/load-common.sh
source scripts/load-common.sh
python3 scripts/load-requests.py "$base" "$work"
token=$("$bin" token create --store "sqlite:$work/registry.db" --role admin --name "attacked admin" | tail -n1)
token_id=$(echo "$token" | cut -d_ -f2)

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$server/status"; }
field() { sed -n "s/^ *$1 *\([0-9.]*[a-z]*\).*/\1/p" "$2" | head -n1; }
run() {
  local name=$1 label=$2 out="$work/$1-$3.txt"
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$work/$name.lua" "$base/" >"$out"
  local rps errors non2xx
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$out")
  errors=$(sed -n 's/.*Socket errors: \(.*\)/\1/p' "$out"); errors=${errors:-none}
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\)/\1/p' "$out"); non2xx=${non2xx:-0}
  echo "| $label | $3 | $rps | $(field 50% "$out") | $(field 99% "$out") | $non2xx | $errors | $(rss) |"
  echo "$rps" >"$work/$name-$3.rps"
}

echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem/ {print $2}') GiB; server: release build, 1,024 descriptors; wrk -t2 -c$connections -d${duration}s; all on loopback, sharing the cores."
echo
echo "| legitimate load | attack | req/s | p50 | p99 | non-2xx | socket errors | server RSS after (MiB) |"
echo "|---|---|---:|---:|---:|---:|---|---:|"
for name in healthz locate; do
  label=$([ "$name" = healthz ] && echo "/healthz" || echo "GET /api/v1/locate, random points")
  run "$name" "$label" none
  python3 scripts/attack.py "$base" "$token_id" "$((duration + 4))" >"$work/attack-$name.txt" &
  attacker=$!
  sleep 3 # the attack's sockets are open before the measurement starts
  run "$name" "$label" all
  wait "$attacker"
done
echo
for name in healthz locate; do
  python3 -c "import sys; print(f'{sys.argv[1]}: under attack {float(sys.argv[3]) / float(sys.argv[2]):.2f}x the baseline; ' + open(sys.argv[4]).read().strip())" \
    "$name" "$(cat "$work/$name-none.rps")" "$(cat "$work/$name-all.rps")" "$work/attack-$name.txt"
done
