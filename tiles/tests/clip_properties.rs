//! Properties of the polygon clipper and the encoder, over random polygons and tiles: whatever
//! goes in (rings that cross themselves, spikes, parts far outside the tile), what comes out
//! is valid by geo's `Validation` (OGC rules), stays inside the buffered tile (to a unit), and is encoded
//! with MVT 2.1's winding (exteriors positive area, holes negative).

use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use proptest::prelude::*;
use tiles::clip::clip_polygons;
use tiles::mvt::{encode_geometry, signed_area2, Geometry};

const BOX: [f64; 4] = [-64.0, -64.0, 4160.0, 4160.0];

/// A ring of 3–12 integer points spread over about three tiles around this one, so that many
/// cross the box's edges and themselves.
fn ring() -> impl Strategy<Value = Vec<[f64; 2]>> {
    prop::collection::vec((-4096i32..8192, -4096i32..8192), 3..12)
        .prop_map(|points| points.into_iter().map(|(x, y)| [x as f64, y as f64]).collect())
}

/// One to three polygons, each an exterior and up to two holes.
fn polygons() -> impl Strategy<Value = Vec<Vec<Vec<[f64; 2]>>>> {
    prop::collection::vec(prop::collection::vec(ring(), 1..4), 1..4)
}

fn to_geo(polygon: &[Vec<[i32; 2]>]) -> Polygon<f64> {
    let ring = |r: &Vec<[i32; 2]>| {
        LineString::from(r.iter().map(|p| Coord { x: p[0] as f64, y: p[1] as f64 }).collect::<Vec<_>>())
    };
    Polygon::new(ring(&polygon[0]), polygon[1..].iter().map(ring).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn clipped_polygons_are_valid_inside_the_box_and_wound_as_mvt_says(input in polygons()) {
        let clipped = clip_polygons(&input, BOX);
        let shape = MultiPolygon(clipped.iter().map(|p| to_geo(p)).collect());
        prop_assert!(shape.is_valid(), "{:?}", shape.validation_errors());
        for polygon in &clipped {
            for ring in polygon {
                for p in ring {
                    // i_overlay snaps a crossing to a vertex less than a unit away, so a point may
                    // sit one unit past the box's edge (inside the tile's buffer, never drawn).
                    prop_assert!(p[0] >= -65 && p[0] <= 4161 && p[1] >= -65 && p[1] <= 4161, "{p:?} outside the box");
                }
            }
        }
        // Decode the encoder's commands back to rings: each polygon's first ring has positive
        // area (y down), its holes negative.
        if let Some((_, commands)) = encode_geometry(&Geometry::Polygons(clipped.clone())) {
            let (mut cursor, mut i, mut signs) = ([0i32, 0i32], 0, Vec::new());
            while i < commands.len() {
                let (id, count) = (commands[i] & 7, (commands[i] >> 3) as usize);
                i += 1;
                if id == 7 {
                    continue;
                }
                let mut ring = Vec::new();
                for _ in 0..count {
                    let dx = ((commands[i] >> 1) as i32) ^ -((commands[i] & 1) as i32);
                    let dy = ((commands[i + 1] >> 1) as i32) ^ -((commands[i + 1] & 1) as i32);
                    cursor = [cursor[0] + dx, cursor[1] + dy];
                    ring.push(cursor);
                    i += 2;
                }
                if id == 1 {
                    signs.push(ring);
                } else if let Some(last) = signs.last_mut() {
                    last.extend(ring);
                }
            }
            let expected: Vec<bool> = clipped.iter().flat_map(|p| (0..p.len()).map(|k| k == 0)).collect();
            let got: Vec<bool> = signs.iter().map(|r| signed_area2(r) > 0).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
