//! Entry points for the server's cargo-fuzz targets in `fuzz/` (query strings and tile
//! paths), shared with the corpus replay test (`server/tests/fuzz_corpus.rs`), so a crash the
//! fuzzer finds is replayed by `cargo test` on stable from the committed corpus. The loader,
//! CSV and address targets live in `data_boundaries::fuzzing`, tile rendering in
//! `tiles::fuzzing`: each entry point sits in the crate it tests, behind the `fuzzing` feature,
//! out of the production build.

use tiles::{TileSource, MAX_ZOOM};

use crate::http::QueryParams;

/// Arbitrary bytes as a query string, through every accessor the handlers use. Every
/// rejection must be a 400 problem.
pub fn query_string(bytes: &[u8]) {
    let Ok(raw) = std::str::from_utf8(bytes) else { return };
    let params = match QueryParams::parse(Some(raw)) {
        Ok(params) => params,
        Err(problem) => return assert_eq!(problem.status.as_u16(), 400),
    };
    let statuses = [
        params.lon_lat().err(),
        params.integer_in("k", 5, 1, 100).err(),
        params.office_kinds().err(),
        params.single("q").err(),
        crate::routes::ogc::ItemsQuery::parse(&params).err(),
    ];
    for problem in statuses.into_iter().flatten() {
        assert_eq!(problem.status.as_u16(), 400, "{}", problem.detail);
    }
    if let Ok((lon, lat)) = params.lon_lat() {
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
    }
}

/// Arbitrary `z/x/y.mvt` paths: valid ones stay inside the grid, and the tile rendered for
/// them decodes as MVT.
pub fn tile_coords(source: &TileSource, bytes: &[u8]) {
    let Ok(path) = std::str::from_utf8(bytes) else { return };
    let mut parts = path.splitn(3, '/');
    let (Some(z), Some(x), Some(y)) = (parts.next(), parts.next(), parts.next()) else { return };
    match crate::http::tiles::parse_tile(z, x, y) {
        Err(problem) => assert_eq!(problem.status.as_u16(), 400),
        Ok(tile) => {
            assert!(tile.z <= MAX_ZOOM);
            tiles::fuzzing::render_tile(source, tile);
        }
    }
}
