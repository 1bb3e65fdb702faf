#!/usr/bin/env python3
"""Writes a small synthetic street basemap for the tests: a PMTiles v3 archive of gzip MVT
tiles in the Protomaps basemap schema (layers earth, water, roads and places), covering the
middle of Huế at z12-z15. Its content is made up here, by the test, and says so: two roads
named "Đường thử nghiệm 1/2" (test road), a river polygon, a place label "Điểm thử nghiệm" and
two points of interest named as the citadel's are (Đại Nội, Ngọ Môn), for landmark search.

Usage: make_basemap.py OUT.pmtiles"""
import gzip
import json
import math
import sys

import mapbox_vector_tile
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

EXTENT = 4096
WEST, SOUTH, EAST, NORTH = 107.56, 16.44, 107.62, 16.48
# Thuận Hoá's middle: a major road running east-west, a minor one north-south, a river strip.
ROADS = [
    {"kind": "major_road", "name": "Đường thử nghiệm 1", "coords": [(107.565, 16.458), (107.575, 16.4585), (107.59, 16.459)]},
    {"kind": "minor_road", "kind_detail": "residential", "name": "Đường thử nghiệm 2", "coords": [(107.58, 16.45), (107.5805, 16.47)]},
]
RIVER = [(107.56, 16.466), (107.62, 16.469), (107.62, 16.472), (107.56, 16.469), (107.56, 16.466)]
PLACE = {"kind": "locality", "name": "Điểm thử nghiệm", "coords": (107.585, 16.462)}
# Two points of interest where the citadel's are, named as a real basemap names them, for
# the landmark search: found by "dai noi", "Đại Nội" or "Imperial City".
POIS = [
    {"kind": "attraction", "name": "Dai Noi", "name:vi": "Đại Nội", "name:en": "Imperial City", "coords": (107.5786, 16.4698)},
    {"kind": "attraction", "name": "Ngọ Môn", "name:en": "Noon Gate", "coords": (107.5790, 16.4669)},
]


def world(lon, lat, z):
    """Web Mercator pixel coordinates at zoom z, in tile units (EXTENT per tile)."""
    n = 2**z * EXTENT
    r = math.radians(lat)
    return (lon + 180) / 360 * n, (1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n


def tile_range(z):
    (x0, y0), (x1, y1) = world(WEST, NORTH, z), world(EAST, SOUTH, z)
    return range(int(x0 // EXTENT), int(x1 // EXTENT) + 1), range(int(y0 // EXTENT), int(y1 // EXTENT) + 1)


def local(points, z, x, y):
    out = []
    for lon, lat in points:
        px, py = world(lon, lat, z)
        out.append((round(px - x * EXTENT), round(py - y * EXTENT)))
    return out


def wkt_line(points):
    return "LINESTRING(" + ", ".join(f"{a} {b}" for a, b in points) + ")"


def tile(z, x, y):
    earth_ring = [(-64, -64), (EXTENT + 64, -64), (EXTENT + 64, EXTENT + 64), (-64, EXTENT + 64), (-64, -64)]
    layers = [
        {"name": "earth", "features": [{"geometry": "POLYGON((" + ", ".join(f"{a} {b}" for a, b in earth_ring) + "))", "properties": {"kind": "earth"}}]},
        {"name": "water", "features": [{"geometry": "POLYGON((" + ", ".join(f"{a} {b}" for a, b in local(RIVER, z, x, y)) + "))", "properties": {"kind": "water"}}]},
        {"name": "roads", "features": [
            {"geometry": wkt_line(local(r["coords"], z, x, y)), "properties": {"kind": r["kind"], "kind_detail": r.get("kind_detail", r["kind"]), "name": r["name"], "name:vi": r["name"], "min_zoom": 10}}
            for r in ROADS
        ]},
        {"name": "pois", "features": [
            {"geometry": "POINT({} {})".format(*local([p["coords"]], z, x, y)[0]),
             "properties": {k: v for k, v in p.items() if k != "coords"} | {"min_zoom": 13}}
            for p in POIS
        ]},
        {"name": "places", "features": [
            {"geometry": "POINT({} {})".format(*local([PLACE["coords"]], z, x, y)[0]),
             "properties": {"kind": PLACE["kind"], "name": PLACE["name"], "name:vi": PLACE["name"], "min_zoom": 8, "population_rank": 10}}
        ]},
    ]
    return mapbox_vector_tile.encode(layers, default_options={"extents": EXTENT, "y_coord_down": True, "on_invalid_geometry": mapbox_vector_tile.encoder.on_invalid_geometry_make_valid})


def main(out):
    entries = []
    for z in range(12, 16):
        xs, ys = tile_range(z)
        for x in xs:
            for y in ys:
                entries.append((zxy_to_tileid(z, x, y), gzip.compress(tile(z, x, y))))
    entries.sort()
    with open(out, "wb") as f:
        writer = Writer(f)
        for tile_id, data in entries:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
                "min_zoom": 12, "max_zoom": 15,
                "min_lon_e7": int(WEST * 1e7), "min_lat_e7": int(SOUTH * 1e7), "max_lon_e7": int(EAST * 1e7), "max_lat_e7": int(NORTH * 1e7),
                "center_zoom": 14, "center_lon_e7": int((WEST + EAST) / 2 * 1e7), "center_lat_e7": int((SOUTH + NORTH) / 2 * 1e7),
            },
            {
                "name": "Synthetic test basemap",
                "attribution": "Synthetic test data, made by the hue-map tests",
                # Every layer of the Protomaps basemap schema, as a real build declares them;
                # this archive fills four.
                "vector_layers": [
                    {"id": name, "fields": {}}
                    for name in ["boundaries", "buildings", "earth", "landcover", "landuse", "places", "pois", "roads", "transit", "water"]
                ],
            },
        )
    print(json.dumps({"tiles": len(entries)}))


if __name__ == "__main__":
    main(sys.argv[1])
