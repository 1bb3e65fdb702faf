//! Set-up shared by the suites: the reference dataset loaded once per test binary, its
//! address index, and tg's benchmark polygons with their GEOS oracle. Paths come from
//! `testkit` (the shared material beside the repository, never copied into it).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use data_boundaries::address::AddressIndex;
use data_boundaries::Dataset;

/// The Huế reference dataset, loaded once per test binary.
pub fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::load(&testkit::reference_data_dir()).expect("the reference dataset loads"))
}

/// The address index of the reference dataset, built once per test binary.
pub fn address_index() -> &'static AddressIndex {
    static INDEX: OnceLock<AddressIndex> = OnceLock::new();
    INDEX.get_or_init(|| AddressIndex::new(dataset()))
}

fn tg_relations() -> PathBuf {
    testkit::shared_dir().join("external/tg-relations")
}

/// One of tg's benchmark polygons (br, tx, az, bc, ri) from the shared test material.
pub fn tg_shape(name: &str) -> geo::Polygon<f64> {
    let path = tg_relations().join(format!("shapes/{name}.geojson"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let feature: geojson::Feature = text.parse().expect("a GeoJSON Feature");
    geo::Polygon::try_from(feature.geometry.expect("geometry").value).expect("a Polygon")
}

/// The GEOS oracle rows for a shape: (kind, x, y, contains, covers).
pub fn oracle_rows(name: &str) -> Vec<(String, f64, f64, bool, bool)> {
    let path = tg_relations().join(format!("pip-oracle/{name}.csv"));
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
