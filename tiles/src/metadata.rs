//! TileJSON 3.0.0 for the tileset, shared by the HTTP endpoint and the PMTiles metadata.

use serde_json::{json, Value};

use crate::source::{LAYERS, MAX_ZOOM};
use crate::tile_math::to_lon_lat;
use crate::TileStore;

/// Credit for the data sources, as the data README asks.
pub const ATTRIBUTION: &str = "Boundaries © thanglequoc/vietnamese-provinces-database (MIT), from sapnhap.bando.com.vn (Bộ Nông nghiệp và Môi trường); addresses from tranngocminhhieu/vietnamadminunits (MIT); lineage from dvhcvn (MIT)";

/// `vector_layers` with each layer's fields and zoom range.
pub fn vector_layers() -> Value {
    Value::Array(
        LAYERS
            .iter()
            .map(|layer| {
                let fields: serde_json::Map<String, Value> =
                    layer.fields.iter().map(|(name, kind)| (name.to_string(), Value::from(*kind))).collect();
                json!({"id": layer.id, "description": layer.description, "fields": fields, "minzoom": 0, "maxzoom": MAX_ZOOM})
            })
            .collect(),
    )
}

/// The TileJSON document; `tiles_url` is the absolute URL template of the tiles.
pub fn tilejson(store: &TileStore, tiles_url: &str, version: &str) -> Value {
    let [x0, y0, x1, y1] = store.source().bounds;
    let [west, north] = to_lon_lat(x0, y0);
    let [east, south] = to_lon_lat(x1, y1);
    let round6 = |v: f64| (v * 1e6).round() / 1e6;
    json!({
        "tilejson": "3.0.0",
        "name": "Huế communes and wards (from 1 July 2025)",
        "description": "The 40 communes and wards of Thành phố Huế after the 2025 reform, their borders, labels, offices and former units.",
        "version": "1.0.0",
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": [round6(west), round6(south), round6(east), round6(north)],
        "center": [round6((west + east) / 2.0), round6((south + north) / 2.0), 10],
        "vector_layers": vector_layers(),
        "dataset_version": version,
    })
}
