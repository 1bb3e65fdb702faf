"""Checks hue-map's vector tiles with tools nobody on this team wrote.

Three modes, all run by the test suite (tests/tests/tile_validity.rs):

  check_tiles.py selftest
      Shows that the checks below can fail: an invalid polygon and a gap are reported.

  check_tiles.py archive ARCHIVE.pmtiles BASE_URL COMMUNES.geojson
      Reads a PMTiles export with the `pmtiles` package: the header (v3, MVT, gzip,
      clustered), the metadata, and every tile, which must equal what BASE_URL serves.
      Then checks every tile's geometry (below).

  check_tiles.py sample BASE_URL COMMUNES.geojson[.gz] COUNT MINZOOM MAXZOOM
      Fetches a fixed sample of COUNT tiles with data, at zooms MINZOOM..MAXZOOM, from
      BASE_URL, and checks their geometry (below), and that none exceeds 500 KB.

The geometry checks: each tile is decoded with `mapbox-vector-tile`, and every polygon of
the `communes` layer must be valid for GEOS (shapely's `is_valid`). The union of the
communes in the tile must have no hole of one quantisation cell (1 unit²) or more that the
source does not have: a hole more than half of which is land in the source communes (a hole
that is mostly water or a gap in the data is a coarse copy of the source, and is counted). Prints a summary; exits 1 with the failures listed.
"""

import gzip
import json
import math
import random
import sys
import time
import urllib.error
import urllib.request

import mapbox_vector_tile
import shapely
import shapely.errors
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from shapely.geometry import shape
from shapely.validation import explain_validity

# tippecanoe's default limit, uncompressed, which MVT renderers are tuned for.
MAX_TILE_BYTES = 500_000


def fetch(base_url, path, patience=900.0):
    """GET a tile. A 503 (shed, or timed out while the server builds a zoom's arcs for the whole
    country on a busy machine) is retried after its Retry-After, as a client should, until
    `patience` seconds have passed."""
    deadline = time.monotonic() + patience
    request = urllib.request.Request(base_url + path, headers={"Accept-Encoding": "gzip"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                return response.status, body
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.monotonic() > deadline:
                raise
            time.sleep(float(error.headers.get("Retry-After") or 1))


def load_communes(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)["features"]


class Source:
    """The source communes, to tell a gap the tiles made from water or a gap the data has."""

    def __init__(self, features):
        self.shapes = [shape(f["geometry"]) for f in features]
        self.tree = shapely.STRtree(self.shapes)

    def land_fraction(self, polygon):
        """How much of a lon/lat polygon the source communes cover, from 0 to 1."""
        if polygon.area == 0:
            return 0.0
        pieces = []
        for i in self.tree.query(polygon):
            try:
                pieces.append(self.shapes[i].intersection(polygon))
            except shapely.errors.GEOSException:
                # The national data has a few invalid units; repair one only when it is needed.
                self.shapes[i] = shapely.make_valid(self.shapes[i])
                pieces.append(self.shapes[i].intersection(polygon))
        if not pieces:
            return 0.0
        return shapely.union_all(pieces).area / polygon.area


def tile_to_lon_lat(z, x, y, px, py, extent=4096):
    n = 2**z
    lon = (x + px / extent) / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / extent) / n))))
    return lon, lat


def check_geometry(zxy, raw, source, failures, stats):
    """GEOS validity of every commune polygon, and no new holes in their union: a hole of a
    cell or more that is mostly land in the source is a gap the tiles made."""
    label = "/".join(map(str, zxy))
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
                hole = shapely.Polygon(hole)
                if hole.area < 1.0:
                    continue
                inside = hole.representative_point()
                # A gap the tiles made is mostly land in the source; a coarse copy of an inlet
                # or of a gap in the data is mostly not.
                in_lon_lat = shapely.Polygon([tile_to_lon_lat(*zxy, x, y) for x, y in hole.exterior.coords])
                if source.land_fraction(in_lon_lat) > 0.5:
                    failures.append(f"{label}: a gap of {hole.area:.1f} unit² between communes, at {inside}")
                    stats["holes"] += 1
                else:
                    stats["source_gaps"] += 1
    stats["tiles"] += 1


def check_archive(archive, base_url, communes_path):
    failures = []
    stats = {"tiles": 0, "polygons": 0, "holes": 0, "source_gaps": 0}
    source = Source(load_communes(communes_path))
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
            check_geometry((z, x, y), raw, source, failures, stats)
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
    stats = {"tiles": 0, "polygons": 0, "holes": 0, "source_gaps": 0}
    features = load_communes(communes_path)
    source = Source(features)
    # A fixed sample: the same tiles every run, spread over the country and the zooms. Each
    # zoom's candidates are the tiles holding a commune's representative point; zooms with
    # fewer candidates than their share give the rest to the deeper zooms.
    rng = random.Random(20250701)
    points = [s.representative_point() for s in source.shapes]
    zooms = list(range(min_zoom, max_zoom + 1))
    tiles = []
    for index, z in enumerate(zooms):
        candidates = sorted({tile_of(p.x, p.y, z) for p in points})
        share = (count - len(tiles)) // (len(zooms) - index)
        tiles.extend(rng.sample(candidates, min(share, len(candidates))))
    biggest = (0, None)
    for z, x, y in tiles:
        status, raw = fetch(base_url, f"/tiles/{z}/{x}/{y}.mvt")
        if status != 200:
            failures.append(f"{z}/{x}/{y}: served {status} for a tile over a commune")
            continue
        biggest = max(biggest, (len(raw), f"{z}/{x}/{y}"))
        check_geometry((z, x, y), raw, source, failures, stats)
    stats["largest"] = f"{biggest[0]} bytes at {biggest[1]}"
    return failures, stats


def selftest():
    """The checks can fail: a bow-tie commune and a gap between two communes are reported."""

    class Everywhere:
        def land_fraction(self, polygon):
            return 1.0

    def tile(polygons):
        features = [{"geometry": p, "properties": {"code": str(i)}} for i, p in enumerate(polygons)]
        return mapbox_vector_tile.encode([{"name": "communes", "features": features}], default_options={"y_coord_down": True})

    failures, stats = [], {"tiles": 0, "polygons": 0, "holes": 0, "source_gaps": 0}
    # A ring that crosses itself (lopsided: the decoder drops rings of zero area, so a
    # symmetric bow-tie would never reach the check).
    bow_tie = "POLYGON ((0 0, 100 100, 100 0, 0 300, 0 0))"
    check_geometry((14, 0, 0), tile([bow_tie]), Everywhere(), failures, stats)
    invalid = [f for f in failures if "invalid" in f]
    ring = "POLYGON ((0 0, 300 0, 300 300, 0 300, 0 0), (100 100, 200 100, 200 200, 100 200, 100 100))"
    check_geometry((14, 0, 0), tile([ring]), Everywhere(), failures, stats)
    gaps = [f for f in failures if "gap" in f]
    if len(invalid) != 1 or len(gaps) != 1:
        return [f"selftest: expected one invalid polygon and one gap, got {failures}"], stats
    return [], {"selftest": "the checks report an invalid polygon and a gap"}


def main(argv):
    if len(argv) == 2 and argv[1] == "selftest":
        failures, stats = selftest()
    elif len(argv) == 5 and argv[1] == "archive":
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
