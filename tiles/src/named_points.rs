//! The named points of vector tiles made by others (a street basemap's `pois` and `places`
//! layers, in the Protomaps basemap schema), with where they are: what the service's search
//! learns landmarks from ("Đại Nội", "Ngọ Môn").

use mvt_reader::feature::Value;
use mvt_reader::Reader;

use crate::tile_math::{to_lon_lat, TileId};

/// A named point read from a tile.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPoint {
    /// Its name in Vietnamese (`name:vi`), or as the source names it (`name`).
    pub name: String,
    /// Its English name (`name:en`), when the source has one that differs.
    pub name_en: Option<String>,
    /// What it is, in the source's words (`kind`: `attraction`, `locality`, …).
    pub kind: Option<String>,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
}

/// Why a tile could not be read.
#[derive(Debug, thiserror::Error)]
#[error("tile {z}/{x}/{y} is not a readable vector tile: {why}")]
pub struct UnreadableTile {
    z: u8,
    x: u32,
    y: u32,
    why: String,
}

/// The named points of `layers` in `raw` (an uncompressed MVT) at `tile`. Points in the
/// tile's buffer belong to a neighbour and are left to it, so each is read once.
pub fn named_points(raw: &[u8], tile: TileId, layers: &[&str]) -> Result<Vec<NamedPoint>, UnreadableTile> {
    let unreadable = |why: String| UnreadableTile { z: tile.z, x: tile.x, y: tile.y, why };
    let reader = Reader::new(raw.to_vec()).map_err(|e| unreadable(e.to_string()))?;
    let [x0, y0, x1, y1] = tile.unit_bounds();
    let mut points = Vec::new();
    for layer in reader.get_layer_metadata().map_err(|e| unreadable(e.to_string()))? {
        if !layers.contains(&layer.name.as_str()) {
            continue;
        }
        let extent = f64::from(layer.extent.max(1));
        for feature in reader.get_features(layer.layer_index).map_err(|e| unreadable(e.to_string()))? {
            let point = match &feature.geometry {
                geo::Geometry::Point(p) => p.0,
                geo::Geometry::MultiPoint(ps) if ps.0.len() == 1 => ps.0[0].0,
                _ => continue,
            };
            let (tx, ty) = (f64::from(point.x) / extent, f64::from(point.y) / extent);
            if !((0.0..1.0).contains(&tx) && (0.0..1.0).contains(&ty)) {
                continue;
            }
            let text = |key: &str| match feature.properties.as_ref().and_then(|p| p.get(key)) {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            };
            let Some(name) = text("name:vi").or_else(|| text("name")) else { continue };
            let name_en = text("name:en").filter(|en| *en != name);
            let [lon, lat] = to_lon_lat(x0 + tx * (x1 - x0), y0 + ty * (y1 - y0));
            points.push(NamedPoint { name, name_en, kind: text("kind"), lon, lat });
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mvt::{encode_tile, Attr, Geometry, LayerBuilder, EXTENT};

    #[test]
    fn named_points_are_read_once_with_their_names_and_positions() {
        let tile = TileId { z: 14, x: 13087, y: 7432 };
        let mut pois = LayerBuilder::new("pois");
        let middle = (EXTENT / 2) as i32;
        pois.add(
            None,
            &Geometry::Points(vec![[middle, middle]]),
            &[
                ("name", "Dai Noi".into()),
                ("name:vi", "Đại Nội".into()),
                ("name:en", "Imperial City".into()),
                ("kind", "attraction".into()),
            ],
        );
        // In the buffer: the neighbour's to read.
        pois.add(None, &Geometry::Points(vec![[-20, middle]]), &[("name", "Beyond".into())]);
        // No name: nothing to find it by.
        pois.add(None, &Geometry::Points(vec![[10, 10]]), &[("kind", Attr::Str("bench".into()))]);
        let mut roads = LayerBuilder::new("roads");
        roads.add(None, &Geometry::Points(vec![[5, 5]]), &[("name", "Not asked for".into())]);
        let raw = encode_tile(vec![pois, roads]).unwrap();

        let points = named_points(&raw, tile, &["pois", "places"]).unwrap();
        assert_eq!(points.len(), 1, "{points:?}");
        let p = &points[0];
        assert_eq!(
            (p.name.as_str(), p.name_en.as_deref(), p.kind.as_deref()),
            ("Đại Nội", Some("Imperial City"), Some("attraction"))
        );
        let [x0, y0, x1, y1] = tile.unit_bounds();
        let [lon, lat] = to_lon_lat((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        assert!((p.lon - lon).abs() < 1e-9 && (p.lat - lat).abs() < 1e-9);
        assert!(named_points(b"not a tile", tile, &["pois"]).is_err());
    }
}
