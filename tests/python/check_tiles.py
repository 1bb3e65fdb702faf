"""Checks hue-map's vector tiles with tools nobody on this team wrote.

Two modes, both run by the test suite (tests/tests/tile_validity.rs):

  check_tiles.py archive ARCHIVE.pmtiles BASE_URL COMMUNES.geojson
      Reads a PMTiles export with the `pmtiles` package: the header (v3, MVT, gzip,
      clustered), the metadata, and every tile, which must equal what BASE_URL serves.
      Then checks every tile's geometry (below).

  check_tiles.py sample BASE_URL COMMUNES.geojson[.gz] COUNT MINZOOM MAXZOOM
      Fetches a fixed sample of COUNT tiles with data, at zooms MINZOOM..MAXZOOM, from
      BASE_URL, and checks their geometry (below), and that none exceeds 500 KB.

The geometry checks: each tile is decoded with `mapbox-vector-tile`, and every polygon of
the `communes` layer must be valid for GEOS (shapely's `is_valid`). The union of the
communes in the tile must have no hole of one quantisation cell (1 unit²) or more, as the
source's union has none (checked too). Prints a summary; exits 1 with the failures listed.
"""

import gzip
import json
import math
import random
import sys
import urllib.request

import mapbox_vector_tile
import shapely
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from shapely.geometry import shape
from shapely.validation import explain_validity

# tippecanoe's default limit, uncompressed, which MVT renderers are tuned for.
MAX_TILE_BYTES = 500_000


def fetch(base_url, path):
    request = urllib.request.Request(base_url + path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status, body


def load_communes(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)["features"]


def source_union_has_no_holes(features, failures):
    union = shapely.union_all([shape(f["geometry"]).buffer(0) for f in features])
    holes = sum(len(p.interiors) for p in getattr(union, "geoms", [union]))
    if holes:
        failures.append(f"the source union has {holes} holes: the hole check assumes none")


def check_geometry(label, raw, failures, stats):
    """GEOS validity of every commune polygon, and no new holes in their union."""
    if len(raw) > MAX_TILE_BYTES:
        failures.append(f"{label}: {len(raw)} bytes uncompressed, over {MAX_TILE_BYTES}")
    layers = mapbox_vector_tile.decode(raw, default_options={"y_coord_down": True})
    communes = layers.get("communes", {"features": []})["features"]
    polygons = []
    for feature in communes:
        geometry = shape(feature["geometry"])
        stats["polygons"] += 1
        if not geometry.is_valid:
            code = feature["properties"].get("code")
            failures.append(f"{label}: commune {code} is invalid: {explain_validity(geometry)}")
            geometry = geometry.buffer(0)
        polygons.append(geometry)
    if polygons:
        union = shapely.union_all(polygons)
        for part in getattr(union, "geoms", [union]):
            for hole in getattr(part, "interiors", []):
                area = shapely.Polygon(hole).area
                if area >= 1.0:
                    failures.append(f"{label}: a hole of {area:.1f} unit² between communes")
                    stats["holes"] += 1
    stats["tiles"] += 1


def check_archive(archive, base_url, communes_path):
    failures = []
    stats = {"tiles": 0, "polygons": 0, "holes": 0}
    source_union_has_no_holes(load_communes(communes_path), failures)
    with open(archive, "rb") as f:
        get_bytes = MmapSource(f)
        reader = Reader(get_bytes)
        header = reader.header()
        expect = {
            "clustered": True,
            "tile_type": TileType.MVT,
            "tile_compression": Compression.GZIP,
            "min_zoom": 0,
        }
        for key, value in expect.items():
            if header[key] != value:
                failures.append(f"header {key} is {header[key]}, expected {value}")
        metadata = reader.metadata()
        layers = [layer["id"] for layer in metadata.get("vector_layers", [])]
        if layers != ["communes", "boundaries", "labels", "offices", "former_units"]:
            failures.append(f"metadata vector_layers are {layers}")
        # Clustered (PMTiles v3): each tile's data either follows the previous one's
        # directly or, for a repeated tile, points back to earlier data.
        reads = []

        def recording(offset, length):
            if offset >= header["tile_data_offset"]:
                reads.append((offset, length))
            return get_bytes(offset, length)

        previous_id, data_end, count = -1, header["tile_data_offset"], 0
        for (z, x, y), data in all_tiles(recording):
            tile_id = zxy_to_tileid(z, x, y)
            if tile_id <= previous_id:
                failures.append(f"{z}/{x}/{y}: out of tile-id order")
            previous_id = tile_id
            offset, length = reads[-1]
            if offset > data_end:
                failures.append(f"{z}/{x}/{y}: data at {offset}, after a gap from {data_end}: not clustered")
            data_end = max(data_end, offset + length)
            raw = gzip.decompress(data)
            status, served = fetch(base_url, f"/tiles/{z}/{x}/{y}.mvt")
            if status != 200 or served != raw:
                failures.append(f"{z}/{x}/{y}: served {status}, {len(served)} bytes; archived {len(raw)} bytes")
            check_geometry(f"{z}/{x}/{y}", raw, failures, stats)
            count += 1
            stats["max_zoom"] = max(stats.get("max_zoom", 0), z)
        if count == 0:
            failures.append("the archive holds no tiles")
        if header["max_zoom"] != stats.get("max_zoom"):
            failures.append(f"header max_zoom {header['max_zoom']} is not the deepest tile's zoom")
    return failures, stats


def tile_of(lon, lat, z):
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n)
    return z, min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def check_sample(base_url, communes_path, count, min_zoom, max_zoom):
    failures = []
    stats = {"tiles": 0, "polygons": 0, "holes": 0}
    features = load_communes(communes_path)
    source_union_has_no_holes(features, failures)
    # A fixed sample: the same tiles every run, spread over the country and the zooms.
    rng = random.Random(20250701)
    tiles = set()
    while len(tiles) < count:
        feature = rng.choice(features)
        point = shape(feature["geometry"]).representative_point()
        z = min_zoom + len(tiles) % (max_zoom - min_zoom + 1)
        tiles.add(tile_of(point.x, point.y, z))
    biggest = (0, None)
    for z, x, y in sorted(tiles):
        status, raw = fetch(base_url, f"/tiles/{z}/{x}/{y}.mvt")
        if status != 200:
            failures.append(f"{z}/{x}/{y}: served {status} for a tile over a commune")
            continue
        biggest = max(biggest, (len(raw), f"{z}/{x}/{y}"))
        check_geometry(f"{z}/{x}/{y}", raw, failures, stats)
    stats["largest"] = f"{biggest[0]} bytes at {biggest[1]}"
    return failures, stats


def main(argv):
    if len(argv) == 5 and argv[1] == "archive":
        failures, stats = check_archive(argv[2], argv[3].rstrip("/"), argv[4])
    elif len(argv) == 7 and argv[1] == "sample":
        failures, stats = check_sample(argv[2].rstrip("/"), argv[3], int(argv[4]), int(argv[5]), int(argv[6]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(stats))
    for failure in failures[:200]:
        print(failure)
    if len(failures) > 200:
        print(f"... and {len(failures) - 200} more")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
