//! The reference Huế dataset loads, validates as documented, and answers the landmarks.

mod common;

use common::dataset;
use data_boundaries::validate::Check;
use data_boundaries::Severity;

fn located(lon: f64, lat: f64) -> Option<(&'static str, &'static str)> {
    let data = dataset();
    data.locate(lon, lat).commune.map(|i| (data.communes[i].code.as_str(), data.communes[i].full_name.as_str()))
}

#[test]
fn loads_40_communes_133_former_units_and_40_seats() {
    let data = dataset();
    assert_eq!(data.communes.len(), 40);
    assert_eq!(data.former_units.len(), 133);
    assert_eq!(data.offices.len(), 40);
    assert_eq!(data.part_count(), 42, "Phong Phú and Chân Mây - Lăng Cô have two parts");
    assert!((0..40).all(|c| data.seat(c).is_some()));
    let lineage: usize = (0..40).map(|c| data.former_units_of(c).count()).sum();
    assert_eq!(lineage, 133);
}

#[test]
fn landmarks() {
    assert_eq!(located(107.5794, 16.4668), Some(("19753", "Phường Phú Xuân")), "Ngọ Môn");
    assert_eq!(located(107.5774, 16.4565), Some(("19789", "Phường Thuận Hoá")), "railway station");
    assert_eq!(located(107.7026, 16.4015), Some(("19960", "Phường Phú Bài")), "Phú Bài airport");
    assert_eq!(located(108.2022, 16.0544), None, "Đà Nẵng");
    let (nearest, metres) = dataset().nearest_commune(108.2022, 16.0544).unwrap();
    assert_eq!(dataset().communes[nearest].code, "20137", "Chân Mây - Lăng Cô borders Đà Nẵng");
    assert!(metres > 1_000.0 && metres < 60_000.0, "{metres}");
}

#[test]
fn the_five_misplaced_former_unit_points_are_reported_by_name() {
    let report = &dataset().report;
    let mut misplaced: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == Check::FormerUnitOutsideNewUnit)
        .map(|f| f.subject.as_str())
        .collect();
    misplaced.sort();
    assert_eq!(misplaced.len(), 5, "{misplaced:?}");
    for name in ["Thuận Hòa", "Long Hồ", "Dương Nỗ", "Hương Phong", "Quảng Nhâm"] {
        assert!(misplaced.iter().any(|s| s.contains(name)), "{name} missing from {misplaced:?}");
    }
    assert!(report.is_usable());
    assert_eq!(report.count(Severity::Fatal), 0);
}

#[test]
fn no_overlaps_or_gaps_above_tolerance_in_the_reference_data() {
    let report = &dataset().report;
    let bad: Vec<_> = report
        .findings
        .iter()
        .filter(|f| matches!(f.check, Check::Overlap | Check::Gap | Check::InvalidGeometry))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_shared_border_vertex_is_on_the_boundary_of_both_communes() {
    let data = dataset();
    // Take a vertex of Phú Xuân that also lies on another commune's ring.
    let phu_xuan = data.commune_by_code("19753").unwrap();
    let vertex = data.communes[phu_xuan].geometry.0[0]
        .exterior()
        .0
        .iter()
        .find(|c| {
            let here = data.locate(c.x, c.y);
            here.on_boundary && !here.boundary_with.is_empty()
        })
        .copied()
        .expect("Phú Xuân shares vertices with a neighbour");
    let first = data.locate(vertex.x, vertex.y);
    let again = data.locate(vertex.x, vertex.y);
    assert_eq!(first, again, "deterministic");
    let mut codes: Vec<&str> = std::iter::once(first.commune.unwrap())
        .chain(first.boundary_with.iter().copied())
        .map(|i| data.communes[i].code.as_str())
        .collect();
    assert!(codes.contains(&"19753"));
    let chosen = codes.remove(0);
    assert!(codes.iter().all(|c| *c > chosen), "the smallest code wins");
}

#[test]
fn nearest_offices_are_sorted_and_carry_precision() {
    let data = dataset();
    let found = data.nearest_offices(107.5794, 16.4668, 5, &[]);
    assert_eq!(found.len(), 5);
    assert!(found.windows(2).all(|w| w[0].1 <= w[1].1));
    // Brute force agrees.
    let mut all: Vec<(usize, f64)> = data
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| (i, data_boundaries::geodesy::distance_m(107.5794, 16.4668, o.lon, o.lat)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), all[..5].iter().map(|f| f.0).collect::<Vec<_>>());
    assert!(found.iter().all(|(i, _)| !data.offices[*i].position_precision.is_exact()));
}

#[test]
fn search_folds_diacritics_and_tone_mark_placement() {
    let index = data_boundaries::search::SearchIndex::new(dataset());
    let data = dataset();
    for query in ["thuan hoa", "Thuận Hóa", "Thuận Hoá", "THUẬN HOÁ", "Phường Thuận Hóa"] {
        let hits = index.search(query, 5);
        let first = hits.first().unwrap_or_else(|| panic!("{query}: nothing"));
        match first.target {
            data_boundaries::search::Target::Commune(i) => assert_eq!(data.communes[i].code, "19789", "{query}"),
            other => panic!("{query}: {other:?}"),
        }
    }
    // A former unit finds itself, and through it the new unit.
    let hits = index.search("vinh ninh", 5);
    let data_boundaries::search::Target::FormerUnit(i) = hits[0].target else { panic!("{hits:?}") };
    assert_eq!(data.former_units[i].old_name, "Phường Vĩnh Ninh");
    assert_eq!(data.former_units[i].new_code, "19789");
    assert!(index.search("Phường Đúc", 5).iter().any(|h| matches!(h.target, data_boundaries::search::Target::FormerUnit(i) if data.former_units[i].old_name == "Phường Phường Đúc" || data.former_units[i].old_name.ends_with("Đúc"))));
    // An office by its address.
    assert!(index
        .search("394 dinh tien hoang", 5)
        .iter()
        .any(|h| matches!(h.target, data_boundaries::search::Target::Office(_))));
    assert!(index.search("  ", 5).is_empty());
}
