//! Paths to the shared data beside the repository (never copied into it).
#![allow(dead_code)]

use std::path::PathBuf;

pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

pub fn hue() -> PathBuf {
    shared().join("data/hue")
}

/// One of tg's benchmark polygons (br, tx, az, bc, ri) from the shared test material.
pub fn tg_shape(name: &str) -> geo::Polygon<f64> {
    let path = shared().join(format!("external/tg-relations/shapes/{name}.geojson"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let feature: geojson::Feature = text.parse().expect("a GeoJSON Feature");
    geo::Polygon::try_from(feature.geometry.expect("geometry").value).expect("a Polygon")
}

/// The GEOS oracle rows for a shape: (kind, x, y, contains, covers).
pub fn oracle_rows(name: &str) -> Vec<(String, f64, f64, bool, bool)> {
    let path = shared().join(format!("external/tg-relations/pip-oracle/{name}.csv"));
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            (r[0].to_string(), r[1].parse().unwrap(), r[2].parse().unwrap(), &r[3] == "1", &r[4] == "1")
        })
        .collect()
}

pub const TG_SHAPES: [&str; 5] = ["br", "tx", "az", "bc", "ri"];
