//! Clipping to a tile's buffered box.
//!
//! Polygons use Sutherland–Hodgman, one box edge at a time. Edge crossings are computed from
//! the segment's endpoints in a canonical order, so two neighbours clipping their shared
//! border (walked in opposite directions) get bit-identical crossing points: topology
//! survives the clip as well as the simplification.

/// A point in tile units (x to the east, y to the south), before rounding to integers.
pub type Point = [f64; 2];

/// `[x0, y0, x1, y1]` in tile units.
pub type Bounds = [f64; 4];

#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

fn inside(p: Point, side: Side, b: Bounds) -> bool {
    match side {
        Side::Left => p[0] >= b[0],
        Side::Right => p[0] <= b[2],
        Side::Top => p[1] >= b[1],
        Side::Bottom => p[1] <= b[3],
    }
}

fn crossing(a: Point, c: Point, side: Side, b: Bounds) -> Point {
    // Canonical order: the same segment gives the same point whichever way it is walked.
    let (p, q) = if (a[0], a[1]) <= (c[0], c[1]) { (a, c) } else { (c, a) };
    match side {
        Side::Left | Side::Right => {
            let x = if matches!(side, Side::Left) { b[0] } else { b[2] };
            let t = (x - p[0]) / (q[0] - p[0]);
            [x, p[1] + t * (q[1] - p[1])]
        }
        Side::Top | Side::Bottom => {
            let y = if matches!(side, Side::Top) { b[1] } else { b[3] };
            let t = (y - p[1]) / (q[1] - p[1]);
            [p[0] + t * (q[0] - p[0]), y]
        }
    }
}

/// Clips a closed ring (first point repeated last, or not) to the box, edges included. The
/// result is open (no repeated closing point) and may be empty. Where the ring runs outside,
/// the result follows the box's edge: a ring that leaves and re-enters stays one ring, joined
/// along the edge, as Sutherland–Hodgman does.
pub fn clip_ring(ring: &[Point], b: Bounds) -> Vec<Point> {
    let mut current: Vec<Point> = ring.to_vec();
    if current.len() > 1 && current.first() == current.last() {
        current.pop();
    }
    for side in [Side::Left, Side::Right, Side::Top, Side::Bottom] {
        if current.is_empty() {
            break;
        }
        let input = std::mem::take(&mut current);
        let mut previous = input[input.len() - 1];
        for &point in &input {
            match (inside(point, side, b), inside(previous, side, b)) {
                (true, true) => current.push(point),
                (true, false) => {
                    current.push(crossing(previous, point, side, b));
                    current.push(point);
                }
                (false, true) => current.push(crossing(previous, point, side, b)),
                (false, false) => {}
            }
            previous = point;
        }
    }
    current
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
        let ring = [[-5.0, -5.0], [5.0, -5.0], [5.0, 5.0], [-5.0, 5.0], [-5.0, -5.0]];
        let clipped = clip_ring(&ring, [0.0, 0.0, 10.0, 10.0]);
        let mut sorted = clipped.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(sorted, vec![[0.0, 0.0], [0.0, 5.0], [5.0, 0.0], [5.0, 5.0]]);
    }

    #[test]
    fn crossings_do_not_depend_on_direction() {
        let (a, c) = ([-3.3, 1.7], [7.1, 9.9]);
        let b = [0.0, 0.0, 4.0, 4.0];
        assert_eq!(crossing(a, c, Side::Left, b), crossing(c, a, Side::Left, b));
        assert_eq!(crossing(a, c, Side::Bottom, b), crossing(c, a, Side::Bottom, b));
    }

    #[test]
    fn lines_leaving_and_reentering_split() {
        let line = [[1.0, 1.0], [1.0, 20.0], [2.0, 20.0], [2.0, 1.0]];
        let parts = clip_line(&line, [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(parts, vec![vec![[1.0, 1.0], [1.0, 10.0]], vec![[2.0, 10.0], [2.0, 1.0]]]);
    }
}
