//! What goes into the tiles: the five layers, built once per dataset from the domain model,
//! with per-zoom simplified arcs, and the renderer for one tile.

use data_boundaries::Dataset;
use std::sync::OnceLock;

use crate::clip::{clip_line, clip_ring};
use crate::mvt::{encode_tile, Attr, Coord, Geometry, LayerBuilder, EXTENT};
use crate::tile_math::{to_unit, TileId};
use crate::topology::{Point, Topology};

/// Zooms above this reuse its geometry (already within a fraction of a pixel).
pub const DETAIL_ZOOM: u8 = 16;
/// The highest zoom the service serves.
pub const MAX_ZOOM: u8 = 16;
/// Buffer around each tile, in tile units, so strokes and labels do not clip at tile edges.
pub const BUFFER: f64 = 64.0;
/// Douglas–Peucker tolerance in tile units: 4/4096 of a tile is half a pixel of a 512-px
/// tile, below what anyone can see, and it keeps coordinates from being over-precise.
pub const TOLERANCE_TILE_UNITS: f64 = 4.0;

/// A layer as TileJSON's `vector_layers` describes it.
pub struct LayerSchema {
    pub id: &'static str,
    pub description: &'static str,
    pub fields: &'static [(&'static str, &'static str)],
}

pub const LAYERS: [LayerSchema; 5] = [
    LayerSchema {
        id: "communes",
        description: "The 40 communes and wards from 1 July 2025, as polygons.",
        fields: &[("code", "String"), ("name", "String"), ("full_name", "String"), ("type", "String: phuong or xa")],
    },
    LayerSchema {
        id: "boundaries",
        description: "Each border once: internal between two units, city on the edge.",
        fields: &[
            ("kind", "String: internal or city"),
            ("left", "String: code of the unit on the left"),
            ("right", "String: code of the unit on the right, empty on the city edge"),
        ],
    },
    LayerSchema {
        id: "labels",
        description: "One label point per unit part, at its pole of inaccessibility.",
        fields: &[("code", "String"), ("name", "String"), ("full_name", "String"), ("type", "String")],
    },
    LayerSchema {
        id: "offices",
        description: "Public-service offices. Approximate positions have position_is_exact=false.",
        fields: &[
            ("id", "String"),
            ("kind", "String"),
            ("name", "String"),
            ("commune_code", "String"),
            ("position_precision", "String"),
            ("position_is_exact", "Boolean"),
        ],
    },
    LayerSchema {
        id: "former_units",
        description: "Approximate points of the 133 units before 1 July 2025, with the unit they joined.",
        fields: &[
            ("code", "String"),
            ("name", "String"),
            ("new_code", "String"),
            ("new_name", "String"),
            ("position_precision", "String"),
        ],
    },
];

struct CommuneAttrs {
    code: String,
    name: String,
    full_name: String,
    unit_type: &'static str,
    bounds: [f64; 4],
}

struct PointFeature {
    at: Point,
    id: Option<u64>,
    attrs: Vec<(&'static str, Attr)>,
}

/// Everything needed to render any tile of one dataset version.
pub struct TileSource {
    topology: Topology,
    communes: Vec<CommuneAttrs>,
    arc_bounds: Vec<[f64; 4]>,
    /// `zoom_arcs[z]`: every arc simplified for zoom z (z ≤ DETAIL_ZOOM), built the first
    /// time a tile at that zoom is rendered, so a pyramid that stops at z10 never pays for
    /// z11–z16 (most of the national dataset's start-up otherwise).
    zoom_arcs: Vec<OnceLock<Vec<Vec<Point>>>>,
    labels: Vec<PointFeature>,
    offices: Vec<PointFeature>,
    former_units: Vec<PointFeature>,
    /// Unit-square bounds of all data.
    pub bounds: [f64; 4],
}

fn bounds_of<'a>(points: impl Iterator<Item = &'a Point>) -> [f64; 4] {
    points.fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

fn code_id(code: &str) -> Option<u64> {
    code.parse().ok()
}

impl TileSource {
    pub fn new(data: &Dataset) -> TileSource {
        let topology = Topology::build(&data.communes);
        let arc_bounds: Vec<[f64; 4]> = topology.arcs.iter().map(|a| bounds_of(a.points.iter())).collect();
        let communes: Vec<CommuneAttrs> = data
            .communes
            .iter()
            .map(|c| {
                let ring_points = c
                    .geometry
                    .0
                    .iter()
                    .flat_map(|p| p.exterior().0.iter())
                    .map(|c| to_unit(c.x, c.y))
                    .collect::<Vec<_>>();
                CommuneAttrs {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    full_name: c.full_name.clone(),
                    unit_type: c.unit_type.as_str(),
                    bounds: bounds_of(ring_points.iter()),
                }
            })
            .collect();
        let zoom_arcs = (0..=DETAIL_ZOOM).map(|_| OnceLock::new()).collect();
        let labels = data
            .communes
            .iter()
            .flat_map(|c| c.geometry.0.iter().map(move |p| (c, p)))
            .filter_map(|(c, polygon)| {
                // Pole of inaccessibility, to about a metre: always inside, unlike a centroid.
                let point = polylabel::polylabel(polygon, &0.00001).ok()?;
                Some(PointFeature {
                    at: to_unit(point.x(), point.y()),
                    id: code_id(&c.code),
                    attrs: vec![
                        ("code", c.code.as_str().into()),
                        ("name", c.name.as_str().into()),
                        ("full_name", c.full_name.as_str().into()),
                        ("type", c.unit_type.as_str().into()),
                    ],
                })
            })
            .collect();
        let offices = data
            .offices
            .iter()
            .map(|o| PointFeature {
                at: to_unit(o.lon, o.lat),
                id: None,
                attrs: vec![
                    ("id", o.id.as_str().into()),
                    ("kind", o.kind.as_str().into()),
                    ("name", o.name.as_str().into()),
                    ("commune_code", o.commune_code.as_str().into()),
                    ("position_precision", o.position_precision.as_str().into()),
                    ("position_is_exact", Attr::Bool(o.position_precision.is_exact())),
                ],
            })
            .collect();
        let former_units = data
            .former_units
            .iter()
            .map(|u| PointFeature {
                at: to_unit(u.lon, u.lat),
                id: code_id(&u.old_code),
                attrs: vec![
                    ("code", u.old_code.as_str().into()),
                    ("name", u.old_name.as_str().into()),
                    ("new_code", u.new_code.as_str().into()),
                    ("new_name", u.new_name.as_str().into()),
                    ("position_precision", u.position_precision.as_str().into()),
                ],
            })
            .collect();
        let bounds = bounds_of(arc_bounds.iter().flat_map(|b| [[b[0], b[1]], [b[2], b[3]]]).collect::<Vec<_>>().iter());
        TileSource { topology, communes, arc_bounds, zoom_arcs, labels, offices, former_units, bounds }
    }

    /// Every arc simplified for zoom `z` (to a tolerance of a few tile units at that zoom).
    fn arcs_at(&self, z: u8) -> &[Vec<Point>] {
        let z = z.min(DETAIL_ZOOM);
        self.zoom_arcs[z as usize]
            .get_or_init(|| self.topology.simplified_arcs(TOLERANCE_TILE_UNITS / (EXTENT as f64 * (1u64 << z) as f64)))
    }

    /// Number of shared-border arcs (each border stored once).
    pub fn arc_count(&self) -> usize {
        self.topology.arcs.len()
    }

    /// Renders one tile; `None` when no layer has a feature there.
    pub fn render(&self, tile: TileId) -> Option<Vec<u8>> {
        let n = tile.grid_size();
        let scale = EXTENT as f64 * n;
        let (origin_x, origin_y) = (tile.x as f64 * EXTENT as f64, tile.y as f64 * EXTENT as f64);
        let project = |p: &Point| [p[0] * scale - origin_x, p[1] * scale - origin_y];
        let round = |p: [f64; 2]| -> Coord { [p[0].round() as i32, p[1].round() as i32] };
        let clip_box = [-BUFFER, -BUFFER, EXTENT as f64 + BUFFER, EXTENT as f64 + BUFFER];
        let pad = BUFFER / scale;
        let [ux0, uy0, ux1, uy1] = tile.unit_bounds();
        let query = [ux0 - pad, uy0 - pad, ux1 + pad, uy1 + pad];
        let meets = |b: &[f64; 4]| b[0] <= query[2] && b[2] >= query[0] && b[1] <= query[3] && b[3] >= query[1];
        let arcs = self.arcs_at(tile.z);

        let mut communes = LayerBuilder::new("communes");
        for (index, c) in self.communes.iter().enumerate() {
            if !meets(&c.bounds) {
                continue;
            }
            let polygons: Vec<Vec<Vec<Coord>>> = self
                .topology
                .polygons_of(index, arcs)
                .iter()
                .filter_map(|rings| {
                    let clipped: Vec<Vec<Coord>> = rings
                        .iter()
                        .map(|ring| {
                            let projected: Vec<[f64; 2]> = ring.iter().map(project).collect();
                            clip_ring(&projected, clip_box).into_iter().map(round).collect()
                        })
                        .collect();
                    (clipped.first().is_some_and(|e| e.len() >= 3)).then_some(clipped)
                })
                .collect();
            if polygons.is_empty() {
                continue;
            }
            communes.add(
                code_id(&c.code),
                &Geometry::Polygons(polygons),
                &[
                    ("code", c.code.as_str().into()),
                    ("name", c.name.as_str().into()),
                    ("full_name", c.full_name.as_str().into()),
                    ("type", c.unit_type.into()),
                ],
            );
        }

        let mut boundaries = LayerBuilder::new("boundaries");
        for (index, arc) in self.topology.arcs.iter().enumerate() {
            if !meets(&self.arc_bounds[index]) {
                continue;
            }
            let projected: Vec<[f64; 2]> = arcs[index].iter().map(project).collect();
            let lines: Vec<Vec<Coord>> =
                clip_line(&projected, clip_box).into_iter().map(|l| l.into_iter().map(round).collect()).collect();
            if lines.is_empty() {
                continue;
            }
            let code = |c: Option<usize>| c.map(|i| self.communes[i].code.as_str()).unwrap_or("");
            let kind = if arc.left.is_some() && arc.right.is_some() { "internal" } else { "city" };
            boundaries.add(
                None,
                &Geometry::Lines(lines),
                &[("kind", kind.into()), ("left", code(arc.left).into()), ("right", code(arc.right).into())],
            );
        }

        let point_layer = |name: &str, features: &[PointFeature]| {
            let mut layer = LayerBuilder::new(name);
            for f in features {
                let [x, y] = project(&f.at);
                if x >= clip_box[0] && x <= clip_box[2] && y >= clip_box[1] && y <= clip_box[3] {
                    layer.add(f.id, &Geometry::Points(vec![round([x, y])]), &f.attrs);
                }
            }
            layer
        };
        encode_tile(vec![
            communes,
            boundaries,
            point_layer("labels", &self.labels),
            point_layer("offices", &self.offices),
            point_layer("former_units", &self.former_units),
        ])
    }
}
