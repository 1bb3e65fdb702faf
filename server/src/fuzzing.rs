//! Entry points for the cargo-fuzz targets in `fuzz/`, shared with the corpus replay test
//! (`server/tests/fuzz_corpus.rs`), so a crash the fuzzer finds is replayed by `cargo test`
//! on stable from the committed corpus. Each function feeds arbitrary bytes to one parser and
//! panics only when an invariant of ours is broken, which is what the fuzzer looks for.

use std::path::Path;

use data_boundaries::address::{AddressIndex, Status};
use data_boundaries::load::{decode_text, SourceFiles};
use data_boundaries::Dataset;
use prost::Message;
use tiles::{TileSource, MAX_ZOOM};

use crate::params::QueryParams;

/// A tiny, valid communes file of our own making, so the CSV targets reach the row checks.
pub const SYNTHETIC_COMMUNES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"1","name":"Một","full_name":"Phường Một","type":"phuong"},
 "geometry":{"type":"Polygon","coordinates":[[[107.0,16.0],[107.1,16.0],[107.1,16.1],[107.0,16.1],[107.0,16.0]]]}},
{"type":"Feature","properties":{"code":"2","name":"Hai","full_name":"Xã Hai","type":"xa"},
 "geometry":{"type":"Polygon","coordinates":[[[107.1,16.0],[107.2,16.0],[107.2,16.1],[107.1,16.1],[107.1,16.0]]]}}]}"#;

/// A load error must name the file it came from; a loaded dataset must answer locate
/// inside its own bounds without panicking.
fn check_loaded(result: Result<Dataset, data_boundaries::LoadError>, file: &str) {
    match result {
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains(file), "error does not name {file}: {message}");
        }
        Ok(data) => {
            let [west, south, east, north] = data.bounds();
            for (fx, fy) in [(0.5, 0.5), (0.0, 0.0), (1.0, 1.0), (0.25, 0.75)] {
                let (lon, lat) = (west + (east - west) * fx, south + (north - south) * fy);
                if lon.is_finite() && lat.is_finite() {
                    let location = data.locate(lon, lat);
                    if let Some(found) = location.commune {
                        assert!(found < data.communes.len());
                    }
                    let _ = data.nearest_commune(lon, lat);
                }
            }
            let _ = data.report.count(data_boundaries::Severity::Fatal);
        }
    }
}

/// Arbitrary bytes as `communes.geojson`.
pub fn load_communes(bytes: &[u8]) {
    let path = Path::new("fuzz/communes.geojson");
    let text = match decode_text(path, bytes.to_vec()) {
        Ok(text) => text,
        Err(error) => return assert!(error.to_string().contains("communes.geojson")),
    };
    let sources = SourceFiles { communes: (path.to_path_buf(), text), offices: None, former_units: None };
    check_loaded(Dataset::from_sources(sources), "communes.geojson");
}

/// Arbitrary bytes as `offices.csv` (first byte even) or `former_units.csv` (odd), beside
/// [`SYNTHETIC_COMMUNES`].
pub fn load_csv(bytes: &[u8]) {
    let Some((&selector, rest)) = bytes.split_first() else { return };
    let name = if selector % 2 == 0 { "offices.csv" } else { "former_units.csv" };
    let path = Path::new("fuzz").join(name);
    let text = match decode_text(&path, rest.to_vec()) {
        Ok(text) => text,
        Err(error) => return assert!(error.to_string().contains(name)),
    };
    let csv = Some((path, text));
    let (offices, former_units) = if selector % 2 == 0 { (csv, None) } else { (None, csv) };
    let sources = SourceFiles {
        communes: ("fuzz/communes.geojson".into(), SYNTHETIC_COMMUNES.to_string()),
        offices,
        former_units,
    };
    check_loaded(Dataset::from_sources(sources), name);
}

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

/// Arbitrary text through the old-address parser: a match has a new unit and an address
/// that ends in the new city; "not recognised" never guesses.
pub fn address(data: &Dataset, index: &AddressIndex, bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let conversion = index.convert(data, text);
    assert!((0.0..=1.0).contains(&conversion.confidence), "confidence {}", conversion.confidence);
    match conversion.status {
        Status::Matched => {
            let best = conversion.best.expect("a match has a best candidate");
            assert!(best.new_address.ends_with("Thành phố Huế"), "{}", best.new_address);
            assert!(best.new_commune < data.communes.len());
        }
        Status::Ambiguous => assert!(conversion.alternatives.len() >= 2),
        Status::NotRecognised => assert!(conversion.best.is_none()),
    }
}

/// Arbitrary `z/x/y.mvt` paths: valid ones stay inside the grid, and the tile rendered for
/// them decodes as MVT.
pub fn tile_coords(source: &TileSource, bytes: &[u8]) {
    let Ok(path) = std::str::from_utf8(bytes) else { return };
    let mut parts = path.splitn(3, '/');
    let (Some(z), Some(x), Some(y)) = (parts.next(), parts.next(), parts.next()) else { return };
    match crate::routes::tiles::parse_tile(z, x, y) {
        Err(problem) => assert_eq!(problem.status.as_u16(), 400),
        Ok(tile) => {
            assert!(tile.z <= MAX_ZOOM);
            assert!((tile.x as u64) < (1u64 << tile.z) && (tile.y as u64) < (1u64 << tile.z));
            if let Some(bytes) = source.render(tile) {
                tiles::mvt::Tile::decode(bytes.as_slice()).expect("our tiles decode");
            }
        }
    }
}
