#!/usr/bin/env bash
# hue-map against Martin 1.14 and a bare hyper server, in one run on this machine: health
# endpoints, and the same mix of z10-z14 tiles served (a) by hue-map from memory, (b) by
# Martin from our own PMTiles export, and (c) by Martin from communes.geojson, gzip and
# uncompressed. Prints a Markdown table for BENCHMARKS.md, with each row's ratio to the
# matching Martin row. A benchmark, not a test: nothing here asserts a time.
#
# Every wrk script is a real file (wrk loads it once per thread; a pipe would be read once,
# and the other threads would silently fall back to GET /). After each row the bytes per
# request are checked against the mean size of that mix as the server answers it, so a row
# that measured the wrong URL (a 404 page, an empty tile) stops the run.
#
# Usage: scripts/compare-martin.sh [seconds per row, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-64}"

if ! command -v martin >/dev/null || ! martin --version | grep -q '1\.14\.'; then
  # About 25 minutes on 2 cores. Martin's default `rendering` feature does not build offline.
  cargo install martin@1.14.0 --locked --no-default-features --features mbtiles,pmtiles,geojson,metrics
fi
cargo build --locked --release -p server --example bare_hyper
# shellcheck source=scripts/load-common.sh
source scripts/load-common.sh
hue=$base

./target/release/hue-map export-pmtiles "$work/hue.pmtiles" >/dev/null 2>&1
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
martin_port=$(free_port)
martin "$work/hue.pmtiles" ../shared/data/hue/communes.geojson --listen-addresses "127.0.0.1:$martin_port" >"$work/martin.log" 2>&1 &
martin_pid=$!
./target/release/examples/bare_hyper 127.0.0.1:0 >"$work/hyper.out" &
hyper_pid=$!
trap 'kill "$server" "$martin_pid" "$hyper_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
martin="http://127.0.0.1:$martin_port"
for _ in $(seq 1 600); do curl -sf "$martin/health" >/dev/null && grep -q listening "$work/hyper.out" && break; sleep 0.1; done
hyper=$(sed -n 's/^bare hyper listening on //p' "$work/hyper.out")

# One Lua file per row, and the mean body size each row must show.
python3 - "$work" "$hue" "$martin" <<'PY'
import gzip, json, sys, urllib.request
work, hue, martin = sys.argv[1:]
pack = json.load(urllib.request.urlopen(hue + "/api/v1/offline-pack"))
tiles = [u.split("/")[2:5] for u in pack["urls"] if u.startswith("/tiles/")]
tiles = [(int(z), int(x), int(y.split(".")[0])) for z, x, y in tiles if 10 <= int(z) <= 14]
targets = {
    "hue": lambda z, x, y: f"/tiles/{z}/{x}/{y}.mvt",
    "martin-pmtiles": lambda z, x, y: f"/hue/{z}/{x}/{y}",
    "martin-geojson": lambda z, x, y: f"/communes/{z}/{x}/{y}",
}
bases = {"hue": hue, "martin-pmtiles": martin, "martin-geojson": martin}
done = """done = function(summary, latency, requests)
  io.write(string.format("bytes_per_request %.1f\\np99_ms %.3f\\n", summary.bytes / summary.requests, latency:percentile(99) / 1000))
end
"""
def write(name, paths, encoding):
    headers = '{["Accept-Encoding"] = "gzip"}' if encoding == "gzip" else "{}"
    with open(f"{work}/{name}.lua", "w") as f:
        f.write("paths = {\n" + ",\n".join(json.dumps(p) for p in paths) + "\n}\n")
        f.write(f'request = function()\n  return wrk.format("GET", paths[math.random(#paths)], {headers})\nend\n')
        f.write(done)
sizes = {}
for target, path in targets.items():
    paths = [path(*t) for t in tiles]
    for encoding in ["gzip", "identity"]:
        total = 0
        for p in paths:
            request = urllib.request.Request(bases[target] + p, headers={"Accept-Encoding": encoding})
            total += len(urllib.request.urlopen(request).read())
        write(f"{target}-{encoding}", paths, encoding)
        sizes[f"{target}-{encoding}"] = total / len(paths)
for name, path in {"hue-health": "/healthz", "martin-health": "/health", "hyper-health": "/"}.items():
    write(name, [path], "identity")
    sizes[name] = None
json.dump({"sizes": sizes, "tiles": len(tiles)}, open(f"{work}/sizes.json", "w"))
PY

row() {
  local name=$1 url=$2
  wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$work/$name.lua" "$url/" >"$work/$name.txt"
  python3 - "$work" "$name" <<'PY'
import json, re, sys
work, name = sys.argv[1:]
text = open(f"{work}/{name}.txt").read()
rps = float(re.search(r"Requests/sec:\s*([\d.]+)", text).group(1))
per_request = float(re.search(r"bytes_per_request ([\d.]+)", text).group(1))
p99 = float(re.search(r"p99_ms ([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
expected = json.load(open(f"{work}/sizes.json"))["sizes"][name]
# Headers add 100-400 bytes to each answer; a body far from the mix's mean is the wrong URL.
if expected is not None and not (expected <= per_request <= expected + 600):
    sys.exit(f"{name}: {per_request:.0f} bytes per request, but the mix averages {expected:.0f}: the wrong URL?")
if errors:
    sys.exit(f"{name}: {errors.group(1)} non-2xx answers")
json.dump({"rps": rps, "p99": p99, "bytes": per_request}, open(f"{work}/{name}.json", "w"))
PY
}

row hue-health "$hue"; row martin-health "$martin"; row hyper-health "$hyper"
for encoding in gzip identity; do
  row "hue-$encoding" "$hue"; row "martin-pmtiles-$encoding" "$martin"; row "martin-geojson-$encoding" "$martin"
done

echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem/ {print $2}') GiB; wrk -t1 -c$connections -d${duration}s on loopback, sharing the cores with the server; $(martin --version); hue-map release build; $(python3 -c "import json; print(json.load(open('$work/sizes.json'))['tiles'])") tiles with data at z10-z14 in the mix."
echo
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
r = {n: json.load(open(f"{work}/{n}.json")) for n in ["hue-health", "martin-health", "hyper-health"] + [f"{t}-{e}" for t in ["hue", "martin-pmtiles", "martin-geojson"] for e in ["gzip", "identity"]]}
rows = [
    ("`/healthz` (hue-map)", "hue-health", "martin-health", "hyper-health"),
    ("`/health` (Martin)", "martin-health", "martin-health", "hyper-health"),
    ("fixed body (bare hyper)", "hyper-health", "martin-health", "hyper-health"),
]
for e in ["gzip", "identity"]:
    rows += [
        (f"tiles, {e}: hue-map from memory", f"hue-{e}", f"martin-pmtiles-{e}", "hyper-health"),
        (f"tiles, {e}: Martin, our PMTiles", f"martin-pmtiles-{e}", f"martin-pmtiles-{e}", "hyper-health"),
        (f"tiles, {e}: Martin, communes.geojson", f"martin-geojson-{e}", f"martin-pmtiles-{e}", "hyper-health"),
    ]
print("| run | req/s | p99 | bytes/request | vs Martin (same kind) | vs bare hyper |")
print("|---|---:|---:|---:|---:|---:|")
for label, name, martin, hyper in rows:
    x = r[name]
    print(f"| {label} | {x['rps']:,.0f} | {x['p99']:.2f} ms | {x['bytes']:,.0f} | {x['rps'] / r[martin]['rps']:.2f} | {x['rps'] / r[hyper]['rps']:.2f} |")
PY
