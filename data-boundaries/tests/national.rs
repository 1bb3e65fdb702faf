//! The national dataset (3,321 units, 7.1 M vertices, one gzipped GeoJSON; and as a folder,
//! with its seats and split lineage) loads, reports its real overlaps, and locate returns every
//! containing unit where they overlap.

use data_boundaries::validate::{Check, Severity};
use data_boundaries::{Dataset, Share};

#[test]
fn the_national_folder_loads_with_seats_split_lineage_and_units_without_a_point() {
    let dir = testkit::shared_dir().join("data/vietnam-2025");
    let data = Dataset::load(&dir).expect("the national folder is usable");
    assert_eq!((data.communes.len(), data.offices.len(), data.former_units.len()), (3_321, 3_321, 10_587));
    assert!(data.communes.iter().all(|c| c.province_name.is_some()));
    assert_eq!(data.offices.iter().filter(|o| o.address.is_empty()).count(), 533, "seats without an address load");
    assert_eq!(data.former_units.iter().filter(|u| u.point.is_none()).count(), 34, "links without a point load");
    // A split unit: one link per new unit that took a part of it, every link marked part.
    let parts = data.former_units.iter().filter(|u| u.share == Share::Part).count();
    assert_eq!(parts, 1_012);
    let split = data.former_units.iter().find(|u| u.share == Share::Part).unwrap();
    let links = data.links_of_former_unit(&split.old_code);
    assert!(links.len() >= 2 && links.iter().all(|&i| data.former_units[i].share == Share::Part));
    // Nothing fatal; the sources' disagreements are warnings the check reports.
    assert!(data.report.findings.iter().all(|f| f.severity != Severity::Fatal));
    let outside = data.report.findings.iter().filter(|f| f.check == Check::FormerUnitOutsideNewUnit).count();
    assert!((300..=360).contains(&outside), "{outside} former units' points outside (CHECKS.md: 347)");
}

#[test]
fn national_dataset_loads_reports_overlaps_and_locates_in_all_overlapping_units() {
    let path = testkit::shared_dir().join("data/vietnam-2025/communes.geojson.gz");
    let data = Dataset::load(&path).expect("the national dataset is usable");
    assert_eq!(data.communes.len(), 3_321);
    assert!(data.offices.is_empty() && data.former_units.is_empty());
    assert!(data.communes.iter().all(|c| c.province_code.is_some()));

    // The same ~3.5 km² lies in three Lào Cai units at once.
    let lao_cai = ["02647", "02683", "02746"];
    let overlap = data
        .report
        .findings
        .iter()
        .find(|f| f.check == Check::Overlap && f.communes.iter().all(|c| lao_cai[..2].contains(&c.as_str())))
        .expect("the Lào Cai overlap is reported");
    let area = overlap.area_m2.unwrap();
    assert!((3.0e6..4.0e6).contains(&area), "{area}");
    let overlaps = data.report.findings.iter().filter(|f| f.check == Check::Overlap).count();
    assert!((100..=240).contains(&overlaps), "{overlaps} overlapping pairs above 1 m²");

    let [lon, lat] = overlap.location.unwrap();
    let here = data.locate(lon, lat);
    let mut codes: Vec<&str> =
        here.commune.into_iter().chain(here.also_in.iter().copied()).map(|i| data.communes[i].code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, lao_cai, "every containing unit is returned, none silently dropped");

    // Huế's units are identical inside the national data.
    let ngo_mon = data.locate(107.5794, 16.4668);
    assert_eq!(data.communes[ngo_mon.commune.unwrap()].code, "19753");
    assert!(ngo_mon.also_in.is_empty());
}
