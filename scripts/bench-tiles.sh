#!/usr/bin/env bash
# Tile-serving benchmark: pyramid build time, then req/s for /healthz (the baseline) and for a
# mix of cached z10-z14 tiles, in the same run, with wrk on loopback. Prints a Markdown table
# to paste into BENCHMARKS.md. Usage: scripts/bench-tiles.sh [seconds per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
connections=64

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --locked --release -p server --bin hue-map

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
RUST_LOG=info ./target/release/hue-map serve --listen 127.0.0.1:0 >"$work/out" 2>"$work/log" &
server=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^hue-map listening on //p' "$work/out")
[ -n "$base" ] || { cat "$work/log"; echo "server did not start" >&2; exit 1; }
pyramid=$(sed -n 's/.*tile pyramid z0-z14 ready.*seconds[^0-9]*\([0-9.]*\).*/\1/p' "$work/log" | head -n1)

# The tiles that hold data at z10-z14 over Huế, found by asking the server once each.
python3 - "$base" >"$work/paths" <<'PY'
import math, sys, urllib.request
base = sys.argv[1]
def tile(lon, lat, z):
    n = 2 ** z
    r = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
for z in range(10, 15):
    (x0, y0), (x1, y1) = tile(107.0, 16.9, z), tile(108.3, 15.9, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            path = f"/tiles/{z}/{x}/{y}.mvt"
            if urllib.request.urlopen(base + path).status == 200:
                print(path)
PY
tiles=$(wc -l <"$work/paths")
{
  echo "paths = {}"
  while read -r p; do echo "paths[#paths + 1] = \"$p\""; done <"$work/paths"
  cat <<'LUA'
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})
end
LUA
} >"$work/mix.lua"

# The baseline goes through the same Lua request function, so both runs pay the same client cost.
sed 's|^paths\[#paths + 1\].*||' "$work/mix.lua" | sed 's|^paths = {}|paths = {"/healthz"}|' >"$work/health.lua"

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
latency() { awk '/^    Latency/ {print $2}'; }
wrk -t2 -c"$connections" -d"${duration}s" --latency "$base/healthz" >"$work/health-plain"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/health.lua" "$base/" >"$work/health"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/mix.lua" "$base/" >"$work/mix"
health_rps=$(rps <"$work/health"); tile_rps=$(rps <"$work/mix")
ratio=$(python3 -c "print(f'{$tile_rps / $health_rps:.2f}')")
rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server/status")

echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), wrk -t2 -c$connections -d${duration}s on loopback (sharing the cores)."
echo "Pyramid z0-z14: ${pyramid} s; $tiles tiles with data at z10-z14 in the mix; server peak RSS ${rss} MiB."
echo
echo "| endpoint | req/s | mean latency | vs /healthz |"
echo "|---|---:|---:|---:|"
echo "| /healthz, plain wrk | $(rps <"$work/health-plain") | $(latency <"$work/health-plain") | |"
echo "| /healthz via the Lua request function (baseline) | $health_rps | $(latency <"$work/health") | 1.00 |"
echo "| z10-z14 tile mix, gzip, from memory | $tile_rps | $(latency <"$work/mix") | $ratio |"
grep -E "Non-2xx|Socket errors" "$work/health-plain" "$work/health" "$work/mix" || echo "(no errors, no non-2xx responses)"
