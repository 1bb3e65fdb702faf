#![no_main]
//! Arbitrary `z/x/y.mvt` paths: parsed, and rendered from the real Huế dataset when valid.

use std::sync::OnceLock;

use tiles::TileSource;

fn source() -> &'static TileSource {
    static SOURCE: OnceLock<TileSource> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = std::env::var("HUE_MAP_DATA")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/hue").into());
        let data = data_boundaries::Dataset::load(std::path::Path::new(&dir)).expect("the reference dataset loads");
        TileSource::new(&data)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| server::fuzzing::tile_coords(source(), data));
