#!/usr/bin/env python3
"""Writes wrk request scripts (Lua) for the HTTP load tests: healthz, locate and nearest on
random points across Huế, the cached z10-z14 tiles with data, and POST batches of 1,000
points. Every run goes through a Lua request() so all pay the same client cost.

Usage: load-requests.py BASE_URL WORK_DIR (used by load.sh and load-edits.sh)."""
import json, math, random, sys, urllib.request
base, work = sys.argv[1], sys.argv[2]
random.seed(20250701)
west, south, east, north = 107.0, 15.9, 108.3, 16.9
def lua_list(name, items):
    return f"{name} = {{\n" + ",\n".join(json.dumps(i) for i in items) + "\n}\n"
points = [(round(random.uniform(west, east), 6), round(random.uniform(south, north), 6)) for _ in range(5000)]
paths = {
    "healthz": ["/healthz"],
    "locate": [f"/api/v1/locate?lon={x}&lat={y}" for x, y in points],
    "nearest": [f"/api/v1/nearest?lon={x}&lat={y}&k=5" for x, y in points],
}
def tile(lon, lat, z):
    n = 2 ** z
    r = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
tiles = []
for z in range(10, 15):
    (x0, y0), (x1, y1) = tile(west, north, z), tile(east, south, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            p = f"/tiles/{z}/{x}/{y}.mvt"
            if urllib.request.urlopen(base + p).status == 200:
                tiles.append(p)
paths["tiles"] = tiles
for name, items in paths.items():
    with open(f"{work}/{name}.lua", "w") as f:
        f.write(lua_list("paths", items))
        f.write('request = function()\n  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})\nend\n')
bodies = [json.dumps({"points": [[round(random.uniform(west, east), 6), round(random.uniform(south, north), 6)] for _ in range(1000)]}) for _ in range(8)]
with open(f"{work}/batch.lua", "w") as f:
    f.write(lua_list("bodies", bodies))
    f.write('request = function()\n  return wrk.format("POST", "/api/v1/locate", {["Content-Type"] = "application/json"}, bodies[math.random(#bodies)])\nend\n')
with open(f"{work}/tiles.count", "w") as f:
    f.write(str(len(tiles)))
