//! Distances in metres on the WGS84 sphere approximation used throughout the API.
//!
//! Point-to-point distances are haversine (geo's `Haversine`, mean Earth radius), good to
//! about 0.5 % against the ellipsoid, far below the uncertainty of any position we serve.
//! Point-to-polygon distances project the polygon's nearby edges onto a local
//! equirectangular plane centred on the query point, which at city scale agrees with the
//! haversine distance to well under a metre per kilometre.

use geo::{Distance, Haversine, Point, Polygon};

/// Mean Earth radius in metres (IUGG), the radius geo's `Haversine` uses.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres along a meridian per degree of latitude.
pub const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// Great-circle distance in metres between two lon/lat points.
pub fn distance_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2))
}

/// A lower bound on metres per degree of plain lon/lat distance for points no further from
/// the equator than `max_abs_lat`. Used to stop nearest-neighbour searches early.
pub fn min_metres_per_degree(max_abs_lat: f64) -> f64 {
    METRES_PER_DEGREE * max_abs_lat.abs().min(89.0).to_radians().cos()
}

/// Edges per chunk in [`EdgeChunks`]: small enough to skip most of a ring, large enough that
/// the chunk boxes stay few.
const CHUNK_EDGES: usize = 32;

/// A polygon's edges in runs of `CHUNK_EDGES` (32), each with its bounding box, so a distance
/// query scans only the runs whose box could hold a closer edge.
#[derive(Debug, Clone)]
pub struct EdgeChunks {
    /// (bounds [min_lon, min_lat, max_lon, max_lat], ring index, first edge, end edge)
    chunks: Vec<([f64; 4], usize, usize, usize)>,
}

impl EdgeChunks {
    /// Cuts every ring of `polygon` (exterior and holes) into runs of edges with their boxes.
    pub fn new(polygon: &Polygon<f64>) -> EdgeChunks {
        let mut chunks = Vec::new();
        for (r, ring) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
            let edges = ring.0.len().saturating_sub(1);
            for start in (0..edges).step_by(CHUNK_EDGES) {
                let end = (start + CHUNK_EDGES).min(edges);
                let points = &ring.0[start..=end];
                let bounds =
                    points.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, c| {
                        [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)]
                    });
                chunks.push((bounds, r, start, end));
            }
        }
        EdgeChunks { chunks }
    }

    /// Distance in metres from a point to the polygon's boundary (rings included), visiting
    /// only the chunks that could hold a closer edge; the tests check it against a full scan.
    pub fn distance_m(&self, lon: f64, lat: f64, polygon: &Polygon<f64>) -> f64 {
        let x_scale = METRES_PER_DEGREE * lat.to_radians().cos();
        // The local projection is affine per axis, so the distance to a chunk's projected box
        // is a true lower bound for every edge in it.
        let lower_bound = |b: &[f64; 4]| {
            let dx = (b[0] - lon).max(lon - b[2]).max(0.0) * x_scale;
            let dy = (b[1] - lat).max(lat - b[3]).max(0.0) * METRES_PER_DEGREE;
            (dx * dx + dy * dy).sqrt()
        };
        let mut order: Vec<(f64, usize)> =
            self.chunks.iter().enumerate().map(|(i, c)| (lower_bound(&c.0), i)).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let rings: Vec<&geo::LineString<f64>> =
            std::iter::once(polygon.exterior()).chain(polygon.interiors()).collect();
        let project = |c: geo::Coord<f64>| ((c.x - lon) * x_scale, (c.y - lat) * METRES_PER_DEGREE);
        let mut best = f64::INFINITY;
        for (bound, i) in order {
            if bound >= best {
                break;
            }
            let (_, r, start, end) = self.chunks[i];
            for pair in rings[r].0[start..=end].windows(2) {
                let (ax, ay) = project(pair[0]);
                let (bx, by) = project(pair[1]);
                best = best.min(distance_origin_to_segment(ax, ay, bx, by));
            }
        }
        best
    }
}

/// The full scan over every edge: the reference the chunked search is tested against.
#[cfg(test)]
fn distance_to_polygon_m(lon: f64, lat: f64, polygon: &Polygon<f64>) -> f64 {
    let x_scale = METRES_PER_DEGREE * lat.to_radians().cos();
    let project = |c: geo::Coord<f64>| ((c.x - lon) * x_scale, (c.y - lat) * METRES_PER_DEGREE);
    let mut best = f64::INFINITY;
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        for line in ring.lines() {
            let (ax, ay) = project(line.start);
            let (bx, by) = project(line.end);
            best = best.min(distance_origin_to_segment(ax, ay, bx, by));
        }
    }
    best
}

fn distance_origin_to_segment(ax: f64, ay: f64, bx: f64, by: f64) -> f64 {
    let (dx, dy) = (bx - ax, by - ay);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 { (-(ax * dx + ay * dy) / length2).clamp(0.0, 1.0) } else { 0.0 };
    let (px, py) = (ax + t * dx, ay + t * dy);
    (px * px + py * py).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = distance_m(107.0, 16.0, 107.0, 17.0);
        assert!((d - 111_195.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn chunked_distance_equals_the_full_scan() {
        // A ring with many edges: a 200-gon around Huế.
        let ring: Vec<(f64, f64)> = (0..200)
            .map(|i| {
                let a = i as f64 / 200.0 * std::f64::consts::TAU;
                (107.6 + 0.3 * a.cos() * (1.0 + 0.2 * (5.0 * a).sin()), 16.4 + 0.2 * a.sin())
            })
            .collect();
        let polygon = Polygon::new(geo::LineString::from(ring), vec![]);
        let chunks = EdgeChunks::new(&polygon);
        for (lon, lat) in [(108.2, 16.05), (107.0, 16.9), (107.6, 16.4), (107.95, 16.41), (100.0, 10.0)] {
            let (fast, full) = (chunks.distance_m(lon, lat, &polygon), distance_to_polygon_m(lon, lat, &polygon));
            assert_eq!(fast, full, "({lon}, {lat})");
        }
    }

    #[test]
    fn polygon_distance_matches_haversine_to_the_nearest_edge() {
        let square = polygon![(x: 107.0, y: 16.0), (x: 107.1, y: 16.0), (x: 107.1, y: 16.1), (x: 107.0, y: 16.1)];
        let d = distance_to_polygon_m(107.2, 16.05, &square);
        let expected = distance_m(107.2, 16.05, 107.1, 16.05);
        assert!((d - expected).abs() / expected < 1e-3, "{d} vs {expected}");
    }
}
