# Shared by load.sh and soak.sh (sourced, not run): installs wrk and the embedded npm
# packages if missing, builds the release binary, and starts it on a free port. Afterwards
# $work is a scratch folder, $server the server's pid and $base its URL; both are cleaned up
# on exit.

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [ ! -f web-viewer/node_modules/maplibre-gl/dist/maplibre-gl.mjs ] || [ ! -f web-viewer/node_modules/@scalar/api-reference/dist/browser/standalone.js ] || [ ! -f web-viewer/node_modules/.hue-map/basemap-layers.json ]; then
  (cd web-viewer && npm ci --no-audit --no-fund)
fi
# HUE_MAP_BIN=… measures another build (a baseline from an earlier commit); else this tree's.
if [ -z "${HUE_MAP_BIN:-}" ]; then
  cargo build --locked --release -p server --bin hue-map
fi
bin="${HUE_MAP_BIN:-./target/release/hue-map}"

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
# HUE_MAP_NOFILE (attack.sh) runs the server with that file-descriptor limit.
limit=()
[ -n "${HUE_MAP_NOFILE:-}" ] && limit=(prlimit "--nofile=$HUE_MAP_NOFILE:$HUE_MAP_NOFILE" --)
RUST_LOG=info "${limit[@]}" "$bin" serve --listen 127.0.0.1:0 --max-concurrent-requests 4096 --store "sqlite:$work/registry.db" >"$work/out" 2>"$work/log" &
server=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^hue-map listening on //p' "$work/out")
[ -n "$base" ] || { cat "$work/log"; echo "server did not start" >&2; exit 1; }
