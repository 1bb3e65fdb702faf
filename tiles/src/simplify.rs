//! Topology-preserving simplification onto a zoom's integer grid.
//!
//! MVT coordinates are integers, so what a tile shows is an arc after simplification *and*
//! rounding. Each arc is first snapped to the zoom's world grid (4096 units per tile), then
//! simplified with Douglas–Peucker. Simplifying arcs one at a time can make two borders cross,
//! or a border cross itself, where they run close together; the rings rebuilt from them would
//! self-intersect and neighbours would overlap. So, as mapshaper and TopoJSON do, every
//! crossing is found (an R-tree over the segments) and the arcs involved keep more of their
//! vertices there, until no two segments meet except where they should: consecutive segments
//! of one arc, and arcs at their shared junctions. Neighbours still share each arc, so their
//! borders stay identical.
//!
//! When the snapped source itself crosses (at low zooms, where a whole commune fits in a few
//! grid cells), no choice of vertices avoids it; the clipper then repairs each polygon.

use geo::{LineString, SimplifyIdx};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::vertices::Point;

/// An integer grid point, in world units of one zoom (tile x * 4096 + x in the tile).
type GridPoint = [i64; 2];

/// Rounds are bounded so a pathological input cannot loop for long; each round adds at
/// least one vertex to every arc that still crosses, and real data settles in a few.
const MAX_ROUNDS: usize = 64;

/// One arc on the grid: its snapped source vertices and which of them are kept.
struct GridArc<'a> {
    points: Vec<GridPoint>,
    kept: Vec<usize>,
    /// The arc before snapping, and for each of `points` the source vertex it came from (or
    /// `None` for a point routed in by [`GridArc::route_through`]), to follow the source
    /// between two grid points.
    source: &'a [Point],
    origin: Vec<Option<u32>>,
    scale: f64,
}

impl<'a> GridArc<'a> {
    /// The source vertices snapped to the grid at `scale` (grid units per unit-square unit),
    /// repeats dropped, and Douglas–Peucker's choice of them at `tolerance` grid units.
    fn new(source: &'a [Point], scale: f64, tolerance: f64) -> GridArc<'a> {
        let mut points: Vec<GridPoint> = Vec::with_capacity(source.len());
        let mut origin = Vec::with_capacity(source.len());
        for (i, p) in source.iter().enumerate() {
            let q = [(p[0] * scale).round() as i64, (p[1] * scale).round() as i64];
            if points.last() != Some(&q) {
                points.push(q);
                origin.push(Some(i as u32));
            }
        }
        let kept = if points.len() <= 2 {
            (0..points.len()).collect()
        } else {
            let line: LineString<f64> = points.iter().map(|p| (p[0] as f64, p[1] as f64)).collect();
            line.simplify_idx(tolerance)
        };
        GridArc { points, kept, source, origin, scale }
    }

    fn segment(&self, k: usize) -> (GridPoint, GridPoint) {
        (self.points[self.kept[k]], self.points[self.kept[k + 1]])
    }

    fn segment_count(&self) -> usize {
        self.kept.len().saturating_sub(1)
    }

    /// Keeps one more source vertex on kept segment `k`: the one farthest from it, as the
    /// next step of Douglas–Peucker would. False when the segment has no vertex left to add.
    fn refine(&mut self, k: usize) -> bool {
        let (from, to) = (self.kept[k], self.kept[k + 1]);
        if to - from < 2 {
            return false;
        }
        let (a, b) = (self.points[from], self.points[to]);
        let farthest = (from + 1..to).max_by_key(|&i| distance_measure(a, b, self.points[i])).unwrap_or(from + 1);
        self.kept.insert(k + 1, farthest);
        true
    }

    /// The source between kept vertices `k` and `k + 1`, in grid units (unsnapped), when
    /// they are consecutive grid points; `None` when the segment can still be refined.
    fn source_between(&self, k: usize) -> Option<Vec<[f64; 2]>> {
        let (from, to) = (self.kept[k], self.kept[k + 1]);
        if to - from != 1 {
            return None;
        }
        let at = |i: usize| -> Vec<[f64; 2]> {
            match self.origin[i] {
                Some(o) => vec![[self.source[o as usize][0] * self.scale, self.source[o as usize][1] * self.scale]],
                None => vec![[self.points[i][0] as f64, self.points[i][1] as f64]],
            }
        };
        let mut path = at(from);
        // Source vertices that snapped onto either end still shape the path between them.
        if let (Some(a), Some(b)) = (self.origin[from], self.origin[to]) {
            path.extend(self.source[a as usize + 1..b as usize].iter().map(|p| [p[0] * self.scale, p[1] * self.scale]));
        }
        path.extend(at(to));
        Some(path)
    }

    /// Routes kept segment `k` through grid point `p` (a hot pixel it passes), as snap
    /// rounding does: the segment then bends at `p` instead of crossing the border there.
    fn route_through(&mut self, k: usize, p: GridPoint) {
        let at = self.kept[k] + 1;
        self.points.insert(at, p);
        self.origin.insert(at, None);
        for index in &mut self.kept[k + 1..] {
            *index += 1;
        }
        self.kept.insert(k + 1, at);
    }

    fn kept_points(&self) -> Vec<Point> {
        self.kept.iter().map(|&i| [self.points[i][0] as f64, self.points[i][1] as f64]).collect()
    }
}

/// A value that orders points by their distance from segment ab (exactly, in integers):
/// twice the triangle's area, or the distance to `a` when the segment has no length.
fn distance_measure(a: GridPoint, b: GridPoint, p: GridPoint) -> i128 {
    if a == b {
        let (dx, dy) = ((p[0] - a[0]) as i128, (p[1] - a[1]) as i128);
        dx * dx + dy * dy
    } else {
        orient(a, b, p).abs()
    }
}

/// Twice the signed area of triangle abc: positive when c is left of ab (y up).
fn orient(a: GridPoint, b: GridPoint, c: GridPoint) -> i128 {
    (b[0] - a[0]) as i128 * (c[1] - a[1]) as i128 - (b[1] - a[1]) as i128 * (c[0] - a[0]) as i128
}

/// True when `p`, known to be collinear with ab, lies on the closed segment ab.
fn on_segment(a: GridPoint, b: GridPoint, p: GridPoint) -> bool {
    p[0] >= a[0].min(b[0]) && p[0] <= a[0].max(b[0]) && p[1] >= a[1].min(b[1]) && p[1] <= a[1].max(b[1])
}

/// True when closed segments ab and cd share at least one point.
fn segments_meet(a: GridPoint, b: GridPoint, c: GridPoint, d: GridPoint) -> bool {
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
        return true;
    }
    (d1 == 0 && on_segment(c, d, a))
        || (d2 == 0 && on_segment(c, d, b))
        || (d3 == 0 && on_segment(a, b, c))
        || (d4 == 0 && on_segment(a, b, d))
}

/// A segment's identity: (arc, index of the segment among the arc's kept vertices).
type SegmentId = (usize, usize);

/// True when two segments meet where they should not: anywhere but one shared endpoint that
/// joins them legitimately (consecutive in one arc, or a junction both arcs end at).
fn conflict(arcs: &[GridArc], (arc1, k1): SegmentId, (arc2, k2): SegmentId) -> bool {
    let (a, b) = arcs[arc1].segment(k1);
    let (c, d) = arcs[arc2].segment(k2);
    if !segments_meet(a, b, c, d) {
        return false;
    }
    // The one endpoint the segments share, with the other end of each.
    let mut shared = None;
    for (p, other1) in [(a, b), (b, a)] {
        for (q, other2) in [(c, d), (d, c)] {
            if p == q {
                if shared.is_some() {
                    return true;
                }
                shared = Some((p, other1, other2));
            }
        }
    }
    let Some((point, other1, other2)) = shared else { return true };
    // From one shared point, the segments meet elsewhere only if they run the same way.
    let (u, v) = ([other1[0] - point[0], other1[1] - point[1]], [other2[0] - point[0], other2[1] - point[1]]);
    let cross = u[0] as i128 * v[1] as i128 - u[1] as i128 * v[0] as i128;
    let dot = u[0] as i128 * v[0] as i128 + u[1] as i128 * v[1] as i128;
    if cross == 0 && dot > 0 {
        return true;
    }
    let consecutive = arc1 == arc2 && k1.abs_diff(k2) == 1;
    let is_end = |arc: usize, k: usize| {
        let grid_arc = &arcs[arc];
        let (first, last) = (grid_arc.points[grid_arc.kept[0]], grid_arc.points[*grid_arc.kept.last().unwrap_or(&0)]);
        (k == 0 && point == first) || (k + 1 == grid_arc.segment_count() && point == last)
    };
    !(consecutive || (is_end(arc1, k1) && is_end(arc2, k2)))
}

/// A segment in the R-tree: its bounding box, and which segment it is.
type SegmentEntry = GeomWithData<Rectangle<[f64; 2]>, SegmentId>;

/// The R-tree entries of an arc's kept segments.
fn entries_of<'g>(arc: usize, grid_arc: &'g GridArc<'_>) -> impl Iterator<Item = SegmentEntry> + 'g {
    (0..grid_arc.segment_count()).map(move |k| {
        let (a, b) = grid_arc.segment(k);
        GeomWithData::new(Rectangle::from_corners([a[0] as f64, a[1] as f64], [b[0] as f64, b[1] as f64]), (arc, k))
    })
}

/// The pairs of segments that meet where they should not, among those of `arcs_to_check`
/// and everything in the tree; each pair both ways round.
fn conflicting_pairs(
    tree: &RTree<SegmentEntry>,
    arcs: &[GridArc],
    arcs_to_check: &[usize],
) -> Vec<(SegmentId, SegmentId)> {
    let mut found = Vec::new();
    for &arc in arcs_to_check {
        for entry in entries_of(arc, &arcs[arc]) {
            let id = entry.data;
            let envelope: AABB<[f64; 2]> = rstar::RTreeObject::envelope(entry.geom());
            for other in tree.locate_in_envelope_intersecting(&envelope) {
                if other.data != id && conflict(arcs, id, other.data) {
                    found.push((id, other.data));
                    found.push((other.data, id));
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Where along `path` (0 at its start, one per path segment) it first enters the unit
/// square centred on grid point `p`, the pixel that `p` stands for; `None` if it misses it.
fn enters_pixel(path: &[[f64; 2]], p: GridPoint) -> Option<f64> {
    let (x0, x1, y0, y1) = (p[0] as f64 - 0.5, p[0] as f64 + 0.5, p[1] as f64 - 0.5, p[1] as f64 + 0.5);
    for (i, w) in path.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        // Liang–Barsky: the part of the segment inside the square, as [t0, t1].
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let mut inside = true;
        for (q, r) in [(-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])] {
            if q == 0.0 {
                inside &= r >= 0.0;
            } else if q < 0.0 {
                t0 = t0.max(r / q);
            } else {
                t1 = t1.min(r / q);
            }
        }
        if inside && t0 <= t1 {
            return Some(i as f64 + t0);
        }
    }
    None
}

/// What one round does to a segment that meets another wrongly.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fix {
    /// Keep one more source vertex (the next step of Douglas–Peucker).
    Refine,
    /// Snap rounding, where the segment has no source vertex left to keep: route it through
    /// the other segment's end point, whose pixel its source passes (at this position along
    /// the source). Rounding each vertex on its own is what made them meet; a border routed
    /// through every vertex pixel it passes cannot cross the border that vertex belongs to.
    RouteThrough(f64, GridPoint),
}

/// The fixes for the segments in `pairs`; a segment with nothing to keep and no pixel to
/// route through is left as it is (the clipper then repairs the polygons).
fn fixes(arcs: &[GridArc], pairs: &[(SegmentId, SegmentId)]) -> Vec<(SegmentId, Fix)> {
    let mut fixes = Vec::new();
    for &((arc, k), (other_arc, other_k)) in pairs {
        let Some(path) = arcs[arc].source_between(k) else {
            fixes.push(((arc, k), Fix::Refine));
            continue;
        };
        let (a, b) = arcs[arc].segment(k);
        let (c, d) = arcs[other_arc].segment(other_k);
        for p in [c, d] {
            if p != a && p != b {
                if let Some(at) = enters_pixel(&path, p) {
                    fixes.push(((arc, k), Fix::RouteThrough(at, p)));
                }
            }
        }
    }
    fixes
}

/// Every arc snapped to the world grid of a zoom with `grid_size` units across the world
/// (4096 · 2^z) and simplified to `tolerance` grid units, with the vertices needed to keep
/// arcs from crossing themselves or each other. Points are grid units, as whole numbers.
pub fn grid_arcs<'a>(arcs: impl IntoIterator<Item = &'a [Point]>, grid_size: f64, tolerance: f64) -> Vec<Vec<Point>> {
    let mut grid: Vec<GridArc> = arcs.into_iter().map(|points| GridArc::new(points, grid_size, tolerance)).collect();
    // One tree for every round: only the arcs a round changes are taken out, put back and
    // checked again, so a few stubborn crossings do not cost a pass over the whole country.
    let mut tree = RTree::bulk_load(grid.iter().enumerate().flat_map(|(arc, g)| entries_of(arc, g)).collect());
    let mut pairs = conflicting_pairs(&tree, &grid, &(0..grid.len()).collect::<Vec<_>>());
    for _ in 0..MAX_ROUNDS {
        let mut todo = fixes(&grid, &pairs);
        // From the last segment of each arc backwards (and along a segment from its far end),
        // so the indices still to use stay valid.
        todo.sort_by(|(x, fx), (y, fy)| {
            let along = |f: &Fix| if let Fix::RouteThrough(at, p) = f { (*at, *p) } else { (0.0, [0, 0]) };
            let ((at_x, p_x), (at_y, p_y)) = (along(fx), along(fy));
            y.cmp(x).then(at_y.total_cmp(&at_x)).then(p_y.cmp(&p_x))
        });
        todo.dedup();
        let mut changed: Vec<usize> = todo.iter().map(|((arc, _), _)| *arc).collect();
        changed.dedup();
        for &arc in &changed {
            for entry in entries_of(arc, &grid[arc]).collect::<Vec<_>>() {
                tree.remove(&entry);
            }
        }
        let mut changed_any = false;
        for ((arc, k), fix) in todo {
            let grid_arc = &mut grid[arc];
            changed_any |= match fix {
                Fix::Refine => grid_arc.refine(k),
                Fix::RouteThrough(_, p) => {
                    // A pixel routed in already is an end of the segment now.
                    let (a, b) = grid_arc.segment(k);
                    a != p && b != p && {
                        grid_arc.route_through(k, p);
                        true
                    }
                }
            };
        }
        for &arc in &changed {
            for entry in entries_of(arc, &grid[arc]) {
                tree.insert(entry);
            }
        }
        if !changed_any {
            break;
        }
        pairs = conflicting_pairs(&tree, &grid, &changed);
    }
    grid.iter().map(GridArc::kept_points).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_segments_and_touching_ends_are_told_apart() {
        assert!(segments_meet([0, 0], [10, 10], [0, 10], [10, 0]));
        assert!(segments_meet([0, 0], [10, 0], [5, 0], [5, 5]), "a T touch");
        assert!(!segments_meet([0, 0], [10, 0], [0, 1], [10, 1]));
    }

    #[test]
    fn an_arc_that_would_cross_its_neighbour_keeps_the_vertex_that_prevents_it() {
        // Two arcs between shared junctions (0,0) and (100,0): one bulges up by 3, the other
        // runs just above the straight line. Simplified at tolerance 4, the bulging arc
        // alone would become the straight line, on the wrong side of its neighbour's vertex.
        let unit = 1.0;
        let bulge: Vec<Point> = vec![[0.0, 0.0], [50.0, 3.0], [100.0, 0.0]];
        let flat: Vec<Point> = vec![[0.0, 0.0], [40.0, 1.0], [60.0, 1.0], [100.0, 0.0]];
        let out = grid_arcs([bulge.as_slice(), flat.as_slice()], unit, 4.0);
        assert_eq!(out[0], vec![[0.0, 0.0], [50.0, 3.0], [100.0, 0.0]], "the bulge keeps its apex");
    }

    #[test]
    fn a_border_rounded_across_a_vertex_pixel_is_routed_through_it() {
        // The first arc passes 0.2 above grid point (5, 0); the second starts 0.45 above it.
        // Rounded on their own, the second arc's start lands on the first arc's line, a touch
        // no vertex choice can undo: the first arc must bend through that pixel.
        let long: Vec<Point> = vec![[0.0, 0.0], [10.0, 0.4]];
        let branch: Vec<Point> = vec![[5.0, 0.45], [5.0, 5.0]];
        let out = grid_arcs([long.as_slice(), branch.as_slice()], 1.0, 4.0);
        assert_eq!(out[0], vec![[0.0, 0.0], [5.0, 0.0], [10.0, 0.0]]);
        assert_eq!(out[1], vec![[5.0, 0.0], [5.0, 5.0]]);
    }

    #[test]
    fn a_pixel_the_source_misses_is_not_routed_through() {
        assert_eq!(enters_pixel(&[[0.0, 0.0], [10.0, 0.4]], [5, 0]), Some(0.45));
        assert_eq!(enters_pixel(&[[0.0, 0.0], [10.0, 0.4]], [5, 1]), None);
    }

    #[test]
    fn arcs_far_apart_are_simplified_as_usual() {
        let a: Vec<Point> = vec![[0.0, 0.0], [50.0, 1.0], [100.0, 0.0]];
        let b: Vec<Point> = vec![[0.0, 50.0], [50.0, 51.0], [100.0, 50.0]];
        let out = grid_arcs([a.as_slice(), b.as_slice()], 1.0, 4.0);
        assert_eq!(out[0].len(), 2);
        assert_eq!(out[1].len(), 2);
    }
}
