//! The binary's command line describes itself. (Also makes `cargo test` build `hue-map`, which
//! the end-to-end suites in `tests/` then run.)

use std::process::Command;

fn hue_map(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hue-map")).args(args).output().expect("hue-map runs");
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn help_lists_the_commands() {
    let (ok, help) = hue_map(&["--help"]);
    assert!(ok);
    for command in ["serve", "check", "export-pmtiles"] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
}

#[test]
fn version_is_the_workspace_version() {
    let (ok, version) = hue_map(&["--version"]);
    assert!(ok);
    assert_eq!(version.trim(), format!("hue-map {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_out_of_range_zoom_is_refused_before_anything_loads() {
    let output = Command::new(env!("CARGO_BIN_EXE_hue-map"))
        .args(["export-pmtiles", "x.pmtiles", "--maxzoom", "17"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("17"));
}
