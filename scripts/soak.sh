#!/usr/bin/env bash
# Memory soak: drives the release server with a mix of locate (60 %), z12 tiles (30 %) and
# OGC API items pages (10 %) for N seconds with wrk, and prints the server's RSS every 10 s,
# to show whether memory levels off after warm-up. Figures go in BENCHMARKS.md.
#
# Usage: scripts/soak.sh [seconds, default 300] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-300}"
connections="${2:-64}"
# shellcheck source=scripts/load-common.sh
source scripts/load-common.sh
cat >"$work/mix.lua" <<'LUA'
math.randomseed(20250701)
request = function()
  local r = math.random()
  if r < 0.6 then
    return wrk.format("GET", string.format("/api/v1/locate?lon=%.5f&lat=%.5f", 107.0 + math.random() * 1.3, 15.9 + math.random()))
  elseif r < 0.9 then
    local x, y = 3310 + math.floor(math.random() * 16), 1905 + math.floor(math.random() * 16)
    return wrk.format("GET", string.format("/tiles/12/%d/%d.mvt", x, y), {["Accept-Encoding"] = "gzip"})
  else
    return wrk.format("GET", "/collections/communes/items?limit=5&offset=" .. math.floor(math.random() * 35))
  end
end
LUA
wrk -t2 -c"$connections" -d"${duration}s" -s "$work/mix.lua" "$base" >"$work/wrk" &
load=$!
echo "| seconds | RSS (MiB) |"
echo "|---:|---:|"
elapsed=0
while kill -0 "$load" 2>/dev/null; do
  echo "| $elapsed | $(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status") |"
  sleep 10
  elapsed=$((elapsed + 10))
done
grep -E "requests in|Requests/sec|Non-2xx|Socket errors" "$work/wrk" || true
