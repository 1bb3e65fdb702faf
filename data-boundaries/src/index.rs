//! The spatial indexes: a grid over commune parts for point-in-polygon (then each candidate
//! part's own y-stripe edge index for the exact test), an R-tree over the parts' boxes for
//! the nearest commune and box queries, and an R-tree over offices for k-nearest by geodesic
//! distance.
//!
//! geo 0.33 is built on rstar 0.12, so both trees index plain rectangles and points with a
//! payload rather than geo types; that keeps us off geo-types' rstar feature matrix.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::geodesy;
use crate::grid::{Cell, PartGrid};
use crate::model::{Commune, Office};
use crate::pip::{IndexedPolygon, Position};

type PartEntry = GeomWithData<Rectangle<[f64; 2]>, usize>;
type OfficeEntry = GeomWithData<[f64; 2], usize>;

/// One polygon of a commune's MultiPolygon, with its edge index.
struct Part {
    commune: usize,
    polygon_index: usize,
    edges: IndexedPolygon,
    /// For distances from points outside (nearest commune).
    chunks: geodesy::EdgeChunks,
}

/// The communes a point touches: almost always one or two, kept without allocating.
pub type Hits = smallvec::SmallVec<[Hit; 4]>;

/// A commune that a point touches, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the commune in the slice the index was built from.
    pub commune: usize,
    /// `Inside` or `OnBoundary` (an index never reports `Outside`).
    pub position: Position,
}

/// Point-in-polygon over every commune part: a grid of cells ([`PartGrid`]) answers most
/// points alone and lists the few candidate parts for the rest, and each candidate's y-stripe
/// index ([`IndexedPolygon`]) decides exactly. An R-tree of the parts' bounding boxes serves
/// the nearest-commune and box queries.
pub struct CommuneIndex {
    parts: Vec<Part>,
    grid: PartGrid,
    tree: RTree<PartEntry>,
    max_abs_lat: f64,
}

impl CommuneIndex {
    /// Indexes every polygon of every commune; answers refer to positions in `communes`.
    pub fn new(communes: &[Commune]) -> CommuneIndex {
        let mut parts = Vec::new();
        for (commune, c) in communes.iter().enumerate() {
            for (polygon_index, polygon) in c.geometry.0.iter().enumerate() {
                parts.push(Part {
                    commune,
                    polygon_index,
                    edges: IndexedPolygon::new(polygon),
                    chunks: geodesy::EdgeChunks::new(polygon),
                });
            }
        }
        let entries = parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let [x0, y0, x1, y1] = part.edges.bounds();
                GeomWithData::new(Rectangle::from_corners([x0, y0], [x1, y1]), i)
            })
            .collect();
        let max_abs_lat = parts
            .iter()
            .map(|p| {
                let [_, y0, _, y1] = p.edges.bounds();
                y0.abs().max(y1.abs())
            })
            .fold(0.0, f64::max);
        let grid = PartGrid::new(
            &parts
                .iter()
                .map(|part| (&communes[part.commune].geometry.0[part.polygon_index], &part.edges))
                .collect::<Vec<_>>(),
        );
        CommuneIndex { parts, grid, tree: RTree::bulk_load(entries), max_abs_lat }
    }

    /// Every commune whose closed area holds the point, at most once each, with `Inside`
    /// preferred over `OnBoundary` when two parts of one commune disagree.
    pub fn hits(&self, lon: f64, lat: f64) -> Hits {
        let mut hits = Hits::new();
        let candidates = match self.grid.cell(lon, lat) {
            Cell::Nothing => return hits,
            Cell::Inside(part) => {
                hits.push(Hit { commune: self.parts[part].commune, position: Position::Inside });
                return hits;
            }
            Cell::Candidates(candidates) => candidates,
        };
        for (part, wholly_inside) in candidates.iter() {
            let part = &self.parts[part];
            let position = if wholly_inside { Position::Inside } else { part.edges.position(lon, lat) };
            if position == Position::Outside {
                continue;
            }
            match hits.iter_mut().find(|h| h.commune == part.commune) {
                Some(hit) if position == Position::Inside => hit.position = Position::Inside,
                Some(_) => {}
                None => hits.push(Hit { commune: part.commune, position }),
            }
        }
        hits
    }

    /// The commune whose boundary is closest to the point, with the distance in metres.
    /// Meant for points outside every commune; `None` only for an empty index.
    pub fn nearest(&self, communes: &[Commune], lon: f64, lat: f64) -> Option<(usize, f64)> {
        let metres_per_degree = geodesy::min_metres_per_degree(self.max_abs_lat.max(lat.abs()));
        let mut best: Option<(usize, f64)> = None;
        for (entry, distance2) in self.tree.nearest_neighbor_iter_with_distance_2(&[lon, lat]) {
            if let Some((_, best_m)) = best {
                if distance2.sqrt() * metres_per_degree > best_m {
                    break;
                }
            }
            let part = &self.parts[entry.data];
            let polygon = &communes[part.commune].geometry.0[part.polygon_index];
            let metres = part.chunks.distance_m(lon, lat, polygon);
            if best.is_none_or(|(_, b)| metres < b) {
                best = Some((part.commune, metres));
            }
        }
        best
    }

    /// The parts whose bounding box meets the closed box `[min_lon, min_lat, max_lon,
    /// max_lat]`, as (commune, polygon index within its MultiPolygon), in no set order. A
    /// part may meet the box's bounding box without meeting the box itself: callers test
    /// the polygon.
    pub fn parts_meeting(&self, bounds: [f64; 4]) -> impl Iterator<Item = (usize, usize)> + '_ {
        let envelope = AABB::from_corners([bounds[0], bounds[1]], [bounds[2], bounds[3]]);
        self.tree.locate_in_envelope_intersecting(&envelope).map(|entry| {
            let part = &self.parts[entry.data];
            (part.commune, part.polygon_index)
        })
    }

    /// Candidate pairs of parts (of different communes) whose bounding boxes meet.
    pub fn neighbouring_parts(&self) -> Vec<((usize, usize), (usize, usize))> {
        let mut pairs = Vec::new();
        for (i, part) in self.parts.iter().enumerate() {
            let [x0, y0, x1, y1] = part.edges.bounds();
            let envelope = AABB::from_corners([x0, y0], [x1, y1]);
            for other in self.tree.locate_in_envelope_intersecting(&envelope) {
                let j = other.data;
                let other_part = &self.parts[j];
                if j > i && other_part.commune != part.commune {
                    pairs.push(((part.commune, part.polygon_index), (other_part.commune, other_part.polygon_index)));
                }
            }
        }
        pairs
    }

    /// How many polygons are indexed (every part of every commune).
    pub fn part_count(&self) -> usize {
        self.parts.len()
    }
}

/// An R-tree over office points: k-nearest by geodesic distance, and bounding-box queries.
pub struct OfficeIndex {
    tree: RTree<OfficeEntry>,
    max_abs_lat: f64,
}

impl OfficeIndex {
    /// Indexes the offices' points; answers refer to positions in `offices`.
    pub fn new(offices: &[Office]) -> OfficeIndex {
        let entries = offices.iter().enumerate().map(|(i, o)| GeomWithData::new([o.lon, o.lat], i)).collect();
        let max_abs_lat = offices.iter().map(|o| o.lat.abs()).fold(0.0, f64::max);
        OfficeIndex { tree: RTree::bulk_load(entries), max_abs_lat }
    }

    /// The `k` offices accepted by `keep` nearest to the point, closest first, with haversine
    /// distances in metres. The tree walks in lon/lat order; the walk stops once no further
    /// office can beat the k-th best, using a lower bound on metres per degree.
    pub fn nearest(
        &self,
        offices: &[Office],
        lon: f64,
        lat: f64,
        k: usize,
        keep: impl Fn(&Office) -> bool,
    ) -> Vec<(usize, f64)> {
        if k == 0 {
            return Vec::new();
        }
        let metres_per_degree = geodesy::min_metres_per_degree(self.max_abs_lat.max(lat.abs()));
        let mut found: Vec<(usize, f64)> = Vec::with_capacity(k + 1);
        for (entry, distance2) in self.tree.nearest_neighbor_iter_with_distance_2(&[lon, lat]) {
            if found.len() == k && distance2.sqrt() * metres_per_degree > found[k - 1].1 {
                break;
            }
            let office = &offices[entry.data];
            if !keep(office) {
                continue;
            }
            let metres = geodesy::distance_m(lon, lat, office.lon, office.lat);
            let at = found.partition_point(|&(i, d)| (d, offices[i].id.as_str()) < (metres, office.id.as_str()));
            if at < k {
                found.insert(at, (entry.data, metres));
                found.truncate(k);
            }
        }
        found
    }

    /// The offices whose point lies in the closed box `[min_lon, min_lat, max_lon, max_lat]`
    /// (edges included), in no set order.
    pub fn within(&self, bounds: [f64; 4]) -> impl Iterator<Item = usize> + '_ {
        let envelope = AABB::from_corners([bounds[0], bounds[1]], [bounds[2], bounds[3]]);
        self.tree.locate_in_envelope(&envelope).map(|entry| entry.data)
    }
}
