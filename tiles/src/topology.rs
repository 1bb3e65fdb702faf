//! Shared-arc topology, the way TopoJSON and mapshaper build it.
//!
//! Each commune ring is cut at the vertices where its neighbour changes, giving arcs; an arc
//! shared by two communes is stored once. Simplifying each arc once and rebuilding every ring
//! from the simplified arcs means neighbours keep identical borders at every zoom, so the
//! tiles show no slivers and no gaps. The arcs double as the `boundaries` layer: each border
//! drawn once, with the communes on its left and right.
//!
//! Shared borders in the source must have bit-identical vertices (true for the reference
//! data: 56,411 edges are used by exactly two rings). Vertices are compared exactly. Where
//! validation found neighbours overlapping or leaving a gap (borders digitised twice),
//! [`crate::clean`] first makes their borders one.

use std::collections::HashMap;

use data_boundaries::Commune;

use crate::clean::{CommuneRings, Defect};
use crate::tile_math::to_unit;

pub use crate::vertices::Point;
use crate::vertices::{key, VertexId, Vertices};

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

/// An undirected edge, its lower vertex id first.
type EdgeKey = (VertexId, VertexId);

fn edge_key(a: VertexId, b: VertexId) -> EdgeKey {
    (a.min(b), a.max(b))
}

/// An arc's key: its first two and its last vertex.
type ArcKey = (VertexId, VertexId, VertexId);

/// No commune in a [`Users`] slot.
const NOBODY: u32 = u32::MAX;
/// The second slot of an edge with three or more users, whose full list is kept aside.
const CROWDED: u32 = u32::MAX - 1;

/// The communes whose rings use each edge. Almost every edge has one (the outer edge) or two
/// (a shared border); those fit in place, and only the rare edge where data overlaps keeps a
/// list. Users are recorded in commune order, so equal sets compare equal.
#[derive(Default)]
struct EdgeUsers {
    inline: HashMap<EdgeKey, [u32; 2]>,
    crowded: HashMap<EdgeKey, Vec<u32>>,
}

impl EdgeUsers {
    fn add(&mut self, edge: EdgeKey, commune: u32) {
        let slots = self.inline.entry(edge).or_insert([NOBODY, NOBODY]);
        match *slots {
            [NOBODY, _] => slots[0] = commune,
            [first, NOBODY] if first != commune => slots[1] = commune,
            [first, CROWDED] => {
                let list = self.crowded.entry(edge).or_insert_with(|| vec![first]);
                if !list.contains(&commune) {
                    list.push(commune);
                }
            }
            [first, second] if first != commune && second != commune => {
                slots[1] = CROWDED;
                self.crowded.insert(edge, vec![first, second, commune]);
            }
            _ => {}
        }
    }

    fn of(&self, edge: EdgeKey) -> &[u32] {
        match self.inline.get(&edge) {
            Some([_, CROWDED]) => self.crowded.get(&edge).map_or(&[], Vec::as_slice),
            Some(slots @ [_, NOBODY]) => &slots[..1],
            Some(slots) => &slots[..],
            None => &[],
        }
    }
}

impl Topology {
    /// Cuts the communes' rings into arcs at every vertex where the set of communes sharing
    /// the edge changes, projecting to the unit square. Vertices are compared bit for bit, so
    /// borders that differ by a rounding error are not shared. A ring with one neighbour all
    /// the way round (or none) is one arc starting at its smallest vertex.
    ///
    /// The overlaps and gaps in `defects` are resolved first ([`crate::clean`]), so that the
    /// borders there are shared too.
    pub fn build(communes: &[Commune], defects: &[Defect]) -> Topology {
        // Rings on the unit square as vertex ids, without repeated consecutive vertices or the
        // closing one.
        let mut vertices = Vertices::default();
        let mut rings: Vec<CommuneRings> = communes
            .iter()
            .map(|c| {
                c.geometry
                    .0
                    .iter()
                    .map(|polygon| {
                        std::iter::once(polygon.exterior())
                            .chain(polygon.interiors())
                            .map(|ring| {
                                let mut ids: Vec<VertexId> =
                                    ring.0.iter().map(|c| vertices.id(to_unit(c.x, c.y))).collect();
                                ids.dedup();
                                if ids.len() > 1 && ids.first() == ids.last() {
                                    ids.pop();
                                }
                                ids
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        crate::clean::resolve(&mut rings, &mut vertices, defects);
        let Vertices { points: vertex_points, ids } = vertices;
        drop(ids);

        let mut users = EdgeUsers::default();
        for (commune, polygons) in rings.iter().enumerate() {
            for ring in polygons.iter().flatten() {
                for i in 0..ring.len() {
                    users.add(edge_key(ring[i], ring[(i + 1) % ring.len()]), commune as u32);
                }
            }
        }
        let users_of = |a: VertexId, b: VertexId| users.of(edge_key(a, b));
        // How many distinct edges meet at each vertex (3 means 3 or more). Where borders
        // branch, every ring through the vertex must cut there, even one whose neighbours do
        // not change: a commune touching itself at a point between two of its parts is
        // otherwise cut there by one side of a border and not by the other.
        let mut degree = vec![0u8; vertex_points.len()];
        for &(a, b) in users.inline.keys() {
            for v in [a, b] {
                degree[v as usize] = degree[v as usize].saturating_add(1).min(3);
            }
        }

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
                    // A vertex is a junction where the set of communes sharing the edge changes,
                    // or where borders branch.
                    let mut junctions: Vec<usize> = (0..n)
                        .filter(|&i| {
                            degree[ring[i] as usize] > 2
                                || users_of(ring[(i + n - 1) % n], ring[i]) != users_of(ring[i], ring[(i + 1) % n])
                        })
                        .collect();
                    if junctions.is_empty() {
                        // A ring with one neighbour all round (or none): start at its smallest
                        // vertex, so both sides cut it at the same place.
                        let start = (0..n).min_by_key(|&i| key(vertex_points[ring[i] as usize])).unwrap_or(0);
                        junctions.push(start);
                    }
                    let mut uses = Vec::new();
                    for (j, &start) in junctions.iter().enumerate() {
                        let end = junctions[(j + 1) % junctions.len()];
                        let mut ids = vec![ring[start]];
                        let mut i = start;
                        loop {
                            i = (i + 1) % n;
                            ids.push(ring[i]);
                            if i == end {
                                break;
                            }
                        }
                        let last = ids.len() - 1;
                        let forward = (ids[0], ids[1], ids[last]);
                        let backward = (ids[last], ids[last - 1], ids[0]);
                        if let Some(&arc) = arc_index.get(&backward) {
                            arcs[arc].right = Some(commune);
                            uses.push(ArcUse { arc, reversed: true });
                        } else if let Some(&arc) = arc_index.get(&forward) {
                            // The same commune walking the same arc twice: a degenerate spike.
                            uses.push(ArcUse { arc, reversed: false });
                        } else {
                            arc_index.insert(forward, arcs.len());
                            uses.push(ArcUse { arc: arcs.len(), reversed: false });
                            let points = ids.iter().map(|&id| vertex_points[id as usize]).collect();
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
        self.polygons_from(commune, |arc| arcs[arc].as_slice())
    }

    /// A commune's polygons as the source draws them (every vertex). Rings come back closed.
    pub fn source_polygons_of(&self, commune: usize) -> Vec<Vec<Vec<Point>>> {
        self.polygons_from(commune, |arc| self.arcs[arc].points.as_slice())
    }

    fn polygons_from<'a>(&self, commune: usize, arc_points: impl Fn(usize) -> &'a [Point]) -> Vec<Vec<Vec<Point>>> {
        self.polygons[commune]
            .iter()
            .map(|polygon| {
                polygon
                    .rings
                    .iter()
                    .map(|uses| {
                        let mut ring: Vec<Point> = Vec::new();
                        for u in uses {
                            let points = arc_points(u.arc);
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
