//! The national dataset (3,321 units, 7.1 M vertices, one gzipped GeoJSON; and as a folder,
//! with its seats and split lineage) loads, reports its real overlaps, and locate returns every
//! containing unit where they overlap.

use std::sync::OnceLock;

use data_boundaries::address::{AddressIndex, Status};
use data_boundaries::national_address::written_forms;
use data_boundaries::pip::{IndexedPolygon, Position};
use data_boundaries::validate::{Check, Severity};
use data_boundaries::{Dataset, Share};

/// The national folder and its address index, loaded once for the tests that read it.
fn national() -> &'static (Dataset, AddressIndex) {
    static NATIONAL: OnceLock<(Dataset, AddressIndex)> = OnceLock::new();
    NATIONAL.get_or_init(|| {
        let data = Dataset::load(&testkit::shared_dir().join("data/vietnam-2025")).expect("usable");
        let index = AddressIndex::new(&data);
        (data, index)
    })
}

/// The full name of the new unit an address converts to, or of each of its readings.
fn converted(address: &str, position: Option<[f64; 2]>) -> (Status, Vec<String>, String) {
    let (data, index) = national();
    let c = index.convert_at(data, address, position);
    let names = c
        .best
        .iter()
        .chain(&c.alternatives)
        .map(|candidate| data.communes[candidate.new_commune].full_name.clone())
        .collect();
    (c.status, names, c.explanation)
}

#[test]
fn every_former_unit_in_four_written_forms_converts_without_a_wrong_answer() {
    let (data, index) = national();
    let forms = written_forms(data);
    assert_eq!(forms.len(), 4 * 10_035);
    let (mut right, mut split_listed) = (0, 0);
    for form in &forms {
        let c = index.convert(data, &form.address);
        match c.status {
            Status::Matched | Status::Current => {
                let best = c.best.as_ref().unwrap().new_commune;
                assert_eq!(form.new_units, [best], "a wrong answer for {:?}: {}", form.address, c.explanation);
                right += 1;
            }
            Status::Ambiguous => {
                let named: Vec<usize> = c.alternatives.iter().map(|a| a.new_commune).collect();
                assert!(form.new_units.iter().all(|u| named.contains(u)), "{:?}: {}", form.address, c.explanation);
                split_listed += usize::from(form.new_units.len() > 1);
            }
            Status::NotRecognised => panic!("not recognised: {:?}: {}", form.address, c.explanation),
        }
    }
    // Every form of the 460 split units lists all their new units; the rest is matched.
    assert_eq!(split_listed, 4 * 460);
    assert!(right as f64 >= 0.95 * (forms.len() - 4 * 460) as f64, "{right} matched");
}

#[test]
fn a_split_unit_is_ambiguous_unless_a_position_decides() {
    // Phường Điện Biên (Ba Đình) went into four new wards.
    let (status, names, _) = converted("Phường Điện Biên, Quận Ba Đình, Hà Nội", None);
    assert_eq!(status, Status::Ambiguous);
    assert_eq!(names.len(), 4, "{names:?}");
    let (status, names, why) = converted("Phường Điện Biên, Quận Ba Đình, Hà Nội", Some([105.8342, 21.0278]));
    assert_eq!((status, names), (Status::Matched, vec!["Phường Ô Chợ Dừa".to_string()]));
    assert!(why.contains("position"), "{why}");
    // A position in none of its new units decides nothing, and says so.
    let (status, _, why) = converted("Phường Điện Biên, Quận Ba Đình, Hà Nội", Some([106.70, 10.77]));
    assert_eq!(status, Status::Ambiguous);
    assert!(why.contains("cannot decide"), "{why}");
    // Every split unit, with its own point, converts to the new unit holding the point.
    let (data, index) = national();
    let mut decided = 0;
    for u in data.former_units.iter().filter(|u| u.share == Share::Part) {
        let Some(point) = u.point else { continue };
        let address = format!("{}, {}, {}", u.old_name, u.old_district, u.old_province);
        let c = index.convert_at(data, &address, Some(point));
        if c.status == Status::Matched {
            let here = data.locate(point[0], point[1]);
            assert_eq!(Some(c.best.unwrap().new_commune), here.commune, "{address}");
            assert!(c.decided_by_position);
            decided += 1;
        }
    }
    assert!(decided >= 400, "{decided} links decided by their point");
}

#[test]
fn shorthand_provinces_districts_and_numbered_wards_are_read() {
    for (address, new_unit) in [
        ("Số 12, P.12, Q.10, TP.HCM", "Phường Hoà Hưng"),
        ("12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, Tp Hồ Chí Minh", "Phường Sài Gòn"),
        ("F.7, Q.Phú Nhuận, TPHCM", "Phường Cầu Kiệu"),
        ("P.Thắng Tam, TP Vũng Tàu, BR-VT", "Phường Vũng Tàu"),
        ("Xã Lũng Cú, Huyện Đồng Văn, T. Hà Giang", "Xã Lũng Cú"),
        ("12 Lê Lợi, Phường Vĩnh Ninh, TP Huế, Thừa Thiên Huế", "Phường Thuận Hoá"),
        ("Phuong Phuc Xa, Quan Ba Dinh, Ha Noi", "Phường Hồng Hà"),
        ("Xã Ea H'Đinh, H. Cư Mgar, Daklak", "Xã Cư M'gar"),
    ] {
        let (status, names, why) = converted(address, None);
        assert_eq!((status, names), (Status::Matched, vec![new_unit.to_string()]), "{address}: {why}");
    }
    // The street part is kept, and the province follows the new unit.
    let (data, index) = national();
    let c = index.convert(data, "Số 12, P.12, Q.10, TP.HCM");
    assert_eq!(c.best.unwrap().new_address, "Số 12, Phường Hoà Hưng, Hồ Chí Minh");
}

#[test]
fn bad_input_is_not_recognised_or_ambiguous_never_a_guess() {
    // No known province or unit.
    assert_eq!(converted("10 Downing Street, London", None).0, Status::NotRecognised);
    // A district the province never had (Ba Vì is Hà Nội's).
    let (status, _, why) = converted("Xã Tản Lĩnh, Huyện Ba Vì, Tỉnh Bắc Ninh", None);
    assert_eq!(status, Status::NotRecognised);
    assert!(why.contains("Huyện Ba Vì") && why.contains("Bắc Ninh"), "{why}");
    // A ward that was not in the district named.
    assert_eq!(converted("Phường Bến Nghé, Quận 3, TP.HCM", None).0, Status::NotRecognised);
    // Two units of one name in one district (a town and a commune that went into different
    // units), the type not given; with it, each is matched.
    let (status, names, _) = converted("Mường Tè, Huyện Mường Tè, Lai Châu", None);
    assert_eq!(status, Status::Ambiguous);
    assert!(names.len() >= 2, "{names:?}");
    assert_eq!(converted("Thị trấn Mường Tè, Huyện Mường Tè, Lai Châu", None).0, Status::Matched);
    // Two units of one name in one district that went into the same unit: that unit, certain.
    let (status, names, _) = converted("Mỹ An, Huyện Tháp Mười, Đồng Tháp", None);
    assert_eq!((status, names), (Status::Matched, vec!["Xã Tháp Mười".to_string()]));
    // A bare number names a ward in many districts: ambiguous, all listed (up to 20).
    assert_eq!(converted("Phường 1", None).0, Status::Ambiguous);
}

#[test]
fn an_address_written_with_todays_units_is_current() {
    let (status, names, why) = converted("Phường Hồng Hà, Hà Nội", None);
    assert_eq!((status, names), (Status::Current, vec!["Phường Hồng Hà".to_string()]), "{why}");
    let (status, names, _) = converted("15 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội", None);
    assert_eq!((status, names), (Status::Current, vec!["Phường Hoàn Kiếm".to_string()]));
    // A name that is a unit today and a split old unit: both readings, no guess.
    let (status, names, _) = converted("Phường Ô Chợ Dừa, Hà Nội", None);
    assert_eq!(status, Status::Ambiguous);
    assert!(names.contains(&"Phường Đống Đa".to_string()), "{names:?}");
}

#[test]
fn the_national_folder_loads_with_seats_split_lineage_and_units_without_a_point() {
    let (data, _) = national();
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
    assert_eq!(overlap.file, "communes.geojson.gz", "the findings name the file that was read");
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

/// Every commune whose area holds the point, by testing each commune's polygons directly
/// (no grid, no tree), each with whether the point is inside it (not on its border); inside
/// wins when two parts of one commune disagree.
fn every_unit_at(data: &Dataset, polygons: &[(usize, IndexedPolygon)], lon: f64, lat: f64) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> = Vec::new();
    for (commune, polygon) in polygons {
        let position = polygon.position(lon, lat);
        if position == Position::Outside {
            continue;
        }
        let code = data.communes[*commune].code.clone();
        let inside = position == Position::Inside;
        match found.iter_mut().find(|(c, _)| *c == code) {
            Some(entry) => entry.1 |= inside,
            None => found.push((code, inside)),
        }
    }
    found.sort();
    found
}

#[test]
fn locate_agrees_with_testing_every_unit_at_random_points_borders_and_vertices() {
    let (data, _) = national();
    let polygons: Vec<(usize, IndexedPolygon)> = data
        .communes
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.geometry.0.iter().map(move |p| (i, IndexedPolygon::new(p))))
        .collect();
    let [west, south, east, north] = data.bounds();
    // Random points over the country's box; every 997th vertex (exactly on a border); and
    // points a hair off those vertices, where the grid's cells are crossed.
    let mut state = 20250701u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut points: Vec<(f64, f64)> =
        (0..4_000).map(|_| (west + next() * (east - west), south + next() * (north - south))).collect();
    let vertices: Vec<(f64, f64)> = data
        .communes
        .iter()
        .flat_map(|c| c.geometry.0.iter().flat_map(|p| p.exterior().0.iter().map(|v| (v.x, v.y))))
        .step_by(997)
        .collect();
    points.extend(vertices.iter().copied());
    points.extend(vertices.iter().map(|&(x, y)| (x + 1e-7, y - 1e-7)));
    let mut on_border = 0;
    for (lon, lat) in points {
        let here = data.locate(lon, lat);
        let expected = every_unit_at(data, &polygons, lon, lat);
        let mut got: Vec<(String, bool)> = here
            .commune
            .into_iter()
            .chain(here.also_in.iter().copied())
            .map(|i| (data.communes[i].code.clone(), !here.on_boundary))
            .chain(here.boundary_with.iter().map(|&i| (data.communes[i].code.clone(), false)))
            .collect();
        got.sort();
        // locate reports the communes it is inside of; only where it is inside none does it
        // list the borders it is on.
        let expected: Vec<(String, bool)> = if expected.iter().any(|(_, inside)| *inside) {
            expected.into_iter().filter(|(_, inside)| *inside).collect()
        } else {
            expected
        };
        on_border += usize::from(here.on_boundary);
        assert_eq!(got, expected, "({lon}, {lat})");
    }
    assert!(on_border > 1_000, "the vertices are on borders: {on_border}");
}
