//! Entry points for the cargo-fuzz targets in `fuzz/` that exercise the tile renderer,
//! shared with the corpus replay on stable, so a crash the fuzzer finds is replayed by
//! `cargo test` from the committed corpus. Each function panics only when an invariant of
//! ours is broken, which is what the fuzzer looks for. Parsing a tile URL is the server's
//! part; this is the part after it. Compiled only with the `fuzzing` feature.

use prost::Message;

use crate::mvt::{Tile, EXTENT};
use crate::source::LAYERS;
use crate::{TileId, TileSource};

/// Renders the tile `tile` and checks what comes out: the id is inside its zoom's grid, and
/// the bytes (when the tile has data) decode as MVT with known, non-empty, version-2 layers
/// of extent [`EXTENT`].
pub fn render_tile(source: &TileSource, tile: TileId) {
    let grid = 1u64 << tile.z;
    assert!(u64::from(tile.x) < grid && u64::from(tile.y) < grid, "{tile:?} is outside its grid");
    let Some(bytes) = source.render(tile) else { return };
    let decoded = Tile::decode(bytes.as_slice()).expect("our tiles decode");
    assert!(!decoded.layers.is_empty(), "{tile:?}: a tile with data has a layer");
    for layer in &decoded.layers {
        assert!(LAYERS.iter().any(|l| l.id == layer.name), "{tile:?}: unknown layer {:?}", layer.name);
        assert!(!layer.features.is_empty(), "{tile:?}: empty layer {:?} should have been left out", layer.name);
        assert_eq!((layer.version, layer.extent), (2, Some(EXTENT)), "{tile:?}: layer {:?}", layer.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_boundaries::load::SourceFiles;
    use data_boundaries::Dataset;

    #[test]
    fn tiles_with_and_without_data_pass() {
        let communes = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"1","name":"Một","type":"phuong"},
             "geometry":{"type":"Polygon","coordinates":[[[107.0,16.0],[107.1,16.0],[107.1,16.1],[107.0,16.1],[107.0,16.0]]]}}]}"#;
        let sources = SourceFiles {
            communes: ("communes.geojson".into(), communes.to_string()),
            offices: None,
            former_units: None,
        };
        let source = TileSource::new(&Dataset::from_sources(sources).unwrap());
        let [x, y] = crate::tile_math::to_unit(107.05, 16.05);
        let with_data = TileId::new(10, (x * 1024.0) as u32, (y * 1024.0) as u32).unwrap();
        assert!(source.render(with_data).is_some());
        render_tile(&source, with_data);
        for (z, x, y) in [(0, 0, 0), (16, 0, 0), (16, 65535, 65535)] {
            render_tile(&source, TileId::new(z, x, y).unwrap());
        }
    }
}
