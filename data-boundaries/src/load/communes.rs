//! The communes GeoJSON loader: a FeatureCollection of Polygon or MultiPolygon features.
//! Winding is normalised to RFC 7946 whatever the file uses (the reference data is clockwise).

use std::collections::HashMap;
use std::path::Path;

use geo::orient::Direction;
use geo::{MultiPolygon, Orient};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::LoadError;
use crate::model::{Commune, UnitType};

/// Parses a communes GeoJSON FeatureCollection of Polygon or MultiPolygon features, in file
/// order. `path` is only named in errors. Refuses an empty collection, and any feature without
/// `code`, `name` or a known `type`, with an open ring, a ring of fewer than 4 positions, or
/// a position outside WGS84 longitude/latitude; the error names the feature by index and code.
pub fn parse_communes(path: &Path, text: &str) -> Result<Vec<Commune>, LoadError> {
    let structure = |message: &str| LoadError::Structure { path: path.to_path_buf(), message: message.into() };
    // Only the top level is parsed whole. Each feature stays borrowed raw text until its turn,
    // so a national file (155 MB) never exists as one serde_json::Value, which is several
    // times its size; the raw pass still checks the syntax of the whole file first.
    let root: HashMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) if e.is_data() => return Err(structure("the top-level object is not a GeoJSON FeatureCollection")),
        Err(e) => {
            return Err(LoadError::Json {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })
        }
    };
    let kind = root.get("type").and_then(|raw| serde_json::from_str::<String>(raw.get()).ok());
    if kind.as_deref() != Some("FeatureCollection") {
        return Err(structure("the top-level object is not a GeoJSON FeatureCollection"));
    }
    let features = root
        .get("features")
        .and_then(|raw| serde_json::from_str::<Vec<&RawValue>>(raw.get()).ok())
        .ok_or_else(|| structure("the FeatureCollection has no \"features\" array"))?;
    if features.is_empty() {
        return Err(structure("the FeatureCollection has no features"));
    }
    features
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let value: Value = serde_json::from_str(raw.get()).map_err(|e| LoadError::Feature {
                path: path.to_path_buf(),
                index,
                code: None,
                problem: format!("not a GeoJSON Feature: {e}"),
            })?;
            parse_feature(path, index, &value)
        })
        .collect()
}

fn parse_feature(path: &Path, index: usize, value: &Value) -> Result<Commune, LoadError> {
    let empty = Map::new();
    let props = value.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let code = props.get("code").and_then(as_code);
    let fail = |problem: String| LoadError::Feature { path: path.to_path_buf(), index, code: code.clone(), problem };

    let feature = <geojson::Feature as serde::Deserialize>::deserialize(value)
        .map_err(|e| fail(format!("not a GeoJSON Feature: {e}")))?;
    let code = code.clone().ok_or_else(|| fail("property \"code\" is missing".into()))?;
    let text =
        |key: &str| props.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let name = text("name").ok_or_else(|| fail("property \"name\" is missing".into()))?;
    let type_text = text("type").ok_or_else(|| fail("property \"type\" is missing".into()))?;
    let unit_type = UnitType::parse(&type_text)
        .ok_or_else(|| fail(format!("property \"type\" is {type_text:?}; expected phuong, xa or dac_khu")))?;
    let full_name = text("full_name").unwrap_or_else(|| format!("{} {}", unit_type.vietnamese(), name));

    let geometry = feature.geometry.ok_or_else(|| fail("the feature has no geometry".into()))?;
    let geometry = to_multipolygon(&geometry).map_err(&fail)?;

    Ok(Commune {
        code,
        name,
        full_name,
        name_en: text("name_en"),
        unit_type,
        area_km2: props.get("area_km2").and_then(Value::as_f64),
        population: props.get("population").and_then(Value::as_u64),
        seat_address: text("seat_address"),
        legal_basis: text("legal_basis"),
        province_code: props.get("province_code").and_then(as_code),
        province_name: text("province_name"),
        computed_area_km2: geo::GeodesicArea::geodesic_area_unsigned(&geometry) / 1e6,
        geometry,
    })
}

/// Codes are text (leading zeros matter); a number in the file is accepted and printed back.
fn as_code(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Converts a Polygon or MultiPolygon, checking coordinate ranges and ring sizes, and orients
/// it to RFC 7946 (exterior counter-clockwise, holes clockwise).
fn to_multipolygon(geometry: &geojson::Geometry) -> Result<MultiPolygon<f64>, String> {
    check_raw_rings(&geometry.value)?;
    let converted: geo::Geometry<f64> =
        geo::Geometry::try_from(&geometry.value).map_err(|e| format!("unreadable geometry: {e}"))?;
    let multi = match converted {
        geo::Geometry::MultiPolygon(m) => m,
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        other => {
            return Err(format!("geometry is a {}, expected Polygon or MultiPolygon", geometry_name(&other)));
        }
    };
    if multi.0.is_empty() {
        return Err("the MultiPolygon is empty".into());
    }
    for (part, polygon) in multi.0.iter().enumerate() {
        for (ring_index, ring) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
            let which = if ring_index == 0 { "exterior ring".to_string() } else { format!("hole {}", ring_index - 1) };
            if ring.0.len() < 4 {
                return Err(format!("part {part}, {which}: a ring needs at least 4 positions, found {}", ring.0.len()));
            }
            if let Some(c) = ring.0.iter().find(|c| !(c.x.abs() <= 180.0 && c.y.abs() <= 90.0)) {
                return Err(format!(
                    "part {part}, {which}: position [{}, {}] is not a WGS84 longitude/latitude",
                    c.x, c.y
                ));
            }
        }
    }
    Ok(multi.orient(Direction::Default))
}

/// Checks the raw positions before conversion: every position has at least longitude and
/// latitude (the `geojson` crate's conversion indexes `[1]` unchecked, so `[10]` would panic;
/// found by fuzzing), and every ring is closed. RFC 7946 rings repeat their first position at
/// the end; geo closes open rings silently, and an open ring usually means a broken export.
fn check_raw_rings(value: &geojson::GeometryValue) -> Result<(), String> {
    let polygons: Vec<&geojson::PolygonType> = match value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        _ => return Ok(()),
    };
    for (part, rings) in polygons.into_iter().enumerate() {
        for (ring_index, ring) in rings.iter().enumerate() {
            let which =
                || if ring_index == 0 { "exterior ring".to_string() } else { format!("hole {}", ring_index - 1) };
            if let Some((at, short)) = ring.iter().enumerate().find(|(_, p)| p.len() < 2) {
                return Err(format!(
                    "part {part}, {}: position {at} has {} number(s); a position is [longitude, latitude]",
                    which(),
                    short.len()
                ));
            }
            if ring.len() >= 2 && ring.first() != ring.last() {
                return Err(format!(
                    "part {part}, {}: the ring is not closed (first and last positions differ)",
                    which()
                ));
            }
        }
    }
    Ok(())
}

fn geometry_name(geometry: &geo::Geometry<f64>) -> &'static str {
    match geometry {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::LineString(_) | geo::Geometry::Line(_) => "LineString",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        _ => "non-areal geometry",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Winding;

    const CLOCKWISE_SQUARE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"code":"00001","name":"Thử","type":"xa"},
        "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}}]}"#;

    #[test]
    fn clockwise_input_comes_out_counter_clockwise() {
        let communes = parse_communes(Path::new("t.geojson"), CLOCKWISE_SQUARE).unwrap();
        assert_eq!(communes[0].full_name, "Xã Thử");
        assert!(communes[0].geometry.0[0].exterior().is_ccw());
    }

    #[test]
    fn truncated_file_names_the_file_and_position() {
        let truncated = &CLOCKWISE_SQUARE[..CLOCKWISE_SQUARE.len() - 20];
        let message = parse_communes(Path::new("t.geojson"), truncated).unwrap_err().to_string();
        assert!(message.starts_with("t.geojson: not valid JSON at line"), "{message}");
    }

    #[test]
    fn bad_feature_is_named_by_index_and_code() {
        let bad = CLOCKWISE_SQUARE
            .replace(r#""type":"Polygon""#, r#""type":"Point""#)
            .replace("[[[0,0],[0,1],[1,1],[1,0],[0,0]]]", "[0,0]");
        let message = parse_communes(Path::new("t.geojson"), &bad).unwrap_err().to_string();
        assert_eq!(
            message,
            "t.geojson: feature #0 (code 00001): geometry is a Point, expected Polygon or MultiPolygon"
        );
        let unclosed = CLOCKWISE_SQUARE.replace("[1,0],[0,0]]", "[1,0],[0.5,0]]");
        let message = parse_communes(Path::new("t.geojson"), &unclosed).unwrap_err().to_string();
        assert!(message.contains("not closed"), "{message}");
    }

    #[test]
    fn a_position_with_one_number_is_refused_not_a_panic() {
        // Found by the load_communes fuzz target: geojson's conversion indexed [1] unchecked.
        let short = CLOCKWISE_SQUARE.replace("[[[0,0],[0,1],[1,1],[1,0],[0,0]]]", "[[[10]]]");
        let message = parse_communes(Path::new("t.geojson"), &short).unwrap_err().to_string();
        assert_eq!(message, "t.geojson: feature #0 (code 00001): part 0, exterior ring: position 0 has 1 number(s); a position is [longitude, latitude]");
    }
}
