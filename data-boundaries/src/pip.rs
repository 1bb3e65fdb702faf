//! Indexed point-in-polygon: the engine behind `locate`.
//!
//! A polygon's edges are bucketed into horizontal stripes ("y-stripes", as in tidwall/tg).
//! A query looks only at the edges of the one stripe its latitude falls in and counts how
//! many of them cross a ray cast towards +x. A stripe holds the few edges that cross its
//! latitude band, so a query costs about as many edge tests as the ray has crossings,
//! rather than the polygon's full vertex count.
//!
//! Edge semantics, spelled out because callers rely on them:
//! - A point exactly on an edge or vertex is [`Position::OnBoundary`], decided with exact
//!   (adaptive-precision) orientation tests, so it does not depend on floating-point luck.
//! - Otherwise the answer is the even-odd rule over all rings, so holes work whatever their
//!   winding, and equals GEOS `contains` off the boundary.
//! - Non-finite coordinates are [`Position::Outside`].

use geo::Polygon;

/// Where a point lies relative to a polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// In the interior: inside the exterior ring and in no hole, off every edge.
    Inside,
    /// Exactly on an edge or a vertex of any ring, holes' included.
    OnBoundary,
    /// Neither: outside the exterior ring, in a hole, or not a finite point.
    Outside,
}

/// One edge, as read from [`IndexedPolygon::edge`].
#[derive(Debug, Clone, Copy)]
struct Edge {
    ax: f64,
    ay: f64,
    bx: f64,
    by: f64,
}

/// A polygon (exterior plus holes) with its y-stripe edge index, built once and then asked
/// [`IndexedPolygon::position`] for as many points as needed. Coordinates are plain x/y (the
/// index knows nothing of longitude wrapping); the answer follows the module's edge rules.
///
/// ```
/// use data_boundaries::pip::{IndexedPolygon, Position};
/// use geo::polygon;
/// // A 10 × 10 square with a 2 × 2 hole in the middle; the hole's winding does not matter.
/// let with_hole = polygon!(
///     exterior: [(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)],
///     interiors: [[(x: 4., y: 4.), (x: 6., y: 4.), (x: 6., y: 6.), (x: 4., y: 6.)]],
/// );
/// let index = IndexedPolygon::new(&with_hole);
/// assert_eq!(index.bounds(), [0.0, 0.0, 10.0, 10.0]);
/// assert_eq!(index.position(1.0, 1.0), Position::Inside);
/// assert_eq!(index.position(5.0, 5.0), Position::Outside, "in the hole");
/// assert_eq!(index.position(4.0, 5.0), Position::OnBoundary, "on the hole's edge");
/// assert_eq!(index.position(10.0, 10.0), Position::OnBoundary, "a vertex");
/// assert_eq!(index.position(f64::NAN, 1.0), Position::Outside);
///
/// // An empty polygon is outside everywhere.
/// let empty = IndexedPolygon::new(&geo::Polygon::new(geo::LineString::new(vec![]), vec![]));
/// assert_eq!(empty.position(0.0, 0.0), Position::Outside);
/// ```
#[derive(Debug, Clone)]
pub struct IndexedPolygon {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
    /// Stripes per degree of latitude.
    stripes_per_unit: f64,
    stripe_count: usize,
    /// The rings' vertices one after another; edge `i` runs from `vertices[i]` to
    /// `vertices[i + 1]` (rings are closed, so no edge is taken across two rings).
    vertices: Vec<[f64; 2]>,
    /// `edges[offsets[i]..offsets[i + 1]]` are the edges whose y-range meets stripe `i`, as
    /// indexes of their first vertex. A tall edge is listed in every stripe it crosses (3.9
    /// times on average over all Vietnam), so listing a 4-byte index rather than a 32-byte
    /// copy keeps the national index at a quarter of the memory.
    offsets: Vec<u32>,
    edges: Vec<u32>,
}

impl IndexedPolygon {
    /// Builds the index. An empty polygon gives an index that answers `Outside` everywhere.
    pub fn new(polygon: &Polygon<f64>) -> IndexedPolygon {
        let mut vertices = Vec::new();
        let mut edges = Vec::new();
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let first = vertices.len();
            vertices.extend(ring.0.iter().map(|c| [c.x, c.y]));
            for i in first..vertices.len().saturating_sub(1) {
                if vertices[i] != vertices[i + 1] {
                    edges.push(i as u32);
                }
            }
        }
        IndexedPolygon::from_edges(vertices, edges)
    }

    fn from_edges(vertices: Vec<[f64; 2]>, edges: Vec<u32>) -> IndexedPolygon {
        let (mut min_x, mut min_y) = (f64::INFINITY, f64::INFINITY);
        let (mut max_x, mut max_y) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &i in &edges {
            for [x, y] in [vertices[i as usize], vertices[i as usize + 1]] {
                min_x = min_x.min(x);
                max_x = max_x.max(x);
                min_y = min_y.min(y);
                max_y = max_y.max(y);
            }
        }
        let height = max_y - min_y;
        // One stripe per edge keeps each stripe near the ray's crossing count while the
        // copies of tall edges stay bounded (measured in BENCHMARKS.md).
        let stripe_count = if height > 0.0 { edges.len().max(1) } else { 1 };
        let stripes_per_unit = if height > 0.0 { stripe_count as f64 / height } else { 0.0 };
        let mut index = IndexedPolygon {
            min_x,
            min_y,
            max_x,
            max_y,
            stripes_per_unit,
            stripe_count,
            vertices,
            offsets: vec![0; stripe_count + 1],
            edges: Vec::new(),
        };
        // Counting pass, then fill pass: one flat array with no per-stripe allocations.
        for &i in &edges {
            let (first, last) = index.stripe_range(&index.edge(i));
            for s in first..=last {
                index.offsets[s + 1] += 1;
            }
        }
        for s in 0..stripe_count {
            index.offsets[s + 1] += index.offsets[s];
        }
        let mut cursor: Vec<u32> = index.offsets[..stripe_count].to_vec();
        let mut listed = vec![0; index.offsets[stripe_count] as usize];
        for &i in &edges {
            let (first, last) = index.stripe_range(&index.edge(i));
            for slot in &mut cursor[first..=last] {
                listed[*slot as usize] = i;
                *slot += 1;
            }
        }
        index.edges = listed;
        index
    }

    fn edge(&self, i: u32) -> Edge {
        let ([ax, ay], [bx, by]) = (self.vertices[i as usize], self.vertices[i as usize + 1]);
        Edge { ax, ay, bx, by }
    }

    fn stripe_of(&self, y: f64) -> usize {
        let s = ((y - self.min_y) * self.stripes_per_unit) as usize;
        s.min(self.stripe_count - 1)
    }

    fn stripe_range(&self, e: &Edge) -> (usize, usize) {
        (self.stripe_of(e.ay.min(e.by)), self.stripe_of(e.ay.max(e.by)))
    }

    /// The bounding box of the polygon's edges as `[min_x, min_y, max_x, max_y]`; for an
    /// empty polygon, `[inf, inf, -inf, -inf]` (a box that holds nothing).
    pub fn bounds(&self) -> [f64; 4] {
        [self.min_x, self.min_y, self.max_x, self.max_y]
    }

    /// Where `(x, y)` lies: inside, outside, or exactly on an edge or vertex.
    ///
    /// ```
    /// use data_boundaries::pip::{IndexedPolygon, Position};
    /// use geo::polygon;
    /// let square = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)];
    /// let index = IndexedPolygon::new(&square);
    /// assert_eq!(index.position(1.0, 1.0), Position::Inside);
    /// assert_eq!(index.position(2.0, 1.0), Position::OnBoundary);
    /// assert_eq!(index.position(3.0, 1.0), Position::Outside);
    /// ```
    pub fn position(&self, x: f64, y: f64) -> Position {
        // Written so that NaN fails every comparison and lands outside.
        if !(x >= self.min_x && x <= self.max_x && y >= self.min_y && y <= self.max_y) {
            return Position::Outside;
        }
        let stripe = self.stripe_of(y);
        let start = self.offsets[stripe] as usize;
        let end = self.offsets[stripe + 1] as usize;
        let mut inside = false;
        for &i in &self.edges[start..end] {
            let e = &self.edge(i);
            let a_above = e.ay > y;
            let b_above = e.by > y;
            if a_above != b_above {
                // The edge straddles the ray's line (half-open in y, so a vertex counts once).
                if x < e.ax.min(e.bx) {
                    inside = !inside;
                } else if x <= e.ax.max(e.bx) {
                    let turn = orientation(e, x, y);
                    if turn == 0.0 {
                        return Position::OnBoundary;
                    }
                    // Upward edge: the crossing is east of the point iff the point is to its
                    // left; downward edge: iff it is to its right.
                    if (turn > 0.0) == b_above {
                        inside = !inside;
                    }
                }
            } else if (e.ay == y || e.by == y) && touches(e, x, y) {
                return Position::OnBoundary;
            }
        }
        if inside {
            Position::Inside
        } else {
            Position::Outside
        }
    }
}

/// Exact sign of the turn a → b → p: positive when p is left of a→b, zero when collinear.
fn orientation(e: &Edge, x: f64, y: f64) -> f64 {
    robust::orient2d(robust::Coord { x: e.ax, y: e.ay }, robust::Coord { x: e.bx, y: e.by }, robust::Coord { x, y })
}

/// True when p lies on the closed segment (used for edges that do not straddle p's line).
fn touches(e: &Edge, x: f64, y: f64) -> bool {
    x >= e.ax.min(e.bx)
        && x <= e.ax.max(e.bx)
        && y >= e.ay.min(e.by)
        && y <= e.ay.max(e.by)
        && orientation(e, x, y) == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Contains, Point};

    fn square_with_hole() -> Polygon<f64> {
        polygon!(
            exterior: [(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)],
            interiors: [[(x: 4., y: 4.), (x: 6., y: 4.), (x: 6., y: 6.), (x: 4., y: 6.)]],
        )
    }

    #[test]
    fn inside_outside_and_hole() {
        let index = IndexedPolygon::new(&square_with_hole());
        assert_eq!(index.position(1.0, 1.0), Position::Inside);
        assert_eq!(index.position(5.0, 5.0), Position::Outside, "in the hole");
        assert_eq!(index.position(11.0, 5.0), Position::Outside);
        assert_eq!(index.position(-0.5, 5.0), Position::Outside);
    }

    #[test]
    fn boundary_edges_and_vertices_of_both_rings() {
        let index = IndexedPolygon::new(&square_with_hole());
        for (x, y) in [(0.0, 0.0), (10.0, 10.0), (5.0, 0.0), (0.0, 3.0), (4.0, 5.0), (6.0, 6.0), (5.0, 4.0)] {
            assert_eq!(index.position(x, y), Position::OnBoundary, "({x}, {y})");
        }
    }

    #[test]
    fn winding_does_not_matter() {
        let ccw = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 0., y: 4.)];
        let mut cw = ccw.clone();
        cw.exterior_mut(|ring| ring.0.reverse());
        for (x, y) in [(1.0, 1.0), (3.0, 3.0), (2.0, 2.0), (0.5, 3.4)] {
            assert_eq!(IndexedPolygon::new(&ccw).position(x, y), IndexedPolygon::new(&cw).position(x, y));
        }
    }

    #[test]
    fn ray_through_vertices_counts_once() {
        // A diamond: the ray from (0, 0) passes exactly through the vertex (2, 0).
        let diamond = polygon![(x: 1., y: 0.), (x: 0., y: 1.), (x: -1., y: 0.), (x: 0., y: -1.)];
        let index = IndexedPolygon::new(&diamond);
        assert_eq!(index.position(0.0, 0.0), Position::Inside);
        assert_eq!(index.position(-2.0, 0.0), Position::Outside);
        let zigzag = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 2.), (x: 3., y: 1.), (x: 2., y: 2.), (x: 1., y: 1.), (x: 0., y: 2.)];
        let index = IndexedPolygon::new(&zigzag);
        assert_eq!(index.position(0.5, 1.0), Position::Inside);
        assert_eq!(index.position(2.0, 1.0), Position::Inside);
        assert_eq!(index.position(2.0, 1.5), Position::Inside, "under the peak");
        assert_eq!(index.position(3.0, 1.5), Position::Outside, "above the valley vertex");
        assert_eq!(index.position(1.0, 1.5), Position::Outside);
    }

    #[test]
    fn non_finite_is_outside() {
        let index = IndexedPolygon::new(&square_with_hole());
        assert_eq!(index.position(f64::NAN, 1.0), Position::Outside);
        assert_eq!(index.position(1.0, f64::INFINITY), Position::Outside);
    }

    #[test]
    fn agrees_with_geo_contains_on_a_grid() {
        let poly = polygon![(x: 0., y: 0.), (x: 5., y: 1.), (x: 3., y: 3.), (x: 6., y: 6.), (x: 0.5, y: 4.)];
        let index = IndexedPolygon::new(&poly);
        for i in -10..70 {
            for j in -10..70 {
                let (x, y) = (i as f64 * 0.1 + 0.013, j as f64 * 0.1 + 0.007);
                let expected = poly.contains(&Point::new(x, y));
                assert_eq!(index.position(x, y) == Position::Inside, expected, "({x}, {y})");
            }
        }
    }
}
