//! Shared set-up: the reference data (its path from `testkit`), its tile store, and decoding
//! with mvt-reader (an independent decoder, not ours).
#![allow(dead_code)]

use std::sync::OnceLock;

use data_boundaries::Dataset;
use tiles::{Lookup, TileId, TileSource, TileStore};

/// The Huế reference dataset, loaded once per test binary.
pub fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::load(&testkit::reference_data_dir()).expect("the reference dataset loads"))
}

/// The store with the pyramid pre-rendered to z12 (what these tests read).
pub fn store() -> &'static TileStore {
    static STORE: OnceLock<TileStore> = OnceLock::new();
    STORE.get_or_init(|| TileStore::build(TileSource::new(dataset()), 12, 64))
}

/// Every tile with data at zoom z: from the pyramid up to z12, rendered on demand above.
pub fn tiles_at(z: u8) -> Vec<(TileId, Vec<u8>)> {
    if z <= store().pyramid_max_zoom() {
        return store()
            .pyramid_tiles()
            .into_iter()
            .filter(|(id, _)| id.z == z)
            .map(|(id, tile)| (id, tile.raw.to_vec()))
            .collect();
    }
    tiles::tile_math::tiles_covering(store().source().bounds, z).filter_map(|id| Some((id, raw_tile(id)?))).collect()
}

pub fn raw_tile(id: TileId) -> Option<Vec<u8>> {
    match store().get(id) {
        Lookup::Tile(t) => Some(t.raw.to_vec()),
        Lookup::Empty => None,
    }
}

/// One decoded layer: (name, features).
pub type Decoded = Vec<(String, Vec<mvt_reader::feature::Feature<f64>>)>;

pub fn decode(bytes: &[u8]) -> Decoded {
    let reader = mvt_reader::Reader::new(bytes.to_vec()).expect("mvt-reader parses the tile");
    let names = reader.get_layer_names().expect("layer names");
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, reader.get_features_as::<f64>(i).expect("features decode")))
        .collect()
}

pub fn string_property(feature: &mvt_reader::feature::Feature<f64>, key: &str) -> Option<String> {
    match feature.properties.as_ref()?.get(key)? {
        mvt_reader::feature::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}
