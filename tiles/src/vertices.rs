//! Points on the Web Mercator unit square, and each distinct point once by id, as the
//! shared-arc topology and the border clean-up both hold them.

use std::collections::HashMap;

/// A point on the Web Mercator unit square.
pub type Point = [f64; 2];

/// A point's exact identity: its bits (vertices are compared bit for bit).
pub(crate) fn key(p: Point) -> (u64, u64) {
    (p[0].to_bits(), p[1].to_bits())
}

/// A vertex, by its position in [`Vertices::points`]: equal ids are bit-identical points.
pub(crate) type VertexId = u32;

/// Every distinct point once. Rings and edges then hold 4-byte ids rather than 16-byte points
/// (or 32-byte edge keys): all Vietnam has 7.1 million ring vertices, 3.6 million distinct.
#[derive(Default)]
pub(crate) struct Vertices {
    pub(crate) points: Vec<Point>,
    pub(crate) ids: HashMap<(u64, u64), VertexId>,
}

impl Vertices {
    pub(crate) fn id(&mut self, p: Point) -> VertexId {
        let next = self.points.len() as VertexId;
        let id = *self.ids.entry(key(p)).or_insert(next);
        if id == next {
            self.points.push(p);
        }
        id
    }
}
