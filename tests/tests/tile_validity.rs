//! The tiles are valid for tools we did not write. `tests/python/check_tiles.py` decodes them
//! with `mapbox-vector-tile` and checks every commune polygon with GEOS (shapely), and reads
//! the PMTiles export with the `pmtiles` package:
//! - every tile with data over Huế, z0–z14, from a clustered PMTiles export whose every tile
//!   must match what the server serves;
//! - a fixed sample of 300 national tiles, z5–z12, from a server running the national data:
//!   valid, none over 500 KB, and no new holes.

use e2e::{run, run_tool, Server};

fn checker() -> String {
    testkit::workspace_root().join("tests/python/check_tiles.py").display().to_string()
}

#[test]
fn the_checker_reports_an_invalid_polygon_and_a_gap() {
    let summary = run_tool("python", &[&checker(), "selftest"]);
    assert!(summary.contains("the checks report an invalid polygon and a gap"), "{summary}");
}

#[test]
fn every_huế_tile_z0_to_z14_is_valid_for_geos_and_the_clustered_archive_matches_http() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("hue.pmtiles");
    let output = run(&[
        "export-pmtiles",
        archive.to_str().unwrap(),
        "--maxzoom",
        "14",
        "--data",
        testkit::reference_data_dir().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let communes = testkit::reference_data_dir().join("communes.geojson");
    let server = Server::shared();
    let summary = run_tool(
        "python",
        &[&checker(), "archive", archive.to_str().unwrap(), &server.base, communes.to_str().unwrap()],
    );
    eprintln!("{summary}");
    let stats: serde_json::Value = serde_json::from_str(summary.lines().next().unwrap()).unwrap();
    assert_eq!(stats["max_zoom"], 14);
    assert!(stats["tiles"].as_u64().unwrap() > 1_000, "{stats}");
}

#[test]
fn a_fixed_sample_of_300_national_tiles_z5_to_z12_is_valid_for_geos_and_within_budget() {
    let national = testkit::shared_dir().join("data/vietnam-2025/communes.geojson.gz");
    // Tiles on demand: the sample is what this test reads (start-up has its own benchmark).
    let server =
        Server::start_with(&["--data", national.to_str().unwrap(), "--store", "none", "--pyramid-maxzoom", "0"], &[]);
    let summary =
        run_tool("python", &[&checker(), "sample", &server.base, national.to_str().unwrap(), "300", "5", "12"]);
    eprintln!("{summary}");
    let stats: serde_json::Value = serde_json::from_str(summary.lines().next().unwrap()).unwrap();
    assert_eq!(stats["tiles"], 300, "{stats}");
    assert_eq!(stats["holes"], 0, "{stats}");
}
