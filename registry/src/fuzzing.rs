//! Entry points for the cargo-fuzz targets in `fuzz/` that reach the registry's parsers: the
//! JSON bodies of writes (office drafts, merge patches) and the CSV and GeoJSON imports.
//! Each feeds arbitrary bytes to one parser and panics only when an invariant of ours is
//! broken: every refusal must name where (a field, a line, the file).

use serde_json::Value;

use crate::import::{parse_csv, parse_geojson};
use crate::validate::{validate, OfficeDraft};

/// Arbitrary bytes as a write's JSON body: parsed, read as a draft, merged over a draft, and
/// validated against a commune that covers a small box. Every problem names a field.
pub fn office_json(bytes: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else { return };
    let (draft, problems) = OfficeDraft::from_json(&value);
    assert!(problems.iter().all(|p| !p.field.is_empty() && !p.reason.is_empty()));
    let mut merged = OfficeDraft { name: Some("A".into()), lon: Some(107.5), lat: Some(16.4), ..Default::default() };
    let more = merged.merge_json(&value);
    assert!(more.iter().all(|p| !p.field.is_empty()));
    let locate = |lon: f64, lat: f64| {
        ((107.0..=108.0).contains(&lon) && (16.0..=17.0).contains(&lat)).then(|| "19753".to_string())
    };
    for candidate in [&draft, &merged] {
        if let Err(errors) = validate(candidate, &locate) {
            assert!(!errors.is_empty(), "a refusal lists at least one field");
            assert!(errors.iter().all(|e| !e.field.is_empty() && !e.reason.is_empty()));
        }
    }
}

/// Arbitrary bytes as an import file: CSV when the first byte is even, GeoJSON when odd.
/// A file that cannot be read is refused with where; a readable one gives one row per record.
pub fn import(bytes: &[u8]) {
    let Some((&selector, rest)) = bytes.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let parsed = if selector % 2 == 0 { parse_csv(text) } else { parse_geojson(text) };
    match parsed {
        Err(error) => assert!(!error.location.is_empty() && !error.reason.is_empty()),
        Ok(rows) => assert!(rows.iter().all(|r| !r.location.is_empty())),
    }
}
