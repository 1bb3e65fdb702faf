//! Overlaps and gaps between neighbours, resolved before the topology is built, as mapshaper's
//! `-clean` does.
//!
//! Where two communes' borders are different digitisations (the national data has 127
//! overlaps and 124 gaps, which validation reports), neither border is shared, so each is
//! simplified on its own and the two drift apart at low zoom: slivers open between communes
//! that the source covers. Here every overlap goes to one of the communes (the first in
//! dataset order) and every gap to the first commune around it, so the borders there become
//! one border, walked by both sides with the same vertices.
//!
//! The work is done per cluster of communes linked by defects, with i_overlay in integers on
//! a frame fitted to the cluster (a fraction of a millimetre per unit). Source vertices keep
//! their exact identity; the few new ones (where two borders cross) are then inserted into
//! every other ring that runs through them, so both sides of a border cut it alike.

use std::collections::{HashMap, HashSet};

use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::core::solver::Solver;
use i_overlay::i_float::int::point::IntPoint;

use crate::vertices::{Point, VertexId, Vertices};

/// A commune as polygons of rings (first ring the exterior), each ring open, as vertex ids.
pub(crate) type CommuneRings = Vec<Vec<Vec<VertexId>>>;

/// An overlap or a gap between neighbouring communes, as validation reported it.
#[derive(Debug, Clone)]
pub struct Defect {
    /// The communes involved, by index: the two that overlap, or those around a gap.
    pub communes: Vec<usize>,
    /// For a gap, a point inside it on the unit square; `None` for an overlap.
    pub gap_at: Option<Point>,
}

/// A cluster's frame spans this many integer units across: far inside i32, and fine enough
/// (under a millimetre for a cluster 200 km wide) that no two source vertices merge.
const FRAME_UNITS: f64 = (1u64 << 28) as f64;

/// i_overlay may move a vertex by a unit or two when it splits segments; an output point
/// this close to a source vertex is that vertex.
const SNAP_UNITS: i32 = 3;

/// Crossings that two i_overlay operations place this close together (as they can, splitting
/// segments with a growing snap radius) are one vertex.
const MERGE_UNITS: i32 = 16;

/// A new vertex this close to a ring's edge (on the unit square, about 1.6 mm) lies on it.
const ON_EDGE: f64 = 4e-11;

/// The equator's length in metres, the unit square's width.
const EQUATOR_M: f64 = 40_075_016.686;

/// Maps a cluster's unit-square coordinates to integers and back.
struct Frame {
    origin: Point,
    scale: f64,
}

impl Frame {
    fn around<'a>(points: impl Iterator<Item = &'a Point>) -> Frame {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            lo = [lo[0].min(p[0]), lo[1].min(p[1])];
            hi = [hi[0].max(p[0]), hi[1].max(p[1])];
        }
        let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(f64::MIN_POSITIVE);
        Frame { origin: lo, scale: FRAME_UNITS / span }
    }

    fn int(&self, p: Point) -> IntPoint {
        IntPoint::new(
            ((p[0] - self.origin[0]) * self.scale).round() as i32,
            ((p[1] - self.origin[1]) * self.scale).round() as i32,
        )
    }

    /// Twice an area in frame units², in square metres on the ground (Web Mercator's scale
    /// at the frame's latitude).
    fn square_metres(&self, area2: i128) -> f64 {
        let latitude = (std::f64::consts::PI * (1.0 - 2.0 * self.origin[1])).sinh().atan();
        let metres_per_unit = EQUATOR_M * latitude.cos() / self.scale;
        area2 as f64 / 2.0 * metres_per_unit * metres_per_unit
    }

    fn unit(&self, q: IntPoint) -> Point {
        [q.x as f64 / self.scale + self.origin[0], q.y as f64 / self.scale + self.origin[1]]
    }
}

/// Twice the signed area of an integer ring.
fn area2(ring: &[IntPoint]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| ring[i].x as i128 * ring[(i + 1) % n].y as i128 - ring[(i + 1) % n].x as i128 * ring[i].y as i128)
        .sum()
}

/// Twice the signed area of a ring of vertex ids.
fn area2_of(ring: &[VertexId], vertices: &Vertices) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (vertices.points[ring[i] as usize], vertices.points[ring[(i + 1) % n] as usize]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}

/// Groups the communes linked by defects; each group in dataset order, with its gaps.
fn clusters(defects: &[Defect], commune_count: usize) -> Vec<(Vec<usize>, Vec<&Defect>)> {
    let mut parent: Vec<usize> = (0..commune_count).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for d in defects {
        for pair in d.communes.windows(2) {
            let (a, b) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: HashMap<usize, (Vec<usize>, Vec<&Defect>)> = HashMap::new();
    for d in defects.iter().filter(|d| !d.communes.is_empty()) {
        let r = root(&mut parent, d.communes[0]);
        let group = groups.entry(r).or_default();
        group.0.extend(&d.communes);
        group.1.push(d);
    }
    let mut groups: Vec<_> = groups.into_values().collect();
    for (members, _) in &mut groups {
        members.sort_unstable();
        members.dedup();
    }
    groups.sort_by_key(|(members, _)| members[0]);
    groups
}

/// Runs one i_overlay operation under the non-zero rule, keeping every collinear vertex (a
/// neighbour's border may need it).
fn overlay(subject: &[Vec<IntPoint>], clip: &[Vec<IntPoint>], rule: OverlayRule) -> Vec<Vec<Vec<IntPoint>>> {
    let options = IntOverlayOptions {
        preserve_input_collinear: true,
        preserve_output_collinear: true,
        min_output_area: 0,
        ..IntOverlayOptions::default()
    };
    let capacity = subject.iter().chain(clip).map(Vec::len).sum();
    let mut o = Overlay::new_custom(capacity, options, Solver::default());
    for contour in subject {
        o.add_contour(contour, ShapeType::Subject);
    }
    for contour in clip {
        o.add_contour(contour, ShapeType::Clip);
    }
    o.overlay(rule, FillRule::NonZero)
}

/// The ring without spikes: a vertex where the ring turns straight back (within
/// [`SNAP_UNITS`] of the line it came along) encloses nothing. i_overlay keeps them where a
/// filled gap ends in a needle along a border; the neighbour walks that border straight.
fn without_spikes(ring: Vec<IntPoint>) -> Vec<IntPoint> {
    let turns_back = |a: IntPoint, b: IntPoint, c: IntPoint| {
        let (u, v) = ([(b.x - a.x) as f64, (b.y - a.y) as f64], [(c.x - b.x) as f64, (c.y - b.y) as f64]);
        let dot = u[0] * v[0] + u[1] * v[1];
        let cross = u[0] * v[1] - u[1] * v[0];
        let longer = u[0].hypot(u[1]).max(v[0].hypot(v[1]));
        dot < 0.0 && cross.abs() <= SNAP_UNITS as f64 * longer
    };
    let mut out: Vec<IntPoint> = Vec::with_capacity(ring.len());
    for p in ring {
        if out.last() == Some(&p) {
            continue;
        }
        out.push(p);
        while out.len() >= 3 && turns_back(out[out.len() - 3], out[out.len() - 2], out[out.len() - 1]) {
            out.remove(out.len() - 2);
            // Back where the needle started: the point is there already.
            if out[out.len() - 1] == out[out.len() - 2] {
                out.pop();
            }
        }
    }
    // The same where the ring closes.
    loop {
        let n = out.len();
        if n >= 3 && turns_back(out[n - 2], out[n - 1], out[0]) {
            out.pop();
        } else if n >= 3 && turns_back(out[n - 1], out[0], out[1]) {
            out.remove(0);
        } else {
            break;
        }
    }
    out
}

/// The value of the nearest point within `radius` units of `q` (per axis), exact first.
fn nearest_within<V: Copy + Ord>(points: &HashMap<(i32, i32), V>, q: IntPoint, radius: i32) -> Option<V> {
    (-radius..=radius)
        .flat_map(|dx| (-radius..=radius).map(move |dy| (dx, dy)))
        .filter_map(|(dx, dy)| points.get(&(q.x + dx, q.y + dy)).map(|&id| (dx * dx + dy * dy, id)))
        .min()
        .map(|(_, id)| id)
}

/// True when `p` is inside the integer ring (crossing number; boundary counts as outside).
fn ring_holds(ring: &[IntPoint], p: IntPoint) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if (a.y > p.y) != (b.y > p.y) {
            let cross = (b.x as i128 - a.x as i128) * (p.y as i128 - a.y as i128)
                - (b.y as i128 - a.y as i128) * (p.x as i128 - a.x as i128);
            if (cross > 0) == (b.y > a.y) {
                inside = !inside;
            }
        }
    }
    inside
}

/// Resolves every overlap and gap in `defects`, rewriting the rings of the communes involved.
/// Overlaps go to the first commune (dataset order) that covers them, gaps to the first
/// commune around them.
pub(crate) fn resolve(rings: &mut [CommuneRings], vertices: &mut Vertices, defects: &[Defect]) {
    let mut created: HashSet<VertexId> = HashSet::new();
    for (members, cluster_defects) in clusters(defects, rings.len()) {
        resolve_cluster(rings, vertices, &members, &cluster_defects, &mut created);
    }
    if !created.is_empty() {
        insert_on_edges(rings, vertices, &created);
    }
}

fn resolve_cluster(
    rings: &mut [CommuneRings],
    vertices: &mut Vertices,
    members: &[usize],
    defects: &[&Defect],
    created: &mut HashSet<VertexId>,
) {
    let frame = Frame::around(
        members.iter().flat_map(|&m| rings[m].iter().flatten().flatten()).map(|&id| &vertices.points[id as usize]),
    );
    let mut source: HashMap<(i32, i32), VertexId> = HashMap::new();
    // The first member with a vertex at each point.
    let mut member_at: HashMap<(i32, i32), usize> = HashMap::new();
    // Each member's rings in the frame: exteriors positive, holes negative, for the non-zero
    // rule.
    let contours: Vec<Vec<Vec<IntPoint>>> = members
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            rings[m]
                .iter()
                .flat_map(|polygon| polygon.iter().enumerate())
                .map(|(index, ring)| {
                    let mut contour: Vec<IntPoint> = ring
                        .iter()
                        .map(|&id| {
                            let q = frame.int(vertices.points[id as usize]);
                            source.entry((q.x, q.y)).or_insert(id);
                            member_at.entry((q.x, q.y)).or_insert(k);
                            q
                        })
                        .collect();
                    if (area2(&contour) > 0) != (index == 0) {
                        contour.reverse();
                    }
                    contour
                })
                .collect()
        })
        .collect();
    // Which way this data winds its exteriors, to write the new rings the same way.
    let exterior_positive = members
        .iter()
        .flat_map(|&m| rings[m].iter().filter_map(|p| p.first()))
        .map(|ring| area2_of(ring, vertices))
        .sum::<f64>()
        > 0.0;

    // The gaps: holes of the cluster's union that hold a reported gap point, or that are
    // slivers too small for validation to report (under a square metre, but they may run
    // for hundreds of metres between two digitisations of one border). Each goes to the
    // first commune around it.
    let mut gaps: Vec<Vec<Vec<IntPoint>>> = vec![Vec::new(); members.len()];
    let gap_points: Vec<(&Defect, IntPoint)> =
        defects.iter().filter_map(|d| d.gap_at.map(|p| (*d, frame.int(p)))).collect();
    let all: Vec<Vec<IntPoint>> = contours.iter().flatten().cloned().collect();
    let union = overlay(&all, &[], OverlayRule::Subject);
    for hole in union.iter().flat_map(|shape| shape.iter().skip(1)) {
        let owner = match gap_points.iter().find(|(_, p)| ring_holds(hole, *p)) {
            Some((defect, _)) => defect.communes.iter().filter_map(|c| members.iter().position(|m| m == c)).min(),
            None if frame.square_metres(area2(hole).abs()) < data_boundaries::validate::GAP_TOLERANCE_M2 => {
                hole.iter().filter_map(|&q| nearest_within(&member_at, q, SNAP_UNITS)).min()
            }
            None => None,
        };
        let Some(owner) = owner else { continue };
        let mut filled = hole.clone();
        if area2(&filled) < 0 {
            filled.reverse();
        }
        gaps[owner].push(filled);
    }

    let mut new_ids: HashMap<(i32, i32), VertexId> = HashMap::new();
    let mut id_of = |q: IntPoint, vertices: &mut Vertices| -> VertexId {
        // A source vertex i_overlay moved a little is still that vertex, and two operations
        // may place one crossing a few units apart.
        if let Some(id) = nearest_within(&source, q, SNAP_UNITS).or_else(|| nearest_within(&new_ids, q, MERGE_UNITS)) {
            return id;
        }
        let id = vertices.id(frame.unit(q));
        created.insert(id);
        new_ids.insert((q.x, q.y), id);
        id
    };

    // Each member keeps what no earlier member covers, plus its gaps.
    let mut rebuilt: Vec<CommuneRings> = Vec::with_capacity(members.len());
    for (k, own) in contours.iter().enumerate() {
        let subject: Vec<Vec<IntPoint>> = own.iter().chain(&gaps[k]).cloned().collect();
        let earlier: Vec<Vec<IntPoint>> = contours[..k].iter().flatten().cloned().collect();
        let shapes = overlay(&subject, &earlier, OverlayRule::Difference);
        let polygons = shapes
            .into_iter()
            .map(|shape| {
                shape
                    .into_iter()
                    .enumerate()
                    .map(|(index, contour)| {
                        let contour = without_spikes(contour);
                        let mut ring: Vec<VertexId> = contour.iter().map(|&q| id_of(q, vertices)).collect();
                        ring.dedup();
                        while ring.len() > 1 && ring.first() == ring.last() {
                            ring.pop();
                        }
                        // The frame keeps the unit square's axes, so the exact integer area
                        // tells the winding even for a sliver of a few square metres.
                        if (area2(&contour) > 0) != (exterior_positive == (index == 0)) {
                            ring.reverse();
                        }
                        ring
                    })
                    .collect::<Vec<_>>()
            })
            // A polygon whose exterior collapsed is gone, holes and all.
            .filter(|polygon: &Vec<Vec<VertexId>>| polygon.first().is_some_and(|exterior| exterior.len() >= 3))
            .map(|polygon| polygon.into_iter().filter(|ring| ring.len() >= 3).collect())
            .collect();
        rebuilt.push(polygons);
    }
    // Vertices a member took from a neighbour's border may lie on a third ring's edge too.
    for (k, polygons) in rebuilt.into_iter().enumerate() {
        let before: HashSet<VertexId> = rings[members[k]].iter().flatten().flatten().copied().collect();
        created.extend(polygons.iter().flatten().flatten().filter(|id| !before.contains(id)));
        rings[members[k]] = polygons;
    }
}

/// Inserts each new or moved vertex into every ring edge that runs through it (within
/// [`ON_EDGE`]), so that the communes on both sides of a border cut it at the same vertices.
fn insert_on_edges(rings: &mut [CommuneRings], vertices: &Vertices, created: &HashSet<VertexId>) {
    let mut by_x: Vec<(f64, VertexId)> = created.iter().map(|&id| (vertices.points[id as usize][0], id)).collect();
    by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lo, hi) = (by_x[0].0 - ON_EDGE, by_x[by_x.len() - 1].0 + ON_EDGE);
    for ring in rings.iter_mut().flatten().flatten() {
        if ring.iter().all(|&id| {
            let x = vertices.points[id as usize][0];
            x < lo || x > hi
        }) {
            continue;
        }
        let mut present: HashSet<VertexId> = ring.iter().copied().filter(|id| created.contains(id)).collect();
        let n = ring.len();
        let mut out: Vec<VertexId> = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            out.push(a);
            let (pa, pb) = (vertices.points[a as usize], vertices.points[b as usize]);
            let (x0, x1) = (pa[0].min(pb[0]) - ON_EDGE, pa[0].max(pb[0]) + ON_EDGE);
            let start = by_x.partition_point(|(x, _)| *x < x0);
            let mut on: Vec<(f64, VertexId)> = by_x[start..]
                .iter()
                .take_while(|(x, _)| *x <= x1)
                .filter(|(_, v)| !present.contains(v) && *v != a && *v != b)
                .filter_map(|&(_, v)| position_on(pa, pb, vertices.points[v as usize]).map(|t| (t, v)))
                .collect();
            on.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
            // Once in the ring, a vertex is not inserted again on the next edge (a spike).
            on.retain(|&(_, v)| present.insert(v));
            out.extend(on.into_iter().map(|(_, v)| v));
        }
        *ring = out;
    }
}

/// Where `p` lies along segment ab (0 at a, 1 at b), when it is within [`ON_EDGE`] of the
/// segment's inside.
fn position_on(a: Point, b: Point, p: Point) -> Option<f64> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length2 = dx * dx + dy * dy;
    if length2 == 0.0 {
        return None;
    }
    let t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2;
    if t <= 0.0 || t >= 1.0 {
        return None;
    }
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (ex * ex + ey * ey <= ON_EDGE * ON_EDGE).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interns rectangles (given as open rings of points) as one-polygon communes.
    fn communes(shapes: &[&[Point]], vertices: &mut Vertices) -> Vec<CommuneRings> {
        shapes.iter().map(|ring| vec![vec![ring.iter().map(|&p| vertices.id(p)).collect()]]).collect()
    }

    /// Every undirected edge of every ring, with how many rings use it.
    fn edge_uses(rings: &[CommuneRings]) -> HashMap<(VertexId, VertexId), usize> {
        let mut uses = HashMap::new();
        for ring in rings.iter().flatten().flatten() {
            for i in 0..ring.len() {
                let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                *uses.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            }
        }
        uses
    }

    fn area(ring: &[VertexId], vertices: &Vertices) -> f64 {
        area2_of(ring, vertices).abs() / 2.0
    }

    #[test]
    fn an_overlap_goes_to_the_first_commune_and_the_border_becomes_one() {
        let mut vertices = Vertices::default();
        // Counter-clockwise squares (y up) overlapping on the strip 9 ≤ x ≤ 10.
        let left: &[Point] = &[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let right: &[Point] = &[[9.0, 0.0], [20.0, 0.0], [20.0, 10.0], [9.0, 10.0]];
        let mut rings = communes(&[left, right], &mut vertices);
        resolve(&mut rings, &mut vertices, &[Defect { communes: vec![0, 1], gap_at: None }]);
        assert_eq!(area(&rings[0][0][0], &vertices), 100.0, "the first commune keeps the overlap");
        assert_eq!(area(&rings[1][0][0], &vertices), 100.0, "the second loses it");
        let border = (vertices.id([10.0, 0.0]), vertices.id([10.0, 10.0]));
        assert_eq!(
            edge_uses(&rings)[&(border.0.min(border.1), border.0.max(border.1))],
            2,
            "one border, walked by both"
        );
        assert!(area2_of(&rings[1][0][0], &vertices) > 0.0, "exteriors keep the data's winding");
    }

    #[test]
    fn a_gap_goes_to_the_first_commune_around_it() {
        let mut vertices = Vertices::default();
        // Two squares with a 1-wide strip between them, closed above and below by two bands
        // that carry the corners of both squares.
        let left: &[Point] = &[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let right: &[Point] = &[[11.0, 0.0], [21.0, 0.0], [21.0, 10.0], [11.0, 10.0]];
        let top: &[Point] = &[[0.0, 10.0], [10.0, 10.0], [11.0, 10.0], [21.0, 10.0], [21.0, 12.0], [0.0, 12.0]];
        let bottom: &[Point] = &[[0.0, -2.0], [21.0, -2.0], [21.0, 0.0], [11.0, 0.0], [10.0, 0.0], [0.0, 0.0]];
        let mut rings = communes(&[left, right, top, bottom], &mut vertices);
        let gap = Defect { communes: vec![0, 1, 2, 3], gap_at: Some([10.5, 5.0]) };
        resolve(&mut rings, &mut vertices, &[gap]);
        assert_eq!(area(&rings[0][0][0], &vertices), 110.0, "the first commune takes the strip");
        let one_sided = edge_uses(&rings).values().filter(|&&n| n == 1).count();
        let outer_edges = 4 + 4; // the bands' outer sides, cut at the squares' outer corners
        assert_eq!(one_sided, outer_edges, "every inner border is walked by two rings");
    }

    #[test]
    fn a_needle_that_turns_straight_back_is_cut_off() {
        let p = |x, y| IntPoint::new(x, y);
        // A square with a needle out of its right side, along y = 5 (1 unit off at the tip).
        let ring = vec![p(0, 0), p(10, 0), p(10, 5), p(30, 6), p(10, 5), p(10, 10), p(0, 10)];
        assert_eq!(without_spikes(ring), vec![p(0, 0), p(10, 0), p(10, 5), p(10, 10), p(0, 10)]);
        let square = vec![p(0, 0), p(10, 0), p(10, 10), p(0, 10)];
        assert_eq!(without_spikes(square.clone()), square, "a plain ring is kept");
    }

    #[test]
    fn communes_without_defects_are_left_alone() {
        let mut vertices = Vertices::default();
        let left: &[Point] = &[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let mut rings = communes(&[left], &mut vertices);
        let before = rings.clone();
        resolve(&mut rings, &mut vertices, &[]);
        assert_eq!(rings, before);
    }
}
