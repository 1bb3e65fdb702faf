//! Gaps that simplification opens in a tile where the source has land.
//!
//! A channel or a river narrower than a grid cell rounds shut where it meets the sea, and
//! what the simplified borders leave of it becomes a hole in the union of the tile's
//! communes: a hole the source does not have, often more land than water once the banks are
//! simplified. Such a hole is filled, by the commune with the most source land in it. A hole
//! that is mostly water (a lagoon whose mouth closed at this zoom, a lake) stays.

use crate::clip::{locate, union, IntPolygon, Land, Place};
use crate::mvt::signed_area2;

/// A hole with at least this share of land in the source is filled. Below half
/// and above this, land and water are close to even and the hole is an artefact either way;
/// filling it keeps the coast from showing enclosed pockets that are not there.
const LAND_SHARE_TO_FILL: f64 = 0.4;

/// One commune's clipped polygons in a tile (possibly none, when it collapsed).
pub struct TileCommune {
    /// The commune's index in the dataset.
    pub index: usize,
    /// Its polygons in integer tile units, each exterior first.
    pub polygons: Vec<IntPolygon>,
    /// The bounds of its source, `[x0, y0, x1, y1]` in tile units: a hole outside them
    /// holds none of its land.
    pub bounds: [f64; 4],
}

/// Fills each hole of the union of `communes` that is mostly land in the source (at least
/// [`LAND_SHARE_TO_FILL`]): the commune with the most source land in it takes it.
/// `land_of(index)` is a commune's source in tile units, asked for only when a hole needs
/// it. A hole holding a piece of another commune (an island in a lagoon) is left as it is;
/// the owner's own pieces in it merge into the fill.
pub fn fill_gaps(communes: &mut [TileCommune], mut land_of: impl FnMut(usize) -> Land) {
    let all: Vec<IntPolygon> = communes.iter().flat_map(|c| c.polygons.iter().cloned()).collect();
    if all.is_empty() {
        return;
    }
    let merged = union(&all);
    let holes: Vec<&Vec<[i32; 2]>> = merged.iter().flat_map(|p| p.iter().skip(1)).collect();
    if holes.is_empty() {
        return;
    }
    let mut lands: Vec<Option<Land>> = communes.iter().map(|_| None).collect();
    for hole in holes {
        let hole_area2 = signed_area2(hole).abs();
        // Under one cell is below what the grid can show.
        if hole_area2 < 2 {
            continue;
        }
        let mut total = 0.0;
        let mut owner: Option<(f64, usize)> = None;
        let reach = hole.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
            [b[0].min(p[0] as f64), b[1].min(p[1] as f64), b[2].max(p[0] as f64), b[3].max(p[1] as f64)]
        });
        for (k, commune) in communes.iter().enumerate() {
            let b = commune.bounds;
            if b[0] > reach[2] || b[2] < reach[0] || b[1] > reach[3] || b[3] < reach[1] {
                continue;
            }
            let land = lands[k].get_or_insert_with(|| land_of(commune.index)).inside(hole);
            total += land;
            if !commune.polygons.is_empty() && land > 0.0 && owner.is_none_or(|(best, _)| land > best) {
                owner = Some((land, k));
            }
        }
        let Some((_, k)) = owner else { continue };
        let within_reach = |v: [i32; 2]| {
            (v[0] as f64) > reach[0] && (v[0] as f64) < reach[2] && (v[1] as f64) > reach[1] && (v[1] as f64) < reach[3]
        };
        let holds_another = communes.iter().enumerate().any(|(j, other)| {
            j != k
                && other
                    .polygons
                    .iter()
                    .any(|p| p[0].iter().any(|&v| within_reach(v) && locate(v, hole) == Place::Inside))
        });
        if !holds_another && total >= LAND_SHARE_TO_FILL * hole_area2 as f64 {
            let mut with_hole = std::mem::take(&mut communes[k].polygons);
            with_hole.push(vec![hole.clone()]);
            communes[k].polygons = union(&with_hole);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERYWHERE: [f64; 4] = [-1e9, -1e9, 1e9, 1e9];

    fn square(x0: i32, y0: i32, x1: i32, y1: i32) -> Vec<[i32; 2]> {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    }

    fn float(ring: &[[i32; 2]]) -> Vec<[f64; 2]> {
        ring.iter().map(|p| [p[0] as f64, p[1] as f64]).collect()
    }

    /// A 30×30 commune whose simplified ring left a 10×10 hole in its middle.
    fn holed() -> TileCommune {
        TileCommune { index: 0, polygons: vec![vec![square(0, 0, 30, 30), square(10, 10, 20, 20)]], bounds: EVERYWHERE }
    }

    fn area2(polygons: &[IntPolygon]) -> i128 {
        polygons
            .iter()
            .flat_map(|p| p.iter().enumerate())
            .map(|(i, r)| signed_area2(r).abs() * if i == 0 { 1 } else { -1 })
            .sum()
    }

    #[test]
    fn a_hole_that_is_land_in_the_source_is_filled() {
        let mut communes = vec![holed()];
        // The source is solid: the hole is land there.
        fill_gaps(&mut communes, |_| Land::new(&[vec![float(&square(0, 0, 30, 30))]]));
        assert_eq!(communes[0].polygons.len(), 1);
        assert_eq!(communes[0].polygons[0].len(), 1, "no hole left");
        assert_eq!(area2(&communes[0].polygons), 2 * 900);
    }

    #[test]
    fn a_hole_that_is_water_in_the_source_stays() {
        let mut communes = vec![holed()];
        // The source has a lake there (a hole of 8×8 in the 10×10 the tile shows).
        let source = vec![vec![float(&square(0, 0, 30, 30)), float(&square(11, 11, 19, 19))]];
        fill_gaps(&mut communes, |_| Land::new(&source));
        assert_eq!(communes[0].polygons[0].len(), 2, "the lake stays");
    }

    #[test]
    fn a_gap_between_two_communes_goes_to_the_one_with_more_land_in_it() {
        // Two communes with a 2-wide gap between them, closed above and below by a third.
        let mut communes = vec![
            TileCommune { index: 0, polygons: vec![vec![square(0, 0, 10, 10)]], bounds: EVERYWHERE },
            TileCommune { index: 1, polygons: vec![vec![square(12, 0, 22, 10)]], bounds: EVERYWHERE },
            TileCommune {
                index: 2,
                polygons: vec![
                    vec![vec![[0, -5], [22, -5], [22, 0], [0, 0]]],
                    vec![vec![[0, 10], [22, 10], [22, 15], [0, 15]]],
                ],
                bounds: EVERYWHERE,
            },
        ];
        // In the source, commune 1 reaches x = 10.5 and commune 0 only x = 10.
        let sources = [square(0, 0, 10, 10), vec![[10, 0], [22, 0], [22, 10], [10, 10]], square(0, -5, 22, 0)];
        fill_gaps(&mut communes, |index| {
            let ring: Vec<[f64; 2]> = if index == 1 {
                vec![[10.5, 0.0], [22.0, 0.0], [22.0, 10.0], [10.5, 10.0]]
            } else {
                float(&sources[index])
            };
            Land::new(&[vec![ring]])
        });
        assert_eq!(area2(&communes[0].polygons), 2 * 100, "commune 0 is unchanged");
        assert_eq!(area2(&communes[1].polygons), 2 * 120, "commune 1 takes the gap");
    }

    #[test]
    fn communes_whose_bounds_miss_the_hole_are_not_measured() {
        let far = TileCommune {
            index: 1,
            polygons: vec![vec![square(100, 100, 110, 110)]],
            bounds: [100.0, 100.0, 110.0, 110.0],
        };
        let mut communes = vec![holed(), far];
        let mut asked = Vec::new();
        fill_gaps(&mut communes, |index| {
            asked.push(index);
            Land::new(&[vec![float(&square(0, 0, 30, 30))]])
        });
        assert_eq!(asked, vec![0]);
    }

    #[test]
    fn a_hole_holding_another_communes_island_stays() {
        let mut communes =
            vec![holed(), TileCommune { index: 1, polygons: vec![vec![square(14, 14, 16, 16)]], bounds: EVERYWHERE }];
        fill_gaps(&mut communes, |_| Land::new(&[vec![float(&square(0, 0, 30, 30))]]));
        assert_eq!(communes[0].polygons[0].len(), 2, "filling would cover the island");
    }
}
