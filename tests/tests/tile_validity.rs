//! The tiles are valid for tools we did not write. `tests/python/check_tiles.py` decodes them
//! with `mapbox-vector-tile` and checks every commune polygon with GEOS (shapely), and reads
//! the PMTiles export with the `pmtiles` package:
//! every tile with data over Huế, z0–z14, from a clustered PMTiles export whose every tile
//! must match what the server serves.

use e2e::{run, run_tool, Server};

fn checker() -> String {
    testkit::workspace_root().join("tests/python/check_tiles.py").display().to_string()
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
