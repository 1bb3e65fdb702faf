//! What goes into the tiles: the five layers, built once per dataset from the domain model,
//! with per-zoom simplified arcs, and the renderer for one tile.

use data_boundaries::validate::Check;
use data_boundaries::{Commune, Dataset, FormerUnit, Office};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::clean::Defect;
use crate::clip::{clip_line, clip_polygons, Land};
use crate::fill::{fill_gaps, TileCommune};
use crate::mvt::{encode_tile, Attr, Coord, Geometry, LayerBuilder, EXTENT};
use crate::simplify::grid_arcs;
use crate::tile_math::{to_lon_lat, to_unit, TileId};
use crate::topology::{Point, Topology};

/// Zooms above this reuse its geometry (already within a fraction of a pixel).
pub const DETAIL_ZOOM: u8 = 16;
/// The highest zoom the service serves.
pub const MAX_ZOOM: u8 = 16;
/// Buffer around each tile, in tile units, so strokes and labels do not clip at tile edges.
pub const BUFFER: f64 = 64.0;
/// Douglas–Peucker tolerance in tile units: 4/4096 of a tile is half a pixel of a 512-px
/// tile, below what anyone can see, and it keeps coordinates from being over-precise. Arcs
/// keep more vertices where this much simplification would make borders cross.
pub const TOLERANCE_TILE_UNITS: f64 = 4.0;

/// How wide (in tile units, 4096 across a tile) a unit must be before its label, and the
/// borders inside its province, go into the tiles: 64 units is 8 pixels of a 512-pixel tile.
/// Below that a label names a speck and a border outlines one, and at national scale those
/// specks would fill the low-zoom tiles (tippecanoe's 500 KB budget) with nothing to see.
/// Province borders, the city's edge, and the commune fills themselves are kept at every
/// zoom, so at low zoom communes merge visually into their province.
pub const VISIBLE_SPAN_TILE_UNITS: f64 = 64.0;

/// The first zoom of the `former_units` layer, as the style draws it.
pub const FORMER_UNITS_MIN_ZOOM: u8 = 11;

/// The `offices` features: each from the zoom its commune is visible (an office of an unknown
/// commune from zoom 0), so the low-zoom tiles of a country are not a cloud of seats.
fn offices_features(base: &Base, offices: &[Office]) -> Vec<PointFeature> {
    offices
        .iter()
        .map(|o| PointFeature::office(o, base.unit_min_zoom.get(&o.commune_code).copied().unwrap_or(0)))
        .collect()
}

/// The first zoom at which something `span` wide on the unit square is
/// [`VISIBLE_SPAN_TILE_UNITS`] wide.
fn visible_from(span: f64) -> u8 {
    if span <= 0.0 {
        return DETAIL_ZOOM;
    }
    let zoom = (VISIBLE_SPAN_TILE_UNITS / (span * EXTENT as f64)).log2().ceil();
    zoom.clamp(0.0, DETAIL_ZOOM as f64) as u8
}

/// A layer as TileJSON's `vector_layers` describes it.
pub struct LayerSchema {
    /// The layer's name in the tiles.
    pub id: &'static str,
    /// What the layer holds, for people.
    pub description: &'static str,
    /// (attribute name, its type and meaning in words), in the order features carry them.
    pub fields: &'static [(&'static str, &'static str)],
}

/// The five layers, in the order they are drawn into every tile (bottom first).
pub const LAYERS: [LayerSchema; 5] = [
    LayerSchema {
        id: "communes",
        description: "The 40 communes and wards from 1 July 2025, as polygons.",
        fields: &[("code", "String"), ("name", "String"), ("full_name", "String"), ("type", "String: phuong or xa")],
    },
    LayerSchema {
        id: "boundaries",
        description: "Each border once: internal between two units, city on the edge; borders inside a province from the zoom where a unit beside them is 8 px wide.",
        fields: &[
            ("kind", "String: internal or city"),
            ("left", "String: code of the unit on the left"),
            ("right", "String: code of the unit on the right, empty on the city edge"),
        ],
    },
    LayerSchema {
        id: "labels",
        description: "One label point per unit part, at its pole of inaccessibility, from the zoom where the part is 8 px wide.",
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

/// What the `communes` layer carries for one commune, and where it is.
struct CommuneAttrs {
    code: String,
    name: String,
    full_name: String,
    unit_type: &'static str,
    /// Unit-square bounds of its exterior rings.
    bounds: [f64; 4],
}

impl CommuneAttrs {
    fn new(c: &Commune) -> CommuneAttrs {
        let ring_points =
            c.geometry.0.iter().flat_map(|p| p.exterior().0.iter()).map(|c| to_unit(c.x, c.y)).collect::<Vec<_>>();
        CommuneAttrs {
            code: c.code.clone(),
            name: c.name.clone(),
            full_name: c.full_name.clone(),
            unit_type: c.unit_type.as_str(),
            bounds: bounds_of(ring_points.iter()),
        }
    }

    /// The larger side of its bounds, on the unit square.
    fn span(&self) -> f64 {
        (self.bounds[2] - self.bounds[0]).max(self.bounds[3] - self.bounds[1])
    }
}

/// A feature of a point layer, its attributes prepared once.
struct PointFeature {
    at: Point,
    /// The first zoom whose tiles hold the feature.
    min_zoom: u8,
    id: Option<u64>,
    attrs: Vec<(&'static str, Attr)>,
}

impl PointFeature {
    /// The `labels` features: one per commune part, at its pole of inaccessibility (to about
    /// a metre: always inside, unlike a centroid), from the zoom where the part is visible.
    /// A part polylabel cannot place is skipped.
    fn labels(communes: &[Commune]) -> Vec<PointFeature> {
        communes
            .iter()
            .flat_map(|c| c.geometry.0.iter().map(move |p| (c, p)))
            .filter_map(|(c, polygon)| {
                let point = polylabel::polylabel(polygon, &0.00001).ok()?;
                let corners: Vec<Point> = polygon.exterior().0.iter().map(|c| to_unit(c.x, c.y)).collect();
                let b = bounds_of(corners.iter());
                Some(PointFeature {
                    at: to_unit(point.x(), point.y()),
                    min_zoom: visible_from((b[2] - b[0]).max(b[3] - b[1])),
                    id: code_id(&c.code),
                    attrs: vec![
                        ("code", c.code.as_str().into()),
                        ("name", c.name.as_str().into()),
                        ("full_name", c.full_name.as_str().into()),
                        ("type", c.unit_type.as_str().into()),
                    ],
                })
            })
            .collect()
    }

    /// An `offices` feature, from `min_zoom`; `position_is_exact` lets a style draw
    /// approximate ones hollow.
    fn office(o: &Office, min_zoom: u8) -> PointFeature {
        PointFeature {
            at: to_unit(o.lon, o.lat),
            min_zoom,
            id: None,
            attrs: vec![
                ("id", o.id.as_str().into()),
                ("kind", o.kind.as_str().into()),
                ("name", o.name.as_str().into()),
                ("commune_code", o.commune_code.as_str().into()),
                ("position_precision", o.position_precision.as_str().into()),
                ("position_is_exact", Attr::Bool(o.position_precision.is_exact())),
            ],
        }
    }

    /// The `former_units` features: one per former unit with a point, with the unit it
    /// joined, or, for a split unit, every unit that took a part (codes and names joined by
    /// "; ", in the file's order) and `share` = `part`.
    fn former_units(links: &[FormerUnit]) -> Vec<PointFeature> {
        let mut by_code: Vec<(&FormerUnit, Vec<&FormerUnit>)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for u in links {
            match position.get(u.old_code.as_str()) {
                Some(&i) => by_code[i].1.push(u),
                None => {
                    position.insert(u.old_code.as_str(), by_code.len());
                    by_code.push((u, vec![u]));
                }
            }
        }
        by_code
            .into_iter()
            .filter_map(|(u, all)| {
                let [lon, lat] = u.point?;
                let joined =
                    |field: fn(&FormerUnit) -> &str| all.iter().map(|l| field(l)).collect::<Vec<_>>().join("; ");
                Some(PointFeature {
                    at: to_unit(lon, lat),
                    // Drawn from the style's zoom on: in lower tiles they were bytes nobody sees
                    // (ten thousand of them nationally).
                    min_zoom: FORMER_UNITS_MIN_ZOOM,
                    id: code_id(&u.old_code),
                    attrs: vec![
                        ("code", u.old_code.as_str().into()),
                        ("name", u.old_name.as_str().into()),
                        ("new_code", Attr::Str(joined(|l| l.new_code.as_str()))),
                        ("new_name", Attr::Str(joined(|l| l.new_name.as_str()))),
                        ("share", u.share.as_str().into()),
                        ("position_precision", u.position_precision.map_or("", |p| p.as_str()).into()),
                    ],
                })
            })
            .collect()
    }
}

/// Everything needed to render any tile of one dataset version.
pub struct TileSource {
    /// What does not change with the offices, shared between the sources of one dataset.
    base: Arc<Base>,
    offices: Vec<PointFeature>,
    /// Each office's position and a fingerprint of what its feature shows, by id, to find
    /// which tiles another set of offices changes.
    office_marks: HashMap<String, (Point, String)>,
    /// Unit-square bounds of all data, `[x0, y0, x1, y1]` with y0 the northern edge.
    pub bounds: [f64; 4],
    /// How many units, and in how many provinces (0 when the dataset names none, as Huế's),
    /// for the TileJSON's name and description.
    pub extent: (usize, usize),
}

/// The commune geometry, labels and former units: everything but the offices.
struct Base {
    topology: Topology,
    communes: Vec<CommuneAttrs>,
    arc_bounds: Vec<[f64; 4]>,
    /// `zoom_arcs[z]`: every arc on zoom z's world grid (whole numbers: tile x · 4096 + x in
    /// the tile), simplified without crossings (z ≤ DETAIL_ZOOM), built the first
    /// time a tile at that zoom is rendered, so a pyramid that stops at z10 never pays for
    /// z11–z16 (most of the national dataset's start-up otherwise).
    zoom_arcs: Vec<OnceLock<Vec<Vec<Point>>>>,
    labels: Vec<PointFeature>,
    former_units: Vec<PointFeature>,
    /// A commune's code → the first zoom at which it is visible (see [`visible_from`]): its
    /// offices are drawn from there, as its label is.
    unit_min_zoom: HashMap<String, u8>,
    /// `arc_min_zoom[arc]`: the first zoom whose `boundaries` layer holds the arc: 0 for
    /// province borders and the outer edge, else where a commune beside it is visible.
    arc_min_zoom: Vec<u8>,
}

/// Where an office is drawn, and what its feature says.
fn office_marks(offices: &[Office]) -> HashMap<String, (Point, String)> {
    offices
        .iter()
        .map(|o| {
            let shown =
                format!("{}|{}|{}|{}|{}", o.kind.as_str(), o.name, o.commune_code, o.position_precision.as_str(), o.id);
            (o.id.clone(), (to_unit(o.lon, o.lat), shown))
        })
        .collect()
}

/// The tiles at zoom `z` whose buffered extent holds unit-square point `p` (one, or up to
/// four near a tile corner).
pub(crate) fn source_tiles_at(p: Point, z: u8) -> Vec<TileId> {
    let size = 1i64 << z;
    let (cx, cy) = ((p[0] * size as f64).floor() as i64, (p[1] * size as f64).floor() as i64);
    let mut found = Vec::new();
    for dy in -1..=1 {
        for dx in -1..=1 {
            let (x, y) = (cx + dx, cy + dy);
            if x < 0 || y < 0 || x >= size || y >= size {
                continue;
            }
            let Some(id) = TileId::new(z, x as u32, y as u32) else { continue };
            let q = TileFrame::new(id).query;
            if p[0] >= q[0] && p[0] <= q[2] && p[1] >= q[1] && p[1] <= q[3] {
                found.push(id);
            }
        }
    }
    found
}

/// The overlaps and gaps validation found between communes, for the topology to resolve.
fn defects(data: &Dataset) -> Vec<Defect> {
    let index: HashMap<&str, usize> = data.communes.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect();
    data.report
        .findings
        .iter()
        .filter(|f| matches!(f.check, Check::Overlap | Check::Gap))
        .map(|f| Defect {
            communes: f.communes.iter().filter_map(|code| index.get(code.as_str()).copied()).collect(),
            gap_at: (f.check == Check::Gap).then_some(f.location).flatten().map(|[lon, lat]| to_unit(lon, lat)),
        })
        .collect()
}

fn bounds_of<'a>(points: impl Iterator<Item = &'a Point>) -> [f64; 4] {
    points.fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

fn code_id(code: &str) -> Option<u64> {
    code.parse().ok()
}

/// One tile's frame: from the unit square to tile units, its buffered clip box, and the
/// unit-square box of what can show in it.
struct TileFrame {
    scale: f64,
    origin: [f64; 2],
    clip_box: [f64; 4],
    /// The tile's unit-square bounds grown by the buffer.
    query: [f64; 4],
}

impl TileFrame {
    fn new(tile: TileId) -> TileFrame {
        let scale = EXTENT as f64 * tile.grid_size();
        let pad = BUFFER / scale;
        let [ux0, uy0, ux1, uy1] = tile.unit_bounds();
        TileFrame {
            scale,
            origin: [tile.x as f64 * EXTENT as f64, tile.y as f64 * EXTENT as f64],
            clip_box: [-BUFFER, -BUFFER, EXTENT as f64 + BUFFER, EXTENT as f64 + BUFFER],
            query: [ux0 - pad, uy0 - pad, ux1 + pad, uy1 + pad],
        }
    }

    /// A unit-square point in tile units (not yet rounded).
    fn project(&self, p: &Point) -> [f64; 2] {
        [p[0] * self.scale - self.origin[0], p[1] * self.scale - self.origin[1]]
    }

    /// A point on the zoom's world grid in tile units (whole numbers stay whole).
    fn local(&self, p: &Point) -> [f64; 2] {
        [p[0] - self.origin[0], p[1] - self.origin[1]]
    }

    /// True when unit-square bounds `b` meet the buffered tile.
    fn meets(&self, b: &[f64; 4]) -> bool {
        let q = &self.query;
        b[0] <= q[2] && b[2] >= q[0] && b[1] <= q[3] && b[3] >= q[1]
    }

    /// True when a point in tile units is inside the clip box, edges included.
    fn holds(&self, [x, y]: [f64; 2]) -> bool {
        let c = &self.clip_box;
        x >= c[0] && x <= c[2] && y >= c[1] && y <= c[3]
    }
}

fn round(p: [f64; 2]) -> Coord {
    [p[0].round() as i32, p[1].round() as i32]
}

impl TileSource {
    /// Prepares a dataset for rendering: the shared-arc topology of the communes, the label
    /// points, and every feature's attributes. Simplified arcs are built lazily, per zoom, on
    /// the first tile rendered at that zoom.
    pub fn new(data: &Dataset) -> TileSource {
        let topology = Topology::build(&data.communes, &defects(data));
        let arc_bounds: Vec<[f64; 4]> = topology.arcs.iter().map(|a| bounds_of(a.points.iter())).collect();
        let bounds = bounds_of(arc_bounds.iter().flat_map(|b| [[b[0], b[1]], [b[2], b[3]]]).collect::<Vec<_>>().iter());
        let communes: Vec<CommuneAttrs> = data.communes.iter().map(CommuneAttrs::new).collect();
        let arc_min_zoom = topology
            .arcs
            .iter()
            .map(|arc| match (arc.left, arc.right) {
                (Some(l), Some(r)) if data.communes[l].province_code == data.communes[r].province_code => {
                    visible_from(communes[l].span().max(communes[r].span()))
                }
                _ => 0,
            })
            .collect();
        let unit_min_zoom = data
            .communes
            .iter()
            .zip(&communes)
            .map(|(c, attrs)| (c.code.clone(), visible_from(attrs.span())))
            .collect();
        let base = Base {
            unit_min_zoom,
            topology,
            communes,
            arc_min_zoom,
            arc_bounds,
            zoom_arcs: (0..=DETAIL_ZOOM).map(|_| OnceLock::new()).collect(),
            labels: PointFeature::labels(&data.communes),
            former_units: PointFeature::former_units(&data.former_units),
        };
        let offices = offices_features(&base, &data.offices);
        let extent = (data.communes.len(), data.provinces().len());
        TileSource { base: Arc::new(base), offices, office_marks: office_marks(&data.offices), bounds, extent }
    }

    /// The same source with another set of offices; the commune geometry and its simplified
    /// arcs are shared, not rebuilt.
    pub fn with_offices(&self, offices: &[Office]) -> TileSource {
        TileSource {
            base: self.base.clone(),
            offices: offices_features(&self.base, offices),
            office_marks: office_marks(offices),
            bounds: self.bounds,
            extent: self.extent,
        }
    }

    /// Unit-square positions where `other`'s offices layer differs from this one's: the old
    /// and new position of every office added, removed, moved or shown differently.
    pub(crate) fn offices_changed(&self, other: &TileSource) -> Vec<Point> {
        let mut points = Vec::new();
        for (id, (at, shown)) in &self.office_marks {
            match other.office_marks.get(id) {
                Some((new_at, new_shown)) if new_at == at && new_shown == shown => {}
                Some((new_at, _)) => points.extend([*at, *new_at]),
                None => points.push(*at),
            }
        }
        for (id, (at, _)) in &other.office_marks {
            if !self.office_marks.contains_key(id) {
                points.push(*at);
            }
        }
        points
    }

    /// Every arc on zoom `z`'s world grid, simplified to a few tile units without crossings.
    fn arcs_at(&self, z: u8) -> &[Vec<Point>] {
        let z = z.min(DETAIL_ZOOM);
        self.base.zoom_arcs[z as usize].get_or_init(|| {
            let source = self.base.topology.arcs.iter().map(|a| a.points.as_slice());
            grid_arcs(source, EXTENT as f64 * (1u64 << z) as f64, TOLERANCE_TILE_UNITS)
        })
    }

    /// A commune's outline in lon/lat, built from zoom `z`'s simplified arcs (the borders the
    /// map draws at that zoom): a border shared by two communes is the same vertices in both,
    /// so a point on it is on both outlines and neighbours leave no gap. It lists the
    /// commune's polygons, rings closed, exterior first.
    pub fn outline_at(&self, z: u8, commune: usize) -> Vec<Vec<Vec<[f64; 2]>>> {
        let z = z.min(DETAIL_ZOOM);
        let grid_size = EXTENT as f64 * (1u64 << z) as f64;
        self.base
            .topology
            .polygons_of(commune, self.arcs_at(z))
            .into_iter()
            .map(|rings| {
                rings
                    .into_iter()
                    .map(|ring| ring.iter().map(|p| to_lon_lat(p[0] / grid_size, p[1] / grid_size)).collect())
                    .collect()
            })
            .collect()
    }

    /// Number of shared-border arcs (each border stored once).
    pub fn arc_count(&self) -> usize {
        self.base.topology.arcs.len()
    }

    /// Renders one tile as MVT bytes (uncompressed), layers in [`LAYERS`] order with empty
    /// ones left out; `None` when no layer has a feature there. Geometry reaches [`BUFFER`]
    /// tile units past the tile's edges; zooms above [`DETAIL_ZOOM`] reuse its arcs.
    pub fn render(&self, tile: TileId) -> Option<Vec<u8>> {
        let frame = TileFrame::new(tile);
        let arcs = self.arcs_at(tile.z);
        encode_tile(vec![
            self.communes_layer(&frame, arcs),
            self.boundaries_layer(&frame, arcs, tile.z),
            point_layer("labels", &self.base.labels, &frame, tile.z),
            point_layer("offices", &self.offices, &frame, tile.z),
            point_layer("former_units", &self.base.former_units, &frame, tile.z),
        ])
    }

    /// The `communes` layer: each commune near the tile rebuilt from the zoom's arcs and
    /// clipped into valid polygons; a commune with nothing left of a cell's area is left out
    /// (its label point still shows it). Holes that rounding and simplification opened where
    /// the source has land are filled ([`crate::fill`]).
    fn communes_layer(&self, frame: &TileFrame, arcs: &[Vec<Point>]) -> LayerBuilder {
        let mut communes: Vec<TileCommune> = Vec::new();
        for (index, c) in self.base.communes.iter().enumerate() {
            if !frame.meets(&c.bounds) {
                continue;
            }
            let rings: Vec<Vec<Vec<[f64; 2]>>> = self
                .base
                .topology
                .polygons_of(index, arcs)
                .iter()
                .map(|rings| rings.iter().map(|ring| ring.iter().map(|p| frame.local(p)).collect()).collect())
                .collect();
            let ([x0, y0], [x1, y1]) =
                (frame.project(&[c.bounds[0], c.bounds[1]]), frame.project(&[c.bounds[2], c.bounds[3]]));
            communes.push(TileCommune {
                index,
                polygons: clip_polygons(&rings, frame.clip_box),
                bounds: [x0, y0, x1, y1],
            });
        }
        fill_gaps(&mut communes, |index| {
            let source: Vec<Vec<Vec<[f64; 2]>>> = self
                .base
                .topology
                .source_polygons_of(index)
                .iter()
                .map(|rings| rings.iter().map(|ring| ring.iter().map(|p| frame.project(p)).collect()).collect())
                .collect();
            Land::new(&source)
        });
        let mut layer = LayerBuilder::new("communes");
        for TileCommune { index, polygons, .. } in communes {
            if polygons.is_empty() {
                continue;
            }
            let c = &self.base.communes[index];
            layer.add(
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
        layer
    }

    /// The `boundaries` layer: every arc near the tile once, with the codes on either side;
    /// borders inside a province only from the zoom where a commune beside them is visible.
    fn boundaries_layer(&self, frame: &TileFrame, arcs: &[Vec<Point>], z: u8) -> LayerBuilder {
        let mut layer = LayerBuilder::new("boundaries");
        for (index, arc) in self.base.topology.arcs.iter().enumerate() {
            if z < self.base.arc_min_zoom[index] || !frame.meets(&self.base.arc_bounds[index]) {
                continue;
            }
            let projected: Vec<[f64; 2]> = arcs[index].iter().map(|p| frame.local(p)).collect();
            let lines: Vec<Vec<Coord>> =
                clip_line(&projected, frame.clip_box).into_iter().map(|l| l.into_iter().map(round).collect()).collect();
            if lines.is_empty() {
                continue;
            }
            let code = |c: Option<usize>| c.map(|i| self.base.communes[i].code.as_str()).unwrap_or("");
            let kind = if arc.left.is_some() && arc.right.is_some() { "internal" } else { "city" };
            layer.add(
                None,
                &Geometry::Lines(lines),
                &[("kind", kind.into()), ("left", code(arc.left).into()), ("right", code(arc.right).into())],
            );
        }
        layer
    }
}

/// A point layer: the features shown at zoom `z` whose point falls in the tile's clip box.
fn point_layer(name: &str, features: &[PointFeature], frame: &TileFrame, z: u8) -> LayerBuilder {
    let mut layer = LayerBuilder::new(name);
    for f in features {
        let at = frame.project(&f.at);
        if z >= f.min_zoom && frame.holds(at) {
            layer.add(f.id, &Geometry::Points(vec![round(at)]), &f.attrs);
        }
    }
    layer
}
