//! Validation on small synthetic datasets: each defect is found, named, and given the right
//! severity; fatal ones refuse the load with a message naming the file and the feature or row.

use std::path::Path;

use data_boundaries::validate::Check;
use data_boundaries::{Dataset, LoadError, Severity};

/// A square commune feature with corners (x, y) and (x + size, y + size).
fn square(code: &str, x: f64, y: f64, size: f64) -> String {
    let (x1, y1) = (x + size, y + size);
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}","name":"Ô {code}","type":"xa"}},
        "geometry":{{"type":"MultiPolygon","coordinates":[[[[{x},{y}],[{x},{y1}],[{x1},{y1}],[{x1},{y}],[{x},{y}]]]]}}}}"#
    )
}

fn write_dataset(dir: &Path, features: &[String], offices: &str, former: &str) {
    let collection = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    std::fs::write(dir.join("communes.geojson"), collection).unwrap();
    std::fs::write(
        dir.join("offices.csv"),
        format!("id,kind,commune_code,name,address,lon,lat,position_precision,source\n{offices}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("former_units.csv"),
        format!("old_code,old_name,old_district,new_code,new_name,lon,lat,position_precision,resolution\n{former}"),
    )
    .unwrap();
}

fn seats(codes: &[(&str, f64, f64)]) -> String {
    codes
        .iter()
        .map(|(c, x, y)| format!("seat-{c},commune_seat,{c},Trụ sở {c},addr,{x},{y},commune_label_point,test\n"))
        .collect()
}

/// A clean two-by-two grid of 0.01° squares near Huế.
fn grid() -> Vec<String> {
    vec![
        square("1", 107.0, 16.0, 0.01),
        square("2", 107.01, 16.0, 0.01),
        square("3", 107.0, 16.01, 0.01),
        square("4", 107.01, 16.01, 0.01),
    ]
}

fn grid_seats() -> String {
    seats(&[("1", 107.005, 16.005), ("2", 107.015, 16.005), ("3", 107.005, 16.015), ("4", 107.015, 16.015)])
}

#[test]
fn a_clean_grid_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(
        dir.path(),
        &grid(),
        &grid_seats(),
        "10,Xã Cũ,Huyện X,1,Xã Ô 1,107.001,16.001,approximate_geocoded,r\n",
    );
    let data = Dataset::load(dir.path()).unwrap();
    assert!(data.report.findings.is_empty(), "{:#?}", data.report.findings);
}

#[test]
fn duplicate_codes_are_fatal_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut features = grid();
    features[3] = square("1", 107.01, 16.01, 0.01);
    write_dataset(dir.path(), &features, &grid_seats(), "");
    let error = Dataset::load(dir.path()).err().expect("refused");
    let LoadError::Rejected { findings } = &error else { panic!("{error}") };
    assert!(findings.iter().any(|f| f.check == Check::DuplicateCode && f.subject == "code 1"), "{error}");
    assert!(error.to_string().contains("communes.geojson: code 1: more than one feature has this code"), "{error}");
}

#[test]
fn lineage_and_offices_pointing_at_unknown_codes_are_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let offices = format!("{}x,post_office,77,Bưu điện,addr,107.005,16.005,geocoded,t\n", grid_seats());
    write_dataset(dir.path(), &grid(), &offices, "10,Xã Cũ,Huyện X,99,Xã Mất,107.001,16.001,approximate_geocoded,r\n");
    let message = Dataset::load(dir.path()).err().expect("refused").to_string();
    assert!(message.contains("former_units.csv: former unit 10 (Xã Cũ): new_code 99 is not a commune"), "{message}");
    assert!(message.contains("offices.csv: office x (Bưu điện): commune_code 77 is not a commune"), "{message}");
}

#[test]
fn a_self_intersecting_polygon_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let bow_tie = r#"{"type":"Feature","properties":{"code":"5","name":"Nơ","type":"xa"},
        "geometry":{"type":"Polygon","coordinates":[[[108,16],[108.01,16.01],[108.01,16],[108,16.01],[108,16]]]}}"#;
    let mut features = grid();
    features.push(bow_tie.to_string());
    write_dataset(dir.path(), &features, &grid_seats(), "");
    let message = Dataset::load(dir.path()).err().expect("refused").to_string();
    assert!(
        message.contains("commune 5 (Xã Nơ): part 0 is invalid: the exterior ring has a self-intersection"),
        "{message}"
    );
}

#[test]
fn overlaps_gaps_misplaced_points_and_seat_counts_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    // A ring of eight squares around an empty middle: the middle is a gap. Square 9 overlaps 1.
    let s = 0.01;
    let mut features = Vec::new();
    for (code, (i, j)) in (1..).zip([(0, 0), (1, 0), (2, 0), (0, 1), (2, 1), (0, 2), (1, 2), (2, 2)]) {
        features.push(square(&code.to_string(), 107.0 + i as f64 * s, 16.0 + j as f64 * s, s));
    }
    features.push(square("9", 106.995, 15.995, s));
    let offices =
        seats(&[("1", 107.005, 16.005), ("1", 107.006, 16.006), ("3", 107.5, 16.5)]).replacen("seat-1,", "seat-1b,", 1);
    let former = "10,Phường Lạc,Huyện X,2,Xã Ô 2,107.025,16.025,approximate_geocoded,r\n";
    write_dataset(dir.path(), &features, &offices, former);
    let data = Dataset::load(dir.path()).expect("warnings do not refuse the load");
    let report = &data.report;
    let of = |check: Check| report.findings.iter().filter(move |f| f.check == check);
    let overlap = of(Check::Overlap).next().expect("overlap found");
    assert_eq!(overlap.communes, vec!["1", "9"]);
    let area = overlap.area_m2.unwrap();
    assert!(area > 200_000.0 && area < 300_000.0, "a quarter of a ~1.1 km square: {area}");
    let gap = of(Check::Gap).next().expect("gap found");
    // One 0.01° square at 16° N, about 1.07 km × 1.11 km; a hole measured with the wrong
    // winding would come out as the rest of the globe.
    let area = gap.area_m2.unwrap();
    assert!(area > 1_100_000.0 && area < 1_250_000.0, "{area}");
    assert!(of(Check::FormerUnitOutsideNewUnit).any(|f| f.subject.contains("Phường Lạc")));
    assert!(of(Check::OfficeOutsideCommune).any(|f| f.subject.contains("seat-3")));
    assert!(of(Check::SeatCount).any(|f| f.communes == ["1"] && f.message.contains("2 commune seats")));
    assert!(of(Check::SeatCount).any(|f| f.communes == ["2"] && f.message.contains("0 commune seats")));
    assert!(report.findings.iter().all(|f| f.severity != Severity::Fatal));
}

#[test]
fn unreadable_files_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), &grid(), &grid_seats(), "");
    let communes = dir.path().join("communes.geojson");
    std::fs::write(&communes, "").unwrap();
    assert_eq!(
        Dataset::load(dir.path()).err().unwrap().to_string(),
        format!("{}: the file is empty", communes.display())
    );
    std::fs::write(&communes, b"{\"type\":\"FeatureCollection\",\"features\":[\xff]}").unwrap();
    assert!(Dataset::load(dir.path())
        .err()
        .unwrap()
        .to_string()
        .contains("not valid UTF-8 (first bad byte at offset 40)"));
    write_dataset(dir.path(), &grid(), &grid_seats(), "");
    std::fs::write(dir.path().join("offices.csv"), "id,kind\nx\n").unwrap();
    let message = Dataset::load(dir.path()).err().unwrap().to_string();
    assert!(message.contains("offices.csv: line 1: the header lacks column(s) commune_code"), "{message}");
}

#[test]
fn a_missing_folder_is_named_and_a_dataset_described_without_cli_words() {
    let message = Dataset::load(Path::new("/nonexistent/hue")).err().unwrap().to_string();
    assert_eq!(
        message,
        "no dataset at /nonexistent/hue: the folder does not exist; a dataset is a folder holding communes.geojson or communes.geojson.gz (and optionally offices.csv and former_units.csv), or one communes GeoJSON file, gzipped or not"
    );
    let dir = tempfile::tempdir().unwrap();
    let message = Dataset::load(dir.path()).err().unwrap().to_string();
    assert!(
        message.contains("it holds no communes.geojson (nor communes.geojson.gz); a dataset is a folder"),
        "{message}"
    );
    assert!(!message.contains("--data") && !message.contains("HUE_MAP_DATA"), "{message}");
}
