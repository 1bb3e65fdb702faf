//! TileJSON 3.0.0 for the tileset, shared by the HTTP endpoint and the PMTiles metadata.

use serde::Serialize;
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

/// A TileJSON 3.0.0 document: the fields this service writes, for its own tiles and for a
/// street basemap it serves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TileJson {
    /// Always `3.0.0`.
    pub tilejson: &'static str,
    /// The tileset's name.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// What the tileset shows.
    pub description: Option<String>,
    /// The tileset's own version (semver), not the data's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Credit for the sources, to show on the map.
    pub attribution: String,
    /// Always `xyz`.
    pub scheme: &'static str,
    /// The tile URL templates (`{z}/{x}/{y}`); empty in a PMTiles archive's metadata.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiles: Vec<String>,
    /// The lowest zoom with tiles.
    pub minzoom: u8,
    /// The highest zoom with tiles; deeper zooms overzoom these.
    pub maxzoom: u8,
    /// West, south, east, north, in degrees.
    pub bounds: [f64; 4],
    /// Longitude, latitude and zoom to open at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub center: Option<[f64; 3]>,
    /// Each layer with its fields and zoom range.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub vector_layers: Value,
    /// The dataset's version the tiles were made from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_version: Option<String>,
}

/// The TileJSON document; `tiles_url` is the absolute URL template of the tiles (none for
/// a PMTiles archive, which holds its tiles).
pub fn tilejson(store: &TileStore, tiles_url: Option<&str>, version: &str) -> TileJson {
    let [x0, y0, x1, y1] = store.source().bounds;
    let [west, north] = to_lon_lat(x0, y0);
    let [east, south] = to_lon_lat(x1, y1);
    let round6 = |v: f64| (v * 1e6).round() / 1e6;
    // A dataset of many provinces is the country's; one that names none is a city's (Huế's).
    let (units, provinces) = store.source().extent;
    let (name, description) = if provinces > 1 {
        (
            "Vietnam's communes and wards (from 1 July 2025)".to_string(),
            format!("The {units} communes, wards and special zones of Vietnam's {provinces} provinces after the 2025 reform, their borders, labels, offices and former units."),
        )
    } else {
        (
            "Huế communes and wards (from 1 July 2025)".to_string(),
            format!("The {units} communes and wards of Thành phố Huế after the 2025 reform, their borders, labels, offices and former units."),
        )
    };
    TileJson {
        tilejson: "3.0.0",
        name,
        description: Some(description),
        version: Some("1.0.0".into()),
        attribution: ATTRIBUTION.into(),
        scheme: "xyz",
        tiles: tiles_url.map(str::to_string).into_iter().collect(),
        minzoom: 0,
        maxzoom: MAX_ZOOM,
        bounds: [round6(west), round6(south), round6(east), round6(north)],
        center: Some([round6((west + east) / 2.0), round6((south + north) / 2.0), 10.0]),
        vector_layers: vector_layers(),
        dataset_version: Some(version.to_string()),
    }
}
