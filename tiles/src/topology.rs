//! Shared-arc topology, the way TopoJSON and mapshaper build it.
//!
//! Each commune ring is cut at the vertices where its neighbour changes, giving arcs; an arc
//! shared by two communes is stored once. Simplifying each arc once and rebuilding every ring
//! from the simplified arcs means neighbours keep identical borders at every zoom, so the
//! tiles show no slivers and no gaps. The arcs double as the `boundaries` layer: each border
//! drawn once, with the communes on its left and right.
//!
//! Shared borders in the source must have bit-identical vertices (true for the reference
//! data: 56,411 edges are used by exactly two rings). Vertices are compared exactly.

use std::collections::HashMap;

use data_boundaries::Commune;

use crate::tile_math::to_unit;

/// A point on the Web Mercator unit square.
pub type Point = [f64; 2];

/// A border piece, stored once: its vertices and the communes on either side.
#[derive(Debug, Clone)]
pub struct Arc {
    /// The vertices in walking order, endpoints (junctions) included.
    pub points: Vec<Point>,
    /// The commune whose interior is on the left walking the arc (exteriors are
    /// counter-clockwise in lon/lat, which is clockwise on the y-down unit square, so "left"
    /// here is in lon/lat terms).
    pub left: Option<usize>,
    /// The commune on the other side; `None` on the city's outer edge.
    pub right: Option<usize>,
}

/// An arc as a ring uses it: forwards or backwards.
#[derive(Debug, Clone, Copy)]
pub struct ArcUse {
    /// Index into [`Topology::arcs`].
    pub arc: usize,
    /// True when the ring walks the arc from its last point to its first.
    pub reversed: bool,
}

/// A commune polygon as rings of arc uses (first ring the exterior).
#[derive(Debug, Clone)]
pub struct TopoPolygon {
    /// Each ring as the arcs it walks, in order; rings of fewer than 3 distinct points are
    /// left out.
    pub rings: Vec<Vec<ArcUse>>,
}

/// Every commune's borders cut into arcs, each shared border stored once.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The arcs; an arc's index is its identity.
    pub arcs: Vec<Arc>,
    /// `polygons[commune]` lists that commune's polygons.
    pub polygons: Vec<Vec<TopoPolygon>>,
}

fn key(p: Point) -> (u64, u64) {
    (p[0].to_bits(), p[1].to_bits())
}

fn edge_key(a: Point, b: Point) -> ((u64, u64), (u64, u64)) {
    let (ka, kb) = (key(a), key(b));
    if ka <= kb {
        (ka, kb)
    } else {
        (kb, ka)
    }
}

/// A ring's vertices on the unit square, open (no closing repeat).
type Ring = Vec<Point>;

/// An arc's key: its first two and its last vertex, bit for bit.
type ArcKey = ((u64, u64), (u64, u64), (u64, u64));

impl Topology {
    /// Cuts the communes' rings into arcs at every vertex where the set of communes sharing
    /// the edge changes, projecting to the unit square. Vertices are compared bit for bit, so
    /// borders that differ by a rounding error are not shared. A ring with one neighbour all
    /// the way round (or none) is one arc starting at its smallest vertex.
    pub fn build(communes: &[Commune]) -> Topology {
        // Rings on the unit square, without repeated consecutive vertices or the closing one.
        let rings: Vec<Vec<Vec<Ring>>> = communes
            .iter()
            .map(|c| {
                c.geometry
                    .0
                    .iter()
                    .map(|polygon| {
                        std::iter::once(polygon.exterior())
                            .chain(polygon.interiors())
                            .map(|ring| {
                                let mut points: Vec<Point> = ring.0.iter().map(|c| to_unit(c.x, c.y)).collect();
                                points.dedup();
                                if points.len() > 1 && points.first() == points.last() {
                                    points.pop();
                                }
                                points
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();

        // Who uses each undirected edge.
        let mut users: HashMap<_, Vec<usize>> = HashMap::new();
        for (commune, polygons) in rings.iter().enumerate() {
            for ring in polygons.iter().flatten() {
                for i in 0..ring.len() {
                    let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                    let list = users.entry(edge_key(a, b)).or_default();
                    if !list.contains(&commune) {
                        list.push(commune);
                    }
                }
            }
        }
        let users_of = |a: Point, b: Point| -> &Vec<usize> { &users[&edge_key(a, b)] };

        let mut arcs: Vec<Arc> = Vec::new();
        // An arc is found again from its first two and last vertex.
        let mut arc_index: HashMap<ArcKey, usize> = HashMap::new();
        let mut polygons_out = Vec::with_capacity(rings.len());
        for (commune, polygons) in rings.iter().enumerate() {
            let mut topo_polygons = Vec::new();
            for polygon in polygons {
                let mut topo_rings = Vec::new();
                for ring in polygon {
                    let n = ring.len();
                    if n < 3 {
                        continue;
                    }
                    // A vertex is a junction where the set of communes sharing the edge changes.
                    let mut junctions: Vec<usize> = (0..n)
                        .filter(|&i| users_of(ring[(i + n - 1) % n], ring[i]) != users_of(ring[i], ring[(i + 1) % n]))
                        .collect();
                    if junctions.is_empty() {
                        // A ring with one neighbour all round (or none): start at its smallest
                        // vertex, so both sides cut it at the same place.
                        let start = (0..n).min_by(|&a, &b| key(ring[a]).cmp(&key(ring[b]))).unwrap_or(0);
                        junctions.push(start);
                    }
                    let mut uses = Vec::new();
                    for (j, &start) in junctions.iter().enumerate() {
                        let end = junctions[(j + 1) % junctions.len()];
                        let mut points = vec![ring[start]];
                        let mut i = start;
                        loop {
                            i = (i + 1) % n;
                            points.push(ring[i]);
                            if i == end {
                                break;
                            }
                        }
                        let forward = (key(points[0]), key(points[1]), key(points[points.len() - 1]));
                        let backward = (key(points[points.len() - 1]), key(points[points.len() - 2]), key(points[0]));
                        if let Some(&arc) = arc_index.get(&backward) {
                            arcs[arc].right = Some(commune);
                            uses.push(ArcUse { arc, reversed: true });
                        } else if let Some(&arc) = arc_index.get(&forward) {
                            // The same commune walking the same arc twice: a degenerate spike.
                            uses.push(ArcUse { arc, reversed: false });
                        } else {
                            arc_index.insert(forward, arcs.len());
                            uses.push(ArcUse { arc: arcs.len(), reversed: false });
                            arcs.push(Arc { points, left: Some(commune), right: None });
                        }
                    }
                    topo_rings.push(uses);
                }
                topo_polygons.push(TopoPolygon { rings: topo_rings });
            }
            polygons_out.push(topo_polygons);
        }
        Topology { arcs, polygons: polygons_out }
    }

    /// Rebuilds a commune's polygons from (simplified) arcs. Rings come back closed.
    pub fn polygons_of(&self, commune: usize, arcs: &[Vec<Point>]) -> Vec<Vec<Vec<Point>>> {
        self.polygons[commune]
            .iter()
            .map(|polygon| {
                polygon
                    .rings
                    .iter()
                    .map(|uses| {
                        let mut ring: Vec<Point> = Vec::new();
                        for u in uses {
                            let points = &arcs[u.arc];
                            let ordered: Box<dyn Iterator<Item = &Point>> =
                                if u.reversed { Box::new(points.iter().rev()) } else { Box::new(points.iter()) };
                            for p in ordered {
                                if ring.last() != Some(p) {
                                    ring.push(*p);
                                }
                            }
                        }
                        if ring.first() != ring.last() {
                            if let Some(&first) = ring.first() {
                                ring.push(first);
                            }
                        }
                        ring
                    })
                    .collect()
            })
            .collect()
    }
}
