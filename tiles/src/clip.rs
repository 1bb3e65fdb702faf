//! Clipping to a tile's buffered box.
//!
//! Polygons go through a real polygon clipper in integers (i_overlay), which returns valid
//! polygons: where a ring leaves the box and comes back, it becomes separate pieces rather
//! than one ring run back along the box's edge, as Sutherland–Hodgman leaves it. Lines use
//! Liang–Barsky.

use crate::mvt::signed_area2;

/// A point in tile units (x to the east, y to the south), before rounding to integers.
pub type Point = [f64; 2];

/// `[x0, y0, x1, y1]` in tile units.
pub type Bounds = [f64; 4];

/// A polygon in integer tile units: its exterior ring, then its holes, each ring open.
pub type IntPolygon = Vec<Vec<[i32; 2]>>;

/// Clips one feature's polygons (rings in integer tile units, each polygon's exterior first)
/// to the box, whose corners must be whole numbers, with i_overlay's integer clipper.
///
/// The result is valid as OGC and GEOS define it: no ring crosses or touches itself or
/// another except at a point, holes lie inside their exterior, and parts do not overlap.
/// Rings that crossed themselves on the way in (a border simplified onto the grid at low
/// zoom) are repaired by the non-zero fill rule, after each exterior is turned one way and
/// each hole the other. Pieces under one unit² (one quantisation cell) are left out, so a
/// polygon that collapses is dropped rather than drawn degenerate.
pub fn clip_polygons(polygons: &[Vec<Vec<[f64; 2]>>], b: Bounds) -> Vec<IntPolygon> {
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::core::solver::Solver;
    use i_overlay::i_float::int::point::IntPoint;

    let contours = rounded_nonzero_contours(polygons, 1.0);
    let capacity = contours.iter().map(Vec::len).sum::<usize>() + 4;
    let options = IntOverlayOptions { min_output_area: 1, ..IntOverlayOptions::ogc() };
    let mut overlay = Overlay::new_custom(capacity, options, Solver::default());
    for contour in &contours {
        overlay.add_path_iter(int_points(contour), ShapeType::Subject);
    }
    let (x0, y0, x1, y1) = (b[0] as i32, b[1] as i32, b[2] as i32, b[3] as i32);
    let corners = [IntPoint::new(x0, y0), IntPoint::new(x1, y0), IntPoint::new(x1, y1), IntPoint::new(x0, y1)];
    overlay.add_contour(&corners, ShapeType::Clip);
    let shapes: Vec<IntPolygon> = overlay
        .overlay(OverlayRule::Intersect, FillRule::NonZero)
        .into_iter()
        .map(|shape| shape.into_iter().map(|ring| ring.into_iter().map(|p| [p.x, p.y]).collect()).collect())
        .collect();
    assign_holes(shapes)
}

/// Gives each hole to the smallest exterior that holds it. i_overlay's rings are right, but
/// it can file a hole under the wrong exterior (found by the property test, and confirmed
/// with GEOS: "Hole lies outside shell"), so the grouping is redone here, exactly.
fn assign_holes(shapes: Vec<IntPolygon>) -> Vec<IntPolygon> {
    let mut exteriors: Vec<IntPolygon> = Vec::with_capacity(shapes.len());
    let mut holes: Vec<Vec<[i32; 2]>> = Vec::new();
    for mut shape in shapes {
        if shape.is_empty() {
            continue;
        }
        holes.extend(shape.drain(1..));
        exteriors.push(shape);
    }
    let areas: Vec<i128> = exteriors.iter().map(|p| signed_area2(&p[0]).abs()).collect();
    for hole in holes {
        // A hole may touch its exterior at a vertex, so decide on a vertex strictly inside
        // or outside: the first exterior (by size) that strictly holds one of its vertices.
        let owner = (0..exteriors.len())
            .filter(|&i| hole.iter().any(|&p| locate(p, &exteriors[i][0]) == Place::Inside))
            .filter(|&i| hole.iter().all(|&p| locate(p, &exteriors[i][0]) != Place::Outside))
            .min_by_key(|&i| areas[i]);
        if let Some(i) = owner {
            exteriors[i].push(hole);
        }
    }
    exteriors
}

/// A ring of integer points as i_overlay's.
fn int_points(ring: &[[i32; 2]]) -> impl Iterator<Item = i_overlay::i_float::int::point::IntPoint> + '_ {
    ring.iter().map(|p| i_overlay::i_float::int::point::IntPoint::new(p[0], p[1]))
}

/// Rings in tile units (each polygon's exterior first), scaled, rounded to integers and
/// stripped of repeated points, as contours for the non-zero rule: exteriors
/// counter-clockwise and holes clockwise (y up), so that a hole cancels its exterior and
/// overlapping parts add up. Rings of fewer than 3 points are left out.
fn rounded_nonzero_contours(polygons: &[Vec<Vec<[f64; 2]>>], scale: f64) -> Vec<Vec<[i32; 2]>> {
    let mut contours = Vec::new();
    for polygon in polygons {
        for (index, ring) in polygon.iter().enumerate() {
            let mut contour: Vec<[i32; 2]> =
                ring.iter().map(|p| [(p[0] * scale).round() as i32, (p[1] * scale).round() as i32]).collect();
            contour.dedup();
            while contour.len() > 1 && contour.first() == contour.last() {
                contour.pop();
            }
            if contour.len() < 3 {
                continue;
            }
            if (signed_area2(&contour) > 0) != (index == 0) {
                contour.reverse();
            }
            contours.push(contour);
        }
    }
    contours
}

/// Polygons (each exterior first) as contours for the non-zero rule: exteriors
/// counter-clockwise, holes clockwise (y up), so a hole cancels its exterior.
fn nonzero_contours(polygons: &[IntPolygon]) -> impl Iterator<Item = Vec<[i32; 2]>> + '_ {
    polygons.iter().flat_map(|polygon| {
        polygon.iter().enumerate().map(|(index, ring)| {
            let mut contour = ring.clone();
            if (signed_area2(&contour) > 0) != (index == 0) {
                contour.reverse();
            }
            contour
        })
    })
}

/// The union of polygons, as valid polygons (each exterior first).
pub fn union(polygons: &[IntPolygon]) -> Vec<IntPolygon> {
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::core::solver::Solver;

    let capacity = polygons.iter().flatten().map(Vec::len).sum::<usize>();
    let options = IntOverlayOptions { min_output_area: 1, ..IntOverlayOptions::ogc() };
    let mut overlay = Overlay::new_custom(capacity, options, Solver::default());
    for contour in nonzero_contours(polygons) {
        overlay.add_path_iter(int_points(&contour), ShapeType::Subject);
    }
    let shapes = overlay
        .overlay(OverlayRule::Subject, FillRule::NonZero)
        .into_iter()
        .map(|shape| shape.into_iter().map(|ring| ring.into_iter().map(|p| [p.x, p.y]).collect()).collect())
        .collect();
    assign_holes(shapes)
}

/// Sub-units per tile unit when measuring land: a channel that decides whether a hole is
/// land may be narrower than one unit.
const MEASURE_SCALE: f64 = 16.0;

/// A source polygon set (rings in tile units, unrounded) ready to measure land with.
pub struct Land {
    contours: Vec<Vec<[i32; 2]>>,
    /// `[x0, y0, x1, y1]` in sub-units.
    bounds: [i32; 4],
}

impl Land {
    /// The source rings (each polygon's exterior first), in tile units.
    pub fn new(source: &[Vec<Vec<[f64; 2]>>]) -> Land {
        let contours = rounded_nonzero_contours(source, MEASURE_SCALE);
        let bounds = contours.iter().flatten().fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
            [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
        });
        Land { contours, bounds }
    }

    /// Twice the area of this land inside `ring` (in tile units), in tile units².
    pub fn inside(&self, ring: &[[i32; 2]]) -> f64 {
        use i_overlay::core::fill_rule::FillRule;
        use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
        use i_overlay::core::overlay_rule::OverlayRule;
        use i_overlay::core::solver::Solver;

        let sub = MEASURE_SCALE as i32;
        let clip: Vec<[i32; 2]> = ring.iter().map(|p| [p[0] * sub, p[1] * sub]).collect();
        let b = clip.iter().fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
            [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
        });
        if b[0] > self.bounds[2] || b[2] < self.bounds[0] || b[1] > self.bounds[3] || b[3] < self.bounds[1] {
            return 0.0;
        }
        let capacity = self.contours.iter().map(Vec::len).sum::<usize>() + clip.len();
        let mut overlay = Overlay::new_custom(capacity, IntOverlayOptions::default(), Solver::default());
        for contour in &self.contours {
            overlay.add_path_iter(int_points(contour), ShapeType::Subject);
        }
        let mut clip = clip;
        if signed_area2(&clip) < 0 {
            clip.reverse();
        }
        overlay.add_path_iter(int_points(&clip), ShapeType::Clip);
        let twice_sub_area: i128 = overlay
            .overlay(OverlayRule::Intersect, FillRule::NonZero)
            .iter()
            .flatten()
            .map(|contour| signed_area2(&contour.iter().map(|p| [p.x, p.y]).collect::<Vec<_>>()))
            .sum();
        twice_sub_area.abs() as f64 / (MEASURE_SCALE * MEASURE_SCALE)
    }
}

/// Where a point lies against a ring.
#[derive(PartialEq)]
pub(crate) enum Place {
    Inside,
    Boundary,
    Outside,
}

/// Where an integer point lies against an open integer ring, exactly (crossing number).
pub(crate) fn locate(p: [i32; 2], ring: &[[i32; 2]]) -> Place {
    let (px, py) = (p[0] as i128, p[1] as i128);
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let (ax, ay, bx, by) = (a[0] as i128, a[1] as i128, b[0] as i128, b[1] as i128);
        let cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
        if cross == 0 && px >= ax.min(bx) && px <= ax.max(bx) && py >= ay.min(by) && py <= ay.max(by) {
            return Place::Boundary;
        }
        if (ay > py) != (by > py) {
            // The edge crosses the horizontal line through p; is the crossing right of p?
            let right = if by > ay { cross > 0 } else { cross < 0 };
            if right {
                inside = !inside;
            }
        }
    }
    if inside {
        Place::Inside
    } else {
        Place::Outside
    }
}

/// Clips a polyline to the box, edges included; a line that leaves and re-enters becomes
/// several lines. Pieces shorter than two points are dropped, so the result may be empty.
pub fn clip_line(line: &[Point], b: Bounds) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    for pair in line.windows(2) {
        match clip_segment(pair[0], pair[1], b) {
            Some((p, q)) => {
                if current.last() != Some(&p) {
                    if current.len() >= 2 {
                        out.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(p);
                }
                current.push(q);
                if q != pair[1] {
                    out.push(std::mem::take(&mut current));
                }
            }
            None => {
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    out
}

/// Liang–Barsky segment clipping.
fn clip_segment(a: Point, c: Point, b: Bounds) -> Option<(Point, Point)> {
    let (dx, dy) = (c[0] - a[0], c[1] - a[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a[0] - b[0]), (dx, b[2] - a[0]), (-dy, a[1] - b[1]), (dy, b[3] - a[1])] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            c
        } else {
            [a[0] + t * dx, a[1] + t * dy]
        }
    };
    Some((at(t0), at(t1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_straddling_the_box_is_cut_to_it() {
        let ring = vec![[-5.0, -5.0], [5.0, -5.0], [5.0, 5.0], [-5.0, 5.0], [-5.0, -5.0]];
        let clipped = clip_polygons(&[vec![ring]], [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(clipped.len(), 1);
        let mut corners = clipped[0][0].clone();
        corners.sort();
        assert_eq!(corners, vec![[0, 0], [0, 5], [5, 0], [5, 5]]);
    }

    #[test]
    fn a_ring_leaving_and_reentering_becomes_two_polygons_not_one_joined_along_the_edge() {
        // A U open to the left, cut by the box's left edge at x = 0: Sutherland–Hodgman
        // would join the two arms along x = 0, running back over itself.
        let u = vec![
            [-10.0, 0.0],
            [10.0, 0.0],
            [10.0, 30.0],
            [-10.0, 30.0],
            [-10.0, 20.0],
            [5.0, 20.0],
            [5.0, 10.0],
            [-10.0, 10.0],
        ];
        let clipped = clip_polygons(&[vec![u]], [0.0, -5.0, 50.0, 50.0]);
        assert_eq!(clipped.len(), 1, "one U-shaped polygon");
        assert_eq!(clipped[0].len(), 1, "with no hole");
        let area = signed_area2(&clipped[0][0]);
        assert_eq!(area.abs(), 2 * (10 * 30 - 5 * 10), "the notch stays out");
    }

    #[test]
    fn a_ring_crossing_itself_is_repaired_and_a_sliver_is_dropped() {
        let bow_tie = vec![[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]];
        let clipped = clip_polygons(&[vec![bow_tie]], [-64.0, -64.0, 64.0, 64.0]);
        assert_eq!(clipped.len(), 2, "two triangles, touching at a point");
        let sliver = vec![[0.0, 0.0], [10.0, 0.0], [0.0, 0.0]];
        assert!(clip_polygons(&[vec![sliver]], [-64.0, -64.0, 64.0, 64.0]).is_empty());
    }

    #[test]
    fn lines_leaving_and_reentering_split() {
        let line = [[1.0, 1.0], [1.0, 20.0], [2.0, 20.0], [2.0, 1.0]];
        let parts = clip_line(&line, [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(parts, vec![vec![[1.0, 1.0], [1.0, 10.0]], vec![[2.0, 10.0], [2.0, 1.0]]]);
    }
}
