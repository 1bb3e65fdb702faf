//! Bounding-box queries answered by the R-trees agree with a brute-force scan (each feature
//! against the box, as the OGC items filter used to do it), across the antimeridian too.

mod common;

use common::dataset;
use data_boundaries::load::SourceFiles;
use data_boundaries::Dataset;
use geo::{coord, Intersects, Point, Rect};

/// The box as geo rectangles, split at the antimeridian when `west > east`.
fn rects(west: f64, south: f64, east: f64, north: f64) -> Vec<Rect<f64>> {
    let rect = |w: f64, e: f64| Rect::new(coord! { x: w, y: south }, coord! { x: e, y: north });
    if west <= east {
        vec![rect(west, east)]
    } else {
        vec![rect(west, 180.0), rect(-180.0, east)]
    }
}

fn brute_force(data: &Dataset, [west, south, east, north]: [f64; 4]) -> [Vec<usize>; 3] {
    let boxes = rects(west, south, east, north);
    let communes =
        (0..data.communes.len()).filter(|&i| boxes.iter().any(|b| b.intersects(&data.communes[i].geometry))).collect();
    let offices = (0..data.offices.len())
        .filter(|&i| boxes.iter().any(|b| b.intersects(&Point::new(data.offices[i].lon, data.offices[i].lat))))
        .collect();
    let former_units = (0..data.former_units.len())
        .filter(|&i| {
            let Some([lon, lat]) = data.former_units[i].point else { return false };
            boxes.iter().any(|b| b.intersects(&Point::new(lon, lat)))
        })
        .collect();
    [communes, offices, former_units]
}

fn indexed(data: &Dataset, [west, south, east, north]: [f64; 4]) -> [Vec<usize>; 3] {
    [
        data.communes_in_bbox(west, south, east, north),
        data.offices_in_bbox(west, south, east, north),
        data.former_units_in_bbox(west, south, east, north),
    ]
}

/// The same boxes every run (no extra crate): a linear congruential sequence in [0, 1).
fn unit_sequence() -> impl FnMut() -> f64 {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn random_boxes_over_hue_agree_with_brute_force() {
    let data = dataset();
    let [x0, y0, x1, y1] = data.bounds();
    let (w, h) = (x1 - x0, y1 - y0);
    let mut next = unit_sequence();
    let mut non_trivial = 0;
    for _ in 0..2_000 {
        // Corners in the city's box padded by 10%, sized from a point to the whole city.
        let west = x0 - 0.1 * w + next() * 1.2 * w;
        let south = y0 - 0.1 * h + next() * 1.2 * h;
        let size = next().powi(3);
        let bbox = [west, south, (west + size * w).min(180.0), (south + size * h).min(90.0)];
        let expected = brute_force(data, bbox);
        assert_eq!(indexed(data, bbox), expected, "{bbox:?}");
        if !expected[0].is_empty() && expected[0].len() < data.communes.len() {
            non_trivial += 1;
        }
    }
    assert!(non_trivial > 500, "only {non_trivial} boxes held some but not all communes");
}

#[test]
fn boxes_crossing_the_antimeridian_hold_both_sides() {
    let data = dataset();
    let [x0, y0, x1, y1] = data.bounds();
    let middle = (x0 + x1) / 2.0;
    // West > east: from the middle of Huế eastwards round the world back to just west of it.
    for bbox in [[middle, y0, middle - 0.05, y1], [x1, y0, x0, y1], [179.0, -90.0, -179.0, 90.0], [middle, y0, x0, y1]]
    {
        assert_eq!(indexed(data, bbox), brute_force(data, bbox), "{bbox:?}");
    }
    // All the world but a hair-thin strip of longitudes: every commune.
    let nearly_everything = indexed(data, [middle, -90.0, middle - 1e-9, 90.0]);
    assert_eq!(nearly_everything[0].len(), data.communes.len());
}

#[test]
fn edges_count_and_empty_boxes_hold_nothing() {
    let data = dataset();
    let [x0, y0, x1, y1] = data.bounds();
    assert_eq!(data.communes_in_bbox(x0, y0, x1, y1).len(), data.communes.len());
    // A box touching the city's westernmost point from outside still meets it.
    let touching = [x0 - 1.0, y0, x0, y1];
    assert!(!indexed(data, touching)[0].is_empty());
    assert_eq!(indexed(data, touching), brute_force(data, touching));
    assert!(data.communes_in_bbox(x0 - 1.0, y0, x0 - 1e-9, y1).is_empty());
    // South above north, and NaN, meet nothing; they are not read as crossing a pole.
    let nothing: [Vec<usize>; 3] = Default::default();
    assert_eq!(indexed(data, [x0, y1, x1, y0]), nothing);
    assert_eq!(indexed(data, [f64::NAN, y0, x1, y1]), nothing);
    // An office's own point, as a degenerate box.
    let o = &data.offices[7];
    assert!(data.offices_in_bbox(o.lon, o.lat, o.lon, o.lat).contains(&7));
}

#[test]
fn communes_on_either_side_of_the_antimeridian() {
    let square = |code: &str, west: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"Đảo {code}","type":"xa"}},
            "geometry":{{"type":"Polygon","coordinates":[[[{west},-1],[{east},-1],[{east},1],[{west},1],[{west},-1]]]}}}}"#,
            east = west + 0.5
        )
    };
    let text = format!(r#"{{"type":"FeatureCollection","features":[{},{}]}}"#, square("1", 179.5), square("2", -180.0));
    let sources = SourceFiles { communes: ("islands.geojson".into(), text), offices: None, former_units: None };
    let data = Dataset::from_sources(sources).unwrap();
    assert_eq!(data.communes_in_bbox(179.0, -2.0, -179.0, 2.0), [0, 1]);
    assert_eq!(data.communes_in_bbox(179.6, -2.0, -179.9, 2.0), [0, 1]);
    assert_eq!(data.communes_in_bbox(179.0, -2.0, 179.2, 2.0), Vec::<usize>::new());
    // West < east: an ordinary box, however wide.
    assert_eq!(data.communes_in_bbox(-179.8, -2.0, 179.7, 2.0), [0, 1]);
    assert_eq!(data.communes_in_bbox(-179.4, -2.0, 179.4, 2.0), Vec::<usize>::new(), "both islands lie outside");
    for bbox in [[179.0, -2.0, -179.0, 2.0], [179.6, -0.5, -179.9, 0.5], [-179.4, -2.0, 179.4, 2.0]] {
        assert_eq!(indexed(&data, bbox), brute_force(&data, bbox), "{bbox:?}");
    }
}
