//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the same entry points
//! the cargo-fuzz targets call, on stable Rust: every seed, and every crash the fuzzer ever
//! found (saved there once fixed), stays a regression test of `cargo test`. (Being the
//! server's integration test, it also makes `cargo test` build `hue-map`, which the end-to-end
//! suites in `tests/` then run.)

use std::path::PathBuf;

use data_boundaries::address::AddressIndex;
use data_boundaries::Dataset;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = testkit::workspace_root().join("fuzz/corpus").join(target);
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files.sort();
    files
}

fn hue() -> Dataset {
    Dataset::load(&testkit::reference_data_dir()).expect("the reference data loads")
}

#[test]
fn loader_corpora_replay() {
    for (_, bytes) in corpus("load_communes") {
        data_boundaries::fuzzing::load_communes(&bytes);
    }
    for (_, bytes) in corpus("load_csv") {
        data_boundaries::fuzzing::load_csv(&bytes);
    }
}

#[test]
fn query_string_corpus_replays() {
    for (_, bytes) in corpus("query_string") {
        server::fuzzing::query_string(&bytes);
    }
}

#[test]
fn address_and_tile_corpora_replay_against_the_reference_data() {
    let data = hue();
    let index = AddressIndex::new(&data);
    for (_, bytes) in corpus("address") {
        data_boundaries::fuzzing::address(&data, &index, &bytes);
    }
    let source = tiles::TileSource::new(&data);
    for (_, bytes) in corpus("tile_coords") {
        server::fuzzing::tile_coords(&source, &bytes);
    }
}

#[test]
fn the_synthetic_seed_loads_cleanly() {
    // The CSV targets rely on it being valid, or they would never reach the row checks.
    let sources = data_boundaries::load::SourceFiles {
        communes: ("fuzz/communes.geojson".into(), data_boundaries::fuzzing::SYNTHETIC_COMMUNES.to_string()),
        offices: None,
        former_units: None,
    };
    let data = Dataset::from_sources(sources).expect("the synthetic communes load");
    assert_eq!(data.communes.len(), 2);
}
