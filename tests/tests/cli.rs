//! The command line: it describes itself (`--help`, `--version`) and refuses bad arguments
//! before loading anything; `check` reports and sets its exit code; a missing dataset is one
//! clear message.

use e2e::run;
use testkit::reference_data_dir;

#[test]
fn help_lists_the_commands() {
    let output = run(&["--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{help}");
    for command in ["serve", "check", "export-pmtiles"] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
}

#[test]
fn version_is_the_workspace_version() {
    // This crate and the server both take the workspace's version.
    let output = run(&["--version"]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("hue-map {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_out_of_range_zoom_is_refused_before_anything_loads() {
    let output = run(&["export-pmtiles", "x.pmtiles", "--maxzoom", "17"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("17"));
}

#[test]
fn check_reports_the_five_misplaced_points_and_exits_0() {
    let output = run(&["check", "--data", reference_data_dir().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for name in ["Thuận Hòa", "Long Hồ", "Dương Nỗ", "Hương Phong", "Quảng Nhâm"] {
        assert!(stdout.lines().any(|l| l.contains("former_units.csv") && l.contains(name)), "{name} not in:\n{stdout}");
    }
    assert!(stdout.contains("0 fatal, 5 warning(s)"), "{stdout}");
    assert!(stdout.contains("usable"));
}

#[test]
fn check_exits_1_on_a_broken_dataset() {
    let dir = tempfile_dir();
    for file in ["communes.geojson", "offices.csv", "former_units.csv"] {
        std::fs::copy(reference_data_dir().join(file), dir.join(file)).unwrap();
    }
    // Point one lineage row at a code that does not exist.
    let former = std::fs::read_to_string(dir.join("former_units.csv")).unwrap().replacen(
        ",19753,Phường Phú Xuân,",
        ",99999,Phường Phú Xuân,",
        1,
    );
    std::fs::write(dir.join("former_units.csv"), former).unwrap();
    let output = run(&["check", "--data", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Fatal former_units.csv: former unit 19750 (Phường Tây Lộc): new_code 99999"), "{stdout}");
    // The truncated communes file is refused by name, with the position.
    let communes = std::fs::read_to_string(reference_data_dir().join("communes.geojson")).unwrap();
    std::fs::write(dir.join("communes.geojson"), &communes[..communes.len() / 2]).unwrap();
    let output = run(&["check", "--data", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("communes.geojson: not valid JSON at line"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn options_before_a_command_are_refused_not_ignored() {
    let output = run(&["--data", "/nonexistent/hue-data", "serve", "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--data") && stderr.contains("serve"), "{stderr}");
    // Without a command they are the default command's own.
    let output = run(&["--data", "/nonexistent/hue-data", "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/hue-data"), "{stderr}");
}

#[test]
fn a_basemap_style_that_is_not_a_web_url_is_refused_before_loading() {
    let output = run(&["serve", "--basemap-style", "styles/light.json", "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--basemap-style") && stderr.contains("styles/light.json"), "{stderr}");
    assert!(!stderr.contains("dataset loaded"), "{stderr}");
}

#[test]
fn serve_without_a_dataset_says_where_it_looked() {
    let output = run(&["serve", "--data", "/nonexistent/hue-data", "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent/hue-data") && stderr.contains("--data"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("hue-map-cli-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_basemap_that_is_not_a_pmtiles_archive_is_refused_naming_the_file() {
    let not_an_archive = env!("CARGO_MANIFEST_PATH");
    let data = reference_data_dir();
    // With stdin closed, a server that wrongly started would stop at once instead of hanging.
    let output = std::process::Command::new(e2e::binary())
        .args(["serve", "--store", "none", "--listen", "127.0.0.1:0", "--stop-on-stdin-eof"])
        .args(["--data", data.to_str().unwrap(), "--basemap", not_an_archive])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(not_an_archive) && stderr.contains("PMTiles"), "{stderr}");
    assert!(!stderr.contains("dataset loaded"), "refused before loading the dataset: {stderr}");
}

#[test]
fn export_shows_a_progress_bar_on_a_terminal_and_plain_lines_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let data = reference_data_dir();
    let out = dir.path().join("hue.pmtiles");
    let args = ["export-pmtiles", out.to_str().unwrap(), "--maxzoom", "11", "--data", data.to_str().unwrap()];
    // Not a terminal (captured): log lines, no bar.
    let piped = run(&args);
    assert!(piped.status.success());
    let log = String::from_utf8_lossy(&piped.stderr);
    assert!(log.contains("tiles rendered") && !log.contains("rendering tiles ["), "{log}");
    // A terminal: `script` runs the command on a pseudo-terminal.
    let command = std::iter::once(e2e::binary().to_str().unwrap().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let terminal = std::process::Command::new("script").args(["-qec", &command, "/dev/null"]).output().unwrap();
    assert!(terminal.status.success());
    let screen = String::from_utf8_lossy(&terminal.stdout);
    assert!(screen.contains("rendering tiles [") && screen.contains("tiles,"), "{screen}");
}

#[test]
fn check_shows_its_steps_on_a_terminal_and_as_lines_otherwise() {
    let data = reference_data_dir();
    let args = ["check", "--data", data.to_str().unwrap()];
    let piped = run(&args);
    assert!(piped.status.success());
    let log = String::from_utf8_lossy(&piped.stderr);
    assert!(log.contains("step 1/4: reading the files") && log.contains("step 4/4: checking"), "{log}");
    assert!(!log.contains("loading the dataset ["), "{log}");
    let command = format!("{} {}", e2e::binary().display(), args.join(" "));
    let terminal = std::process::Command::new("script").args(["-qec", &command, "/dev/null"]).output().unwrap();
    assert!(terminal.status.success());
    let screen = String::from_utf8_lossy(&terminal.stdout);
    // indicatif draws at most 20 times a second, so a fast load may skip steps on screen.
    assert!(screen.contains("loading the dataset [") && screen.contains("step "), "{screen}");
    assert!(screen.contains("usable"), "the report follows: {screen}");
}
