//! A still picture of the map (SVG) for a box and a size: the same vector tiles, drawn in the
//! same colours and order as the style ([`crate::style`]), so a page can show the map before it
//! starts a WebGL map, and another app can put a map in a report or an e-mail without one.
//!
//! Polygons and lines are drawn tile by tile, each tile clipped to its own square (nested
//! `<svg>` elements clip), so the buffer that tiles share is not painted twice. Points and
//! labels are kept only by the tile that holds them, and drawn in pixels on top, as MapLibre
//! does: a circle at a tile edge is not cut, and labels that would collide are left out.

use std::collections::HashMap;
use std::fmt::Write;

use geo::{Coord, Geometry, Polygon};
use mvt_reader::feature::{Feature, Value};
use mvt_reader::Reader;

use crate::pyramid::{Lookup, TileStore};
use crate::style::palette;
use crate::tile_math::{tiles_covering, to_unit, TileId, MAX_LATITUDE};
use crate::{xml, MAX_ZOOM};

/// The largest width or height, in pixels.
pub const MAX_SIZE: u32 = 4096;
/// The most pixels in one picture (2048 × 2048), which bounds the tiles it is drawn from.
pub const MAX_PIXELS: u64 = 2048 * 2048;
/// The deepest view, about 4 cm a pixel: deeper than that a box is a point.
pub const MAX_VIEW_ZOOM: f64 = 22.0;
/// MapLibre's tiles are 512 px wide: zoom z draws the world 512 · 2^z pixels wide.
const TILE_PIXELS: f64 = 512.0;
/// The geometry's own coordinates: one tile is this many units wide at the tile zoom.
const UNITS: f64 = 4096.0;
const FONT: &str = "'DejaVu Sans', Verdana, Arial, sans-serif";

/// What a still map shows: a lon/lat box fitted into a picture of `width` × `height` pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
    width: u32,
    height: u32,
}

/// Why a view cannot be drawn.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ViewError {
    /// West is not west of east (a box across 180° is not supported).
    #[error("the box must run west to east without crossing 180°: west {0} is not west of east {1}")]
    WestNotBeforeEast(f64, f64),
    /// South is not south of north.
    #[error("the box must have height: south {0} is not south of north {1}")]
    SouthNotBelowNorth(f64, f64),
    /// A corner outside the Web Mercator world.
    #[error("longitudes must be within [-180, 180] and latitudes within ±{MAX_LATITUDE:.4} (Web Mercator)")]
    OutsideTheWorld,
    /// A width or height of 0 or above [`MAX_SIZE`].
    #[error("width and height must be whole numbers from 1 to {MAX_SIZE}, got {0} × {1}")]
    Size(u32, u32),
    /// More than [`MAX_PIXELS`] in all.
    #[error("a picture may have at most {MAX_PIXELS} pixels, got {0}")]
    TooManyPixels(u64),
    /// A box so small for the picture that the zoom is past [`MAX_VIEW_ZOOM`].
    #[error("the box is too small for the picture: zoom {0:.1}, at most {MAX_VIEW_ZOOM}")]
    TooDeep(f64),
}

impl View {
    /// A view of `[west, south, east, north]` (degrees, WGS 84) in `width` × `height` pixels.
    pub fn new(bbox: [f64; 4], width: u32, height: u32) -> Result<View, ViewError> {
        let [west, south, east, north] = bbox;
        let lon_ok = |x: f64| (-180.0..=180.0).contains(&x);
        let lat_ok = |y: f64| (-MAX_LATITUDE..=MAX_LATITUDE).contains(&y);
        if !(lon_ok(west) && lon_ok(east) && lat_ok(south) && lat_ok(north)) {
            return Err(ViewError::OutsideTheWorld);
        }
        if west >= east {
            return Err(ViewError::WestNotBeforeEast(west, east));
        }
        if south >= north {
            return Err(ViewError::SouthNotBelowNorth(south, north));
        }
        if !(1..=MAX_SIZE).contains(&width) || !(1..=MAX_SIZE).contains(&height) {
            return Err(ViewError::Size(width, height));
        }
        let pixels = width as u64 * height as u64;
        if pixels > MAX_PIXELS {
            return Err(ViewError::TooManyPixels(pixels));
        }
        let view = View { west, south, east, north, width, height };
        // Also refuses a box that projects to nothing (the scale is infinite, the zoom too).
        match view.zoom() {
            zoom if zoom <= MAX_VIEW_ZOOM => Ok(view),
            zoom => Err(ViewError::TooDeep(zoom)),
        }
    }

    /// The box on the unit square, `[x0, y0, x1, y1]` with y0 the northern edge.
    fn unit_box(&self) -> [f64; 4] {
        let [x0, y0] = to_unit(self.west, self.north);
        let [x1, y1] = to_unit(self.east, self.south);
        [x0, y0, x1, y1]
    }

    /// Pixels per unit-square unit: the box fits the picture, as SVG's default "meet" does.
    fn scale(&self) -> f64 {
        let [x0, y0, x1, y1] = self.unit_box();
        (self.width as f64 / (x1 - x0)).min(self.height as f64 / (y1 - y0))
    }

    /// The MapLibre zoom that draws the box at this size (fractional).
    pub fn zoom(&self) -> f64 {
        (self.scale() / TILE_PIXELS).log2()
    }

    /// What the whole picture shows on the unit square: the box, centred, and the margins
    /// beside it when the picture's shape differs from the box's.
    fn picture_box(&self) -> [f64; 4] {
        let [x0, y0, x1, y1] = self.unit_box();
        let scale = self.scale();
        let (half_width, half_height) = (self.width as f64 / scale / 2.0, self.height as f64 / scale / 2.0);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        [cx - half_width, cy - half_height, cx + half_width, cy + half_height]
    }
}

fn text(feature: &Feature, key: &str) -> Option<String> {
    match feature.properties.as_ref()?.get(key)? {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn flag(feature: &Feature, key: &str) -> bool {
    matches!(feature.properties.as_ref().and_then(|p| p.get(key)), Some(Value::Bool(true)))
}

/// SVG path data for every ring or line of a geometry, in the tile's own units.
fn path_data(geometry: &Geometry<f32>) -> String {
    let mut d = String::new();
    match geometry {
        Geometry::Polygon(p) => push_polygon(&mut d, p),
        Geometry::MultiPolygon(ps) => ps.iter().for_each(|p| push_polygon(&mut d, p)),
        Geometry::LineString(l) => push_points(&mut d, &l.0, false),
        Geometry::MultiLineString(ls) => ls.iter().for_each(|l| push_points(&mut d, &l.0, false)),
        _ => {}
    }
    d
}

fn push_polygon(d: &mut String, polygon: &Polygon<f32>) {
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        push_points(d, &ring.0, true);
    }
}

fn push_points(d: &mut String, points: &[Coord<f32>], close: bool) {
    for (i, p) in points.iter().enumerate() {
        let _ = write!(d, "{}{} {}", if i == 0 { 'M' } else { 'L' }, p.x, p.y);
    }
    if close {
        d.push('Z');
    }
}

/// One tile's features by layer name, with the layer's extent.
struct DecodedTile {
    id: TileId,
    layers: HashMap<String, (f64, Vec<Feature>)>,
}

fn decode(id: TileId, raw: &[u8]) -> Option<DecodedTile> {
    // Our own tiles: one that fails to decode is a bug, and the picture goes without it.
    let reader = Reader::new(raw.to_vec()).ok()?;
    let mut layers = HashMap::new();
    for layer in reader.get_layer_metadata().ok()? {
        let features = reader.get_features(layer.layer_index).ok()?;
        layers.insert(layer.name, (layer.extent.max(1) as f64, features));
    }
    Some(DecodedTile { id, layers })
}

/// A point or label to draw in pixels, once.
struct Mark {
    x: f64,
    y: f64,
    kind: MarkKind,
}

enum MarkKind {
    FormerUnit,
    Office { exact: bool, name: String },
    Label(String),
}

impl View {
    /// The zoom of the tiles a picture of this view is drawn from.
    pub fn tile_zoom(&self) -> u8 {
        self.zoom().floor().clamp(0.0, MAX_ZOOM as f64) as u8
    }

    /// The tiles at `zoom` the picture covers (margins included): the street tiles a caller
    /// reads for [`render_over_streets`].
    pub fn tiles_at(&self, zoom: u8) -> impl Iterator<Item = TileId> {
        tiles_covering(self.picture_box(), zoom)
    }
}

/// Draws `view` from `store`'s tiles. The data attribution goes into `<desc>`, for the page or
/// app showing the picture to display beside it, as it would TileJSON's.
pub fn render(store: &TileStore, view: &View, attribution: &str) -> String {
    render_over_streets(store, view, attribution, &[])
}

/// [`render`], over a street basemap: `streets` are its MVT tiles (Protomaps basemap
/// schema, uncompressed) covering the view, at the picture's tile zoom or shallower (a
/// basemap whose deepest zoom is shallower is drawn from that). Land, water, buildings and
/// roads go under the units, whose fills lighten as the live map's do. A tile that does not
/// decode is left out.
pub fn render_over_streets(store: &TileStore, view: &View, attribution: &str, streets: &[(TileId, Vec<u8>)]) -> String {
    let zoom = view.zoom();
    let tile_zoom = view.tile_zoom();
    let picture = view.picture_box();
    let tiles: Vec<DecodedTile> = tiles_covering(picture, tile_zoom)
        .filter_map(|id| match store.get(id) {
            Lookup::Tile(tile) => decode(id, &tile.raw),
            Lookup::Empty => None,
        })
        .collect();
    let street_tiles: Vec<DecodedTile> =
        streets.iter().filter(|(id, _)| id.z <= tile_zoom).filter_map(|(id, raw)| decode(*id, raw)).collect();

    let grid = (1u64 << tile_zoom) as f64;
    let scale = view.scale();
    // Pixel position of a point on the unit square.
    let [x0, y0, ..] = picture;
    let pixel = |ux: f64, uy: f64| ((ux - x0) * scale, (uy - y0) * scale);

    let (width, height) = (view.width, view.height);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
    );
    let _ = write!(svg, "<title>Huế communes and wards</title><desc>{}</desc>", xml::escape(attribution));
    let _ = write!(svg, r#"<rect width="100%" height="100%" fill="{}"/>"#, palette::BACKGROUND);

    // Geometry: one coordinate space in tile units at the tile zoom, from the first tile's corner.
    let (first_x, first_y) = ((x0 * grid).floor().max(0.0), (y0 * grid).floor().max(0.0));
    let to_units = |u: f64, first: f64| (u * grid - first) * UNITS;
    let _ = write!(
        svg,
        r#"<svg width="{width}" height="{height}" viewBox="{} {} {} {}">"#,
        to_units(x0, first_x),
        to_units(y0, first_y),
        width as f64 / scale * grid * UNITS,
        height as f64 / scale * grid * UNITS,
    );
    // A tile of zoom z is 2^(tile_zoom − z) tiles of the picture's zoom wide.
    let each_of = |svg: &mut String, tiles: &[DecodedTile], layer: &str, draw: &dyn Fn(&Feature) -> Option<String>| {
        for tile in tiles {
            let Some((extent, features)) = tile.layers.get(layer) else { continue };
            let paths: String = features.iter().filter_map(draw).collect();
            if paths.is_empty() {
                continue;
            }
            let span = f64::from(1u32 << (tile_zoom - tile.id.z));
            let (x, y) = ((tile.id.x as f64 * span - first_x) * UNITS, (tile.id.y as f64 * span - first_y) * UNITS);
            let size = span * UNITS;
            let _ = write!(
                svg,
                r#"<svg x="{x}" y="{y}" width="{size}" height="{size}" viewBox="0 0 {extent} {extent}">{paths}</svg>"#
            );
        }
    };
    let each_tile =
        |svg: &mut String, layer: &str, draw: &dyn Fn(&Feature) -> Option<String>| each_of(svg, &tiles, layer, draw);
    if !street_tiles.is_empty() {
        svg.push_str(r#"<g class="streets">"#);
        draw_streets(&mut svg, zoom, &|svg, layer, draw| each_of(svg, &street_tiles, layer, draw));
        svg.push_str("</g>");
    }
    let fill_opacity = if street_tiles.is_empty() {
        palette::FILL_OPACITY
    } else {
        palette::at(palette::FILL_OPACITY_OVER_STREETS, zoom)
    };
    each_tile(&mut svg, "communes", &|f| {
        let fill = match text(f, "type").as_deref() {
            Some("phuong") => palette::PHUONG,
            Some("xa") => palette::XA,
            _ => palette::OTHER_UNIT,
        };
        Some(format!(
            r#"<path d="{}" fill="{fill}" fill-opacity="{fill_opacity:.2}" fill-rule="evenodd"/>"#,
            path_data(&f.geometry),
        ))
    });
    for (kind, colour, width) in [
        ("internal", palette::INTERNAL_BORDER, palette::at(palette::INTERNAL_BORDER_WIDTH, zoom)),
        ("city", palette::CITY_BORDER, palette::at(palette::CITY_BORDER_WIDTH, zoom)),
    ] {
        each_tile(&mut svg, "boundaries", &|f| {
            (text(f, "kind").as_deref() == Some(kind)).then(|| {
                format!(
                    r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="{width:.2}" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>"#,
                    path_data(&f.geometry)
                )
            })
        });
    }
    svg.push_str("</svg>");

    // Points and labels: each from the one tile whose square holds it, in pixels.
    let mut marks = Vec::new();
    for tile in &tiles {
        for (layer, (extent, features)) in &tile.layers {
            for f in features {
                // A reader may hand back a single point as a MultiPoint of one.
                let p = match &f.geometry {
                    Geometry::Point(p) => p.0,
                    Geometry::MultiPoint(ps) if ps.0.len() == 1 => ps.0[0].0,
                    _ => continue,
                };
                let (tx, ty) = (p.x as f64 / extent, p.y as f64 / extent);
                if !((0.0..1.0).contains(&tx) && (0.0..1.0).contains(&ty)) {
                    continue;
                }
                let kind = match layer.as_str() {
                    "former_units" if zoom >= 11.0 => MarkKind::FormerUnit,
                    "offices" => MarkKind::Office {
                        exact: flag(f, "position_is_exact"),
                        name: text(f, "name").unwrap_or_default(),
                    },
                    "labels" => match text(f, "name") {
                        Some(name) => MarkKind::Label(name),
                        None => continue,
                    },
                    _ => continue,
                };
                let (x, y) = pixel((tile.id.x as f64 + tx) / grid, (tile.id.y as f64 + ty) / grid);
                marks.push(Mark { x, y, kind });
            }
        }
    }
    draw_marks(&mut svg, &marks, zoom, (view.width as f64, view.height as f64));
    svg.push_str("</svg>");
    svg
}

/// How a layer of a set of tiles is drawn: each feature's SVG, or nothing.
type EachLayer<'a> = &'a dyn Fn(&mut String, &str, &dyn Fn(&Feature) -> Option<String>);

/// The streets under the units: land and water, buildings from z14, then roads, cased, wider
/// the more important they are (the Protomaps schema's `kind`).
fn draw_streets(svg: &mut String, zoom: f64, each_layer: EachLayer<'_>) {
    use palette::streets::{BUILDING, EARTH, ROAD, ROAD_CASING, WATER};
    let fill = |colour: &'static str| {
        move |f: &Feature| {
            matches!(f.geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_))
                .then(|| format!(r#"<path d="{}" fill="{colour}" fill-rule="evenodd"/>"#, path_data(&f.geometry)))
        }
    };
    each_layer(svg, "earth", &fill(EARTH));
    each_layer(svg, "water", &fill(WATER));
    if zoom >= 14.0 {
        each_layer(svg, "buildings", &fill(BUILDING));
    }
    let width = |f: &Feature| match text(f, "kind").as_deref() {
        Some("highway") => 3.0,
        Some("major_road") => 2.4,
        Some("medium_road") => 1.8,
        Some("minor_road") => 1.2,
        _ => 0.7,
    } * (zoom - 10.0).clamp(1.0, 4.0)
        / 2.0;
    let line = |f: &Feature| matches!(f.geometry, Geometry::LineString(_) | Geometry::MultiLineString(_));
    for (colour, extra) in [(ROAD_CASING, 1.0), (ROAD, 0.0)] {
        each_layer(svg, "roads", &|f| {
            line(f).then(|| {
                format!(
                    r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="{:.2}" stroke-linecap="round" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>"#,
                    path_data(&f.geometry),
                    width(f) + extra
                )
            })
        });
    }
}

/// Circles in the style's order, then labels that do not collide and fit the picture whole
/// (greedy, in tile order), as MapLibre places them.
fn draw_marks(svg: &mut String, marks: &[Mark], zoom: f64, (width, height): (f64, f64)) {
    let white = palette::HALO;
    for m in marks.iter().filter(|m| matches!(m.kind, MarkKind::FormerUnit)) {
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}" stroke="{white}" stroke-width="1"/>"#,
            m.x,
            m.y,
            palette::FORMER_UNIT
        );
    }
    for exact in [true, false] {
        for m in marks.iter().filter(|m| matches!(m.kind, MarkKind::Office { exact: e, .. } if e == exact)) {
            let (r, fill, stroke) = if exact {
                (6.0, palette::OFFICE, white)
            } else {
                (
                    palette::at(palette::APPROXIMATE_OFFICE_RADIUS, zoom),
                    palette::APPROXIMATE_OFFICE_FILL,
                    palette::OFFICE,
                )
            };
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>"#,
                m.x, m.y
            );
        }
    }
    let mut placed: Vec<[f64; 4]> = Vec::new();
    let mut label = |svg: &mut String, x: f64, y: f64, text: &str, size: f64, colour: &str| {
        // DejaVu Sans averages about 0.6 em per letter; a box a little wider than the text.
        let half_width = 0.32 * size * text.chars().count() as f64;
        let b = [x - half_width, y - 0.65 * size, x + half_width, y + 0.65 * size];
        let outside = b[0] < 0.0 || b[1] < 0.0 || b[2] > width || b[3] > height;
        if outside || placed.iter().any(|p| b[0] < p[2] && p[0] < b[2] && b[1] < p[3] && p[1] < b[3]) {
            return;
        }
        placed.push(b);
        let _ = write!(
            svg,
            r#"<text x="{x:.1}" y="{y:.1}" font-family="{FONT}" font-size="{size:.1}" text-anchor="middle" dominant-baseline="central" fill="{colour}" stroke="{white}" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text>"#,
            xml::escape(text)
        );
    };
    // MapLibre places the top layer's labels first: office names (from z13), then unit names.
    if zoom >= 13.0 {
        for m in marks {
            if let MarkKind::Office { exact, name } = &m.kind {
                let shown = if *exact { name.clone() } else { format!("{name} (≈)") };
                label(svg, m.x, m.y + 1.2 * 12.0 + 6.0, &shown, 12.0, palette::OFFICE_LABEL);
            }
        }
    }
    let size = palette::at(palette::LABEL_SIZE, zoom);
    for m in marks {
        if let MarkKind::Label(name) = &m.kind {
            label(svg, m.x, m.y, name, size, palette::LABEL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_checked() {
        assert!(View::new([107.0, 16.0, 108.0, 17.0], 400, 300).is_ok());
        assert_eq!(View::new([108.0, 16.0, 107.0, 17.0], 400, 300), Err(ViewError::WestNotBeforeEast(108.0, 107.0)));
        assert_eq!(View::new([107.0, 17.0, 108.0, 17.0], 400, 300), Err(ViewError::SouthNotBelowNorth(17.0, 17.0)));
        assert_eq!(View::new([107.0, 16.0, 108.0, 89.0], 400, 300), Err(ViewError::OutsideTheWorld));
        assert_eq!(View::new([107.0, 16.0, 108.0, 17.0], 0, 300), Err(ViewError::Size(0, 300)));
        assert!(View::new([107.0, 16.0, 108.0, 17.0], MAX_SIZE + 1, 300).is_err());
        assert_eq!(View::new([107.0, 16.0, 108.0, 17.0], 4096, 4096), Err(ViewError::TooManyPixels(4096 * 4096)));
        assert!(View::new([107.0, 16.0, 108.0, 17.0], 4096, 1024).is_ok());
        // A box a hair wide: the zoom would be past any map's.
        assert!(matches!(View::new([107.0, 16.0, 107.0 + 1e-12, 16.0 + 1e-12], 400, 300), Err(ViewError::TooDeep(_))));
    }

    #[test]
    fn the_picture_covers_the_box_and_the_margins_beside_it() {
        // A square box in a picture twice as wide: as much again beside it, half on each side.
        let [x0, y0] = to_unit(107.0, 17.0);
        let [x1, _] = to_unit(108.0, 16.0);
        let side = x1 - x0;
        let [_, south] = crate::tile_math::to_lon_lat(x0, y0 + side);
        let view = View::new([107.0, south, 108.0, 17.0], 800, 400).unwrap();
        let [p0, _, p1, _] = view.picture_box();
        assert!((p1 - p0 - 2.0 * side).abs() < 1e-12 && (x0 - p0 - side / 2.0).abs() < 1e-12);
    }

    #[test]
    fn the_zoom_is_maplibres() {
        // The whole world 512 px wide is zoom 0; 1024 px wide is zoom 1.
        let world = View::new([-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE], 512, 512).unwrap();
        assert!(world.zoom().abs() < 1e-9);
        let twice = View::new([-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE], 1024, 1024).unwrap();
        assert!((twice.zoom() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn sizes_follow_the_styles_interpolation() {
        let width = palette::INTERNAL_BORDER_WIDTH;
        assert_eq!(palette::at(width, 8.0), 0.6);
        assert_eq!(palette::at(width, 20.0), 2.0);
        assert!((palette::at(width, 11.0) - 1.3).abs() < 1e-9);
    }
}
