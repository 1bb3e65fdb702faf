#!/usr/bin/env bash
# How long `hue-map basemap extract` takes for Huế from a planet-sized archive, and how many
# bytes it fetches, against the baseline of downloading the whole archive from the same
# server in the same run. The archive is planet-like (tests/examples/planet_like.rs: every
# tile of the world to z8, z9-z15 over central Vietnam, 2-30 KB each, about 1.2 GB), served
# on loopback by byte ranges; it is written once into FOLDER and kept.
#
# Usage: scripts/extract-bench.sh [FOLDER, default target/extract-bench] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-target/extract-bench}"
runs="${2:-3}"
port=18473
mkdir -p "$folder"
cargo build -q --release -p server --bin hue-map
cargo build -q --release -p e2e --example planet_like
target/release/examples/planet_like "$folder" "$port" >"$folder/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
url="http://127.0.0.1:$port/planet.pmtiles"
until grep -q '^serving' "$folder/server.log"; do
  kill -0 "$server" 2>/dev/null || { cat "$folder/server.log"; exit 1; }
  sleep 0.5
done
size=$(sed -n 's/.*(\([0-9]*\) bytes).*/\1/p' "$folder/server.log")

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem/ {print $2}') GiB; archive $size bytes on loopback; release builds."
echo
echo "| run | what | wall time | bytes fetched | requests | tiles written | peak RSS (MiB) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for run in $(seq "$runs"); do
  out="$folder/basemap-$run.pmtiles"
  /usr/bin/time -f '%e %M' -o "$folder/time" target/release/hue-map basemap extract --from "$url" "$out" >"$folder/extract.out"
  read -r seconds rss <"$folder/time"
  fetched=$(sed -n 's/^fetched \([0-9]*\) bytes in \([0-9]*\) range requests.*/\1 \2/p' "$folder/extract.out")
  tiles=$(sed -n 's/^wrote \([0-9]*\) tiles.*/\1/p' "$folder/extract.out")
  echo "| $run | basemap extract, Huế (default area, z0-z15) | ${seconds} s | ${fetched% *} | ${fetched#* } | $tiles | $((rss / 1024)) |"
  /usr/bin/time -f '%e %M' -o "$folder/time" curl -s -o /dev/null "$url"
  read -r seconds rss <"$folder/time"
  echo "| $run | baseline: the whole archive (curl) | ${seconds} s | $size | 1 | | $((rss / 1024)) |"
done
