//! A Mapbox Vector Tile 2.1 encoder on prost.
//!
//! The messages are the spec's `vector_tile.proto`, written out as prost derives (no protoc
//! needed). The encoder enforces what the spec requires and renderers assume: exterior rings
//! have positive area in tile coordinates (clockwise with y down) and holes negative; no
//! zero-length MoveTo/LineTo; rings of fewer than three distinct points and zero-area rings
//! are dropped; keys and values are deduplicated per layer.

use std::collections::HashMap;

use prost::Message;

/// A vector tile: the spec's `Tile` message. Decode one with `prost::Message::decode`.
#[derive(Clone, PartialEq, Message)]
pub struct Tile {
    /// The layers; ours leaves empty ones out.
    #[prost(message, repeated, tag = "3")]
    pub layers: Vec<Layer>,
}

/// One named layer of a tile.
#[derive(Clone, PartialEq, Message)]
pub struct Layer {
    /// The spec version the layer follows: 2 in ours.
    #[prost(uint32, required, tag = "15")]
    pub version: u32,
    /// The layer's name, unique in the tile (`communes`, `boundaries`…).
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// The layer's features.
    #[prost(message, repeated, tag = "2")]
    pub features: Vec<Feature>,
    /// Attribute names, referred to by index from each feature's `tags`.
    #[prost(string, repeated, tag = "3")]
    pub keys: Vec<String>,
    /// Attribute values, referred to by index from each feature's `tags`.
    #[prost(message, repeated, tag = "4")]
    pub values: Vec<Value>,
    /// Coordinates across the tile; [`EXTENT`] in ours (4096 when absent, by the spec).
    #[prost(uint32, optional, tag = "5")]
    pub extent: Option<u32>,
}

/// One feature: its id, attributes and command-encoded geometry.
#[derive(Clone, PartialEq, Message)]
pub struct Feature {
    /// An optional id, unique in the layer by the spec (ours: the commune's code as a number).
    #[prost(uint64, optional, tag = "1")]
    pub id: Option<u64>,
    /// Pairs of (key index, value index) into the layer's `keys` and `values`.
    #[prost(uint32, repeated, packed = "true", tag = "2")]
    pub tags: Vec<u32>,
    /// The [`GeomType`] as its number.
    #[prost(enumeration = "GeomType", optional, tag = "3")]
    pub r#type: Option<i32>,
    /// MoveTo/LineTo/ClosePath commands with zigzag-encoded deltas (see [`encode_geometry`]).
    #[prost(uint32, repeated, packed = "true", tag = "4")]
    pub geometry: Vec<u32>,
}

/// An attribute value: exactly one field is set.
#[derive(Clone, PartialEq, Message)]
pub struct Value {
    /// A string.
    #[prost(string, optional, tag = "1")]
    pub string_value: Option<String>,
    /// A 32-bit float (we never write one).
    #[prost(float, optional, tag = "2")]
    pub float_value: Option<f32>,
    /// A 64-bit float.
    #[prost(double, optional, tag = "3")]
    pub double_value: Option<f64>,
    /// A signed integer, plainly encoded (we never write one).
    #[prost(int64, optional, tag = "4")]
    pub int_value: Option<i64>,
    /// An unsigned integer.
    #[prost(uint64, optional, tag = "5")]
    pub uint_value: Option<u64>,
    /// A signed integer, zigzag-encoded (we never write one).
    #[prost(sint64, optional, tag = "6")]
    pub sint_value: Option<i64>,
    /// A boolean.
    #[prost(bool, optional, tag = "7")]
    pub bool_value: Option<bool>,
}

/// What a feature's geometry commands draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum GeomType {
    /// Not set; renderers skip such features (we never write it).
    Unknown = 0,
    /// One or more points.
    Point = 1,
    /// One or more lines.
    Linestring = 2,
    /// One or more polygons, each an exterior ring then its holes.
    Polygon = 3,
}

/// The tile extent: coordinates run from 0 to 4096 across the tile.
pub const EXTENT: u32 = 4096;

/// An integer tile coordinate.
pub type Coord = [i32; 2];

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    /// Text.
    Str(String),
    /// A whole number from 0 up.
    Uint(u64),
    /// A number with a fraction.
    Double(f64),
    /// True or false.
    Bool(bool),
}

impl From<&str> for Attr {
    fn from(s: &str) -> Self {
        Attr::Str(s.to_string())
    }
}

/// Geometry in tile coordinates, ready to encode.
#[derive(Debug, Clone)]
pub enum Geometry {
    /// One or more points; an empty list encodes to nothing.
    Points(Vec<Coord>),
    /// Lines; repeated consecutive points are dropped, then lines of fewer than 2 points.
    Lines(Vec<Vec<Coord>>),
    /// Polygons, each exterior ring first then holes; rings open or closed.
    Polygons(Vec<Vec<Vec<Coord>>>),
}

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

fn command(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// Protobuf zigzag encoding of a signed delta.
pub fn zigzag(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

/// Twice the signed area (surveyor's formula) of an open ring, in tile coordinates. Exact:
/// i128 cannot overflow for any ring of i32 coordinates that fits in memory.
pub fn signed_area2(ring: &[Coord]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] as i128 * b[1] as i128 - b[0] as i128 * a[1] as i128
        })
        .sum()
}

/// Removes repeated points and the closing point; `None` when fewer than 3 remain.
fn open_ring(ring: &[Coord]) -> Option<Vec<Coord>> {
    let mut out: Vec<Coord> = Vec::with_capacity(ring.len());
    for &p in ring {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3).then_some(out)
}

struct Cursor {
    at: Coord,
    out: Vec<u32>,
}

impl Cursor {
    fn move_to(&mut self, points: &[Coord]) {
        self.out.push(command(MOVE_TO, points.len() as u32));
        for &p in points {
            self.delta(p);
        }
    }
    fn line_to(&mut self, points: &[Coord]) {
        self.out.push(command(LINE_TO, points.len() as u32));
        for &p in points {
            self.delta(p);
        }
    }
    fn delta(&mut self, p: Coord) {
        self.out.push(zigzag(p[0].wrapping_sub(self.at[0])));
        self.out.push(zigzag(p[1].wrapping_sub(self.at[1])));
        self.at = p;
    }
}

/// Encodes geometry to MVT commands with deltas from (0, 0); `None` when nothing valid
/// remains. Polygon exteriors are turned to positive area and holes to negative, whatever
/// their input winding; a polygon whose exterior is degenerate is dropped with its holes.
///
/// ```
/// use tiles::mvt::{encode_geometry, GeomType, Geometry};
/// // MVT 2.1 §4.3.5.1: a point at (25, 17) is MoveTo(1) then the zigzagged 25 and 17.
/// let (kind, commands) = encode_geometry(&Geometry::Points(vec![[25, 17]])).unwrap();
/// assert_eq!((kind, commands), (GeomType::Point, vec![9, 50, 34]));
/// assert!(encode_geometry(&Geometry::Lines(vec![vec![[1, 1], [1, 1]]])).is_none(), "zero length");
/// ```
pub fn encode_geometry(geometry: &Geometry) -> Option<(GeomType, Vec<u32>)> {
    let mut cursor = Cursor { at: [0, 0], out: Vec::new() };
    let kind = match geometry {
        Geometry::Points(points) => {
            if points.is_empty() {
                return None;
            }
            cursor.move_to(points);
            GeomType::Point
        }
        Geometry::Lines(lines) => {
            for line in lines {
                let mut clean: Vec<Coord> = Vec::with_capacity(line.len());
                for &p in line {
                    if clean.last() != Some(&p) {
                        clean.push(p);
                    }
                }
                if clean.len() < 2 {
                    continue;
                }
                cursor.move_to(&clean[..1]);
                cursor.line_to(&clean[1..]);
            }
            GeomType::Linestring
        }
        Geometry::Polygons(polygons) => {
            for polygon in polygons {
                let mut rings = polygon.iter();
                let Some(mut exterior) = rings.next().and_then(|r| open_ring(r)) else { continue };
                let area = signed_area2(&exterior);
                if area == 0 {
                    continue;
                }
                if area < 0 {
                    exterior.reverse();
                }
                let emit = |ring: &[Coord], cursor: &mut Cursor| {
                    cursor.move_to(&ring[..1]);
                    cursor.line_to(&ring[1..]);
                    cursor.out.push(command(CLOSE_PATH, 1));
                };
                emit(&exterior, &mut cursor);
                for hole in rings {
                    let Some(mut hole) = open_ring(hole) else { continue };
                    let area = signed_area2(&hole);
                    if area == 0 {
                        continue;
                    }
                    if area > 0 {
                        hole.reverse();
                    }
                    emit(&hole, &mut cursor);
                }
            }
            GeomType::Polygon
        }
    };
    (!cursor.out.is_empty()).then_some((kind, cursor.out))
}

/// Collects one layer's features, deduplicating keys and values.
pub struct LayerBuilder {
    layer: Layer,
    keys: HashMap<String, u32>,
    values: HashMap<String, u32>,
}

impl LayerBuilder {
    /// An empty version-2 layer called `name`, with [`EXTENT`].
    pub fn new(name: &str) -> LayerBuilder {
        LayerBuilder {
            layer: Layer { version: 2, name: name.into(), extent: Some(EXTENT), ..Default::default() },
            keys: HashMap::new(),
            values: HashMap::new(),
        }
    }

    /// Adds a feature; geometry that encodes to nothing is skipped. Returns whether it was added.
    pub fn add(&mut self, id: Option<u64>, geometry: &Geometry, attrs: &[(&str, Attr)]) -> bool {
        let Some((kind, commands)) = encode_geometry(geometry) else { return false };
        let mut tags = Vec::with_capacity(attrs.len() * 2);
        for (key, value) in attrs {
            tags.push(self.key(key));
            tags.push(self.value(value));
        }
        self.layer.features.push(Feature { id, tags, r#type: Some(kind as i32), geometry: commands });
        true
    }

    fn key(&mut self, key: &str) -> u32 {
        if let Some(&i) = self.keys.get(key) {
            return i;
        }
        let i = self.layer.keys.len() as u32;
        self.layer.keys.push(key.to_string());
        self.keys.insert(key.to_string(), i);
        i
    }

    fn value(&mut self, value: &Attr) -> u32 {
        let (dedup_key, encoded) = match value {
            Attr::Str(s) => (format!("s:{s}"), Value { string_value: Some(s.clone()), ..Default::default() }),
            Attr::Uint(u) => (format!("u:{u}"), Value { uint_value: Some(*u), ..Default::default() }),
            Attr::Double(d) => (format!("d:{}", d.to_bits()), Value { double_value: Some(*d), ..Default::default() }),
            Attr::Bool(b) => (format!("b:{b}"), Value { bool_value: Some(*b), ..Default::default() }),
        };
        if let Some(&i) = self.values.get(&dedup_key) {
            return i;
        }
        let i = self.layer.values.len() as u32;
        self.layer.values.push(encoded);
        self.values.insert(dedup_key, i);
        i
    }

    /// True until a feature has been added.
    pub fn is_empty(&self) -> bool {
        self.layer.features.is_empty()
    }

    /// The layer message, ready to put in a [`Tile`].
    pub fn finish(self) -> Layer {
        self.layer
    }
}

/// Serialises layers (empty ones left out) to tile bytes; `None` when every layer is empty.
pub fn encode_tile(layers: Vec<LayerBuilder>) -> Option<Vec<u8>> {
    let layers: Vec<Layer> = layers.into_iter().filter(|l| !l.is_empty()).map(LayerBuilder::finish).collect();
    (!layers.is_empty()).then(|| Tile { layers }.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_matches_the_spec_table() {
        assert_eq!([zigzag(0), zigzag(-1), zigzag(1), zigzag(-2), zigzag(2)], [0, 1, 2, 3, 4]);
        assert_eq!(zigzag(i32::MAX), u32::MAX - 1);
        assert_eq!(zigzag(i32::MIN), u32::MAX);
    }

    #[test]
    fn the_spec_polygon_example_encodes_exactly() {
        // MVT 2.1 §4.3.5.3: polygon (3,6) (8,12) (20,34) → 9 6 12 18 10 12 24 44 15.
        let geometry = Geometry::Polygons(vec![vec![vec![[3, 6], [8, 12], [20, 34], [3, 6]]]]);
        let (kind, commands) = encode_geometry(&geometry).unwrap();
        assert_eq!(kind, GeomType::Polygon);
        assert_eq!(commands, vec![9, 6, 12, 18, 10, 12, 24, 44, 15]);
    }

    #[test]
    fn counter_clockwise_exteriors_are_turned_and_holes_oppose_them() {
        let ccw = vec![[0, 0], [0, 10], [10, 10], [10, 0]];
        let hole_same_way = vec![[2, 2], [4, 2], [4, 4], [2, 4]];
        let (_, commands) = encode_geometry(&Geometry::Polygons(vec![vec![ccw, hole_same_way]])).unwrap();
        let rings = decode_rings(&commands);
        assert!(signed_area2(&rings[0]) > 0, "exterior positive");
        assert!(signed_area2(&rings[1]) < 0, "hole negative");
    }

    #[test]
    fn degenerate_input_produces_no_zero_length_commands() {
        let line = Geometry::Lines(vec![vec![[1, 1], [1, 1]], vec![[0, 0], [0, 0], [5, 5]]]);
        let (_, commands) = encode_geometry(&line).unwrap();
        assert_eq!(commands, vec![command(MOVE_TO, 1), 0, 0, command(LINE_TO, 1), 10, 10]);
        assert!(
            encode_geometry(&Geometry::Polygons(vec![vec![vec![[0, 0], [5, 5], [10, 10]]]])).is_none(),
            "zero area"
        );
    }

    /// A tiny decoder for these tests only; the real checks use an independent decoder.
    fn decode_rings(commands: &[u32]) -> Vec<Vec<Coord>> {
        let (mut rings, mut at, mut i) = (Vec::new(), [0i32, 0i32], 0);
        let unzig = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
        while i < commands.len() {
            let (id, count) = (commands[i] & 7, commands[i] >> 3);
            i += 1;
            if id == MOVE_TO {
                rings.push(Vec::new());
            }
            if id == CLOSE_PATH {
                continue;
            }
            for _ in 0..count {
                at = [at[0] + unzig(commands[i]), at[1] + unzig(commands[i + 1])];
                i += 2;
                rings.last_mut().unwrap().push(at);
            }
        }
        rings
    }
}
