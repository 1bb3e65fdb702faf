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

/// The case the property test found: i_overlay filed a hole under the wrong exterior ("Hole
/// lies outside shell" for GEOS too); `clip_polygons` now groups holes itself.
#[test]
fn a_hole_goes_with_the_exterior_that_holds_it() {
    let input: Vec<Vec<Vec<[f64; 2]>>> = vec![
        vec![
            vec![[-1508.0, 743.0], [3514.0, 4711.0], [0.0, -1999.0], [0.0, 0.0], [0.0, 0.0]],
            vec![
                [52.0, -2450.0],
                [1410.0, 4377.0],
                [3365.0, 0.0],
                [0.0, 0.0],
                [0.0, 2414.0],
                [2132.0, 2696.0],
                [-639.0, 33.0],
            ],
            vec![
                [-500.0, 142.0],
                [3719.0, 5256.0],
                [4374.0, -731.0],
                [-3433.0, 6524.0],
                [0.0, -960.0],
                [6369.0, 7928.0],
                [-3686.0, 0.0],
            ],
        ],
        vec![vec![[-506.0, 60.0], [1883.0, 0.0], [2894.0, 3942.0]]],
        vec![
            vec![
                [7365.0, 1993.0],
                [-3004.0, 2337.0],
                [664.0, -267.0],
                [1532.0, 2179.0],
                [4865.0, 4409.0],
                [-3902.0, -1842.0],
                [3310.0, 1782.0],
                [-1710.0, 3482.0],
                [7790.0, -3722.0],
            ],
            vec![[6640.0, 0.0], [-2854.0, -1382.0], [7862.0, 6864.0], [0.0, 0.0], [0.0, 3813.0]],
        ],
    ];
    let clipped = clip_polygons(&input, BOX);
    let shape = MultiPolygon(clipped.iter().map(|p| to_geo(p)).collect());
    assert!(shape.is_valid(), "{:?}", shape.validation_errors());
}
