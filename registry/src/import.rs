//! Bulk import: reading offices from CSV (the columns of the dataset's `offices.csv`, plus
//! the registry's optional ones) or a GeoJSON FeatureCollection of points, and what an import
//! did to each row.
//!
//! Reading is lenient per row and strict per file: a malformed file or an unknown column is
//! one error for the whole file, while a row whose `lon` is not a number still comes back,
//! carrying that problem, so the import can report every bad row in one pass. Planning an
//! import (what each row would do) lives here too; the registry runs the plan in one
//! transaction.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{FieldError, WriteError};
use crate::gate::{write_office, ChangeMeta};
use crate::store::Tx;
use crate::validate::{validate_parsed, Communes, OfficeDraft, ValidOffice, DRAFT_FIELDS};

/// One row to import, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Where it came from: the CSV line or the feature's position, for messages.
    pub location: String,
    /// The office as given.
    pub draft: OfficeDraft,
    /// What could not be read (wrong types, unknown properties).
    pub problems: Vec<FieldError>,
}

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {reason}")]
pub struct ImportParseError {
    /// Where: a line, or the file.
    pub location: String,
    /// What is wrong.
    pub reason: String,
}

/// What an import did, or would do, to one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// A new office.
    New,
    /// An existing office whose listed fields change.
    Changed {
        /// The fields that change.
        fields: Vec<String>,
    },
    /// An existing office with these very values.
    Unchanged,
    /// The row cannot be imported.
    Error {
        /// Why, field by field.
        reason: String,
    },
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    /// The office id (empty when the row has none).
    pub id: String,
    /// Where the row came from.
    pub location: String,
    /// What happened to it.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// True when the changes were written: a real import with no row in error. A dry run,
    /// or any bad row, writes nothing.
    pub applied: bool,
    /// The registry version after the import (unchanged when nothing was written).
    pub registry_version: u64,
    /// One outcome per row, in order.
    pub outcomes: Vec<ImportOutcome>,
}

impl ImportReport {
    /// The number of rows in error.
    pub fn errors(&self) -> usize {
        self.outcomes.iter().filter(|o| matches!(o.outcome, Outcome::Error { .. })).count()
    }
}

/// Whether an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Report what would happen; write nothing.
    DryRun,
    /// Write everything in one transaction, or nothing if any row is in error.
    Apply,
}

/// Columns a CSV must have.
const REQUIRED_COLUMNS: [&str; 7] = ["id", "kind", "name", "address", "lon", "lat", "position_precision"];

/// Reads offices from CSV with a header row.
///
/// Required columns: `id, kind, name, address, lon, lat, position_precision`; optional:
/// every other draft field (`commune_code`, `source`, `opening_hours`, `phone`, `notes`,
/// `allow_outside_commune` as `true`/`false`, `outside_commune_reason`, and `services`
/// separated by `;`). The dataset's `offices.csv` reads as is.
pub fn parse_csv(text: &str) -> Result<Vec<ImportRow>, ImportParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The csv crate starts a record's line count at the `\n` of a `\r\n`, one line early:
    // with Unix endings every row is named by its real line (a spreadsheet's CRLF export too).
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportParseError { location: "header".into(), reason: e.to_string() })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for (i, column) in headers.iter().enumerate() {
        if headers[..i].contains(column) {
            return Err(ImportParseError {
                location: "header".into(),
                reason: format!("the column {column:?} appears twice; which one is meant cannot be told"),
            });
        }
        if !DRAFT_FIELDS.contains(&column.as_str()) {
            return Err(ImportParseError {
                location: "header".into(),
                reason: format!("unknown column {column:?}; the columns are {}", DRAFT_FIELDS.join(", ")),
            });
        }
    }
    let missing: Vec<&str> = REQUIRED_COLUMNS.into_iter().filter(|c| !headers.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(ImportParseError {
            location: "header".into(),
            reason: format!("missing column(s) {}", missing.join(", ")),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportParseError {
            location: e.position().map(|p| format!("line {}", p.line())).unwrap_or_else(|| "file".into()),
            reason: e.to_string(),
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let mut draft = OfficeDraft::default();
        let mut problems = Vec::new();
        for (column, value) in headers.iter().zip(record.iter()) {
            read_csv_field(&mut draft, column, value.trim(), &mut problems);
        }
        rows.push(ImportRow { location: format!("line {line}"), draft, problems });
    }
    Ok(rows)
}

fn read_csv_field(draft: &mut OfficeDraft, column: &str, value: &str, problems: &mut Vec<FieldError>) {
    let text = || (!value.is_empty()).then(|| value.to_string());
    let number = |problems: &mut Vec<FieldError>| -> Option<f64> {
        if value.is_empty() {
            return None;
        }
        value
            .parse::<f64>()
            .map_err(|_| problems.push(FieldError::new(column, format!("{value:?} is not a number"))))
            .ok()
    };
    match column {
        "id" => draft.id = text(),
        "kind" => draft.kind = text(),
        "name" => draft.name = text(),
        "address" => draft.address = text(),
        "lon" => draft.lon = number(problems),
        "lat" => draft.lat = number(problems),
        "position_precision" => draft.position_precision = text(),
        "commune_code" => draft.commune_code = text(),
        "allow_outside_commune" => match value {
            "" | "false" | "no" | "0" => draft.allow_outside_commune = false,
            "true" | "yes" | "1" => draft.allow_outside_commune = true,
            _ => problems.push(FieldError::new(column, format!("{value:?} is not true or false"))),
        },
        "outside_commune_reason" => draft.outside_commune_reason = text(),
        "opening_hours" => draft.opening_hours = text(),
        "phone" => draft.phone = text(),
        "services" => {
            draft.services = value.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
        }
        "notes" => draft.notes = text(),
        "source" => draft.source = text(),
        _ => {}
    }
}

/// Reads offices from a GeoJSON FeatureCollection of Points.
///
/// Each feature's `properties` are draft fields (without `lon`/`lat`, which come from the
/// geometry); the id is the feature's `id` or its `id` property.
pub fn parse_geojson(text: &str) -> Result<Vec<ImportRow>, ImportParseError> {
    let file = |reason: String| ImportParseError { location: "file".into(), reason };
    crate::json_keys::check(text.as_bytes()).map_err(file)?;
    let value: Value = serde_json::from_str(text).map_err(|e| file(format!("not JSON: {e}")))?;
    if value.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(file("not a GeoJSON FeatureCollection".into()));
    }
    let features = value
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| file("the collection has no features array".into()))?;
    let mut rows = Vec::new();
    for (index, feature) in features.iter().enumerate() {
        let location = format!("feature {index}");
        let mut problems = Vec::new();
        let mut properties = match feature.get("properties") {
            Some(Value::Object(map)) => map.clone(),
            Some(Value::Null) | None => serde_json::Map::new(),
            Some(_) => {
                problems.push(FieldError::new("properties", "must be an object"));
                serde_json::Map::new()
            }
        };
        for key in ["lon", "lat"] {
            if properties.remove(key).is_some() {
                problems.push(FieldError::new(key, "comes from the geometry; remove the property"));
            }
        }
        match feature.get("id") {
            Some(Value::String(id)) => {
                properties.entry("id").or_insert(Value::String(id.clone()));
            }
            Some(Value::Number(n)) => {
                properties.entry("id").or_insert(Value::String(n.to_string()));
            }
            _ => {}
        }
        let (mut draft, read_problems) = OfficeDraft::from_json(&Value::Object(properties));
        problems.extend(read_problems);
        let geometry = feature.get("geometry");
        let point = geometry
            .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"))
            .and_then(|g| g.get("coordinates"))
            .and_then(Value::as_array);
        match point.map(|c| (c.first().and_then(Value::as_f64), c.get(1).and_then(Value::as_f64))) {
            Some((Some(lon), Some(lat))) => {
                draft.lon = Some(lon);
                draft.lat = Some(lat);
            }
            _ => problems.push(FieldError::new("geometry", "must be a Point with [lon, lat] coordinates")),
        }
        rows.push(ImportRow { location, draft, problems });
    }
    Ok(rows)
}

/// An import row after validation.
pub(crate) struct CheckedRow {
    id: String,
    location: String,
    office: Result<ValidOffice, String>,
}

pub(crate) fn check_row(row: &ImportRow, communes: &dyn Communes) -> CheckedRow {
    let id = row.draft.id.as_deref().map(str::trim).unwrap_or_default().to_string();
    let mut office = validate_parsed(&row.draft, row.problems.clone(), communes)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
    if id.is_empty() {
        let missing = "id: is required for an import".to_string();
        office = Err(match office {
            Ok(_) => missing,
            Err(e) => format!("{missing}; {e}"),
        });
    }
    CheckedRow { id, location: row.location.clone(), office }
}

/// Writes each row through the gate ([`crate::gate::write_office`]), in order, in the
/// caller's transaction, and says what happened to each. A row the gate refuses is an error
/// outcome and writes nothing; a store failure stops the import.
pub(crate) fn apply_import(
    tx: &mut dyn Tx,
    rows: &[CheckedRow],
    default_source: &str,
    meta: &ChangeMeta<'_>,
) -> Result<Vec<ImportOutcome>, WriteError> {
    let mut outcomes = Vec::with_capacity(rows.len());
    let mut seen = HashSet::new();
    for row in rows {
        let outcome = match &row.office {
            Err(reason) => Outcome::Error { reason: reason.clone() },
            Ok(_) if !seen.insert(row.id.as_str()) => {
                Outcome::Error { reason: format!("id {:?} appears on an earlier row", row.id) }
            }
            Ok(office) => {
                let before = tx.office(&row.id)?;
                let next = match &before {
                    None => office.to_record(&row.id, default_source, meta.at, 1),
                    Some(current) => {
                        office.to_record(&row.id, &current.source, current.valid_from, current.version + 1)
                    }
                };
                let is_new = before.is_none();
                match write_office(tx, before, next, meta) {
                    Ok(_) if is_new => Outcome::New,
                    Ok(change) => Outcome::Changed { fields: change.fields.into_keys().collect() },
                    Err(WriteError::NoChange { .. }) => Outcome::Unchanged,
                    Err(error @ (WriteError::Store(_) | WriteError::Unavailable { .. })) => return Err(error),
                    Err(refused) => Outcome::Error { reason: refused.to_string() },
                }
            }
        };
        outcomes.push(ImportOutcome { id: row.id.clone(), location: row.location.clone(), outcome });
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_datasets_offices_csv_reads_as_is() {
        let text = std::fs::read_to_string(testkit::reference_data_dir().join("offices.csv")).unwrap();
        let rows = parse_csv(&text).unwrap();
        assert_eq!(rows.len(), 40);
        assert!(rows.iter().all(|r| r.problems.is_empty()));
        assert_eq!(rows[0].draft.id.as_deref(), Some("seat-19753"));
        assert_eq!(rows[0].draft.position_precision.as_deref(), Some("commune_label_point"));
    }

    #[test]
    fn a_bad_cell_is_a_row_problem_and_a_bad_header_a_file_error() {
        let rows = parse_csv(
            "id,kind,name,address,lon,lat,position_precision,services\na,post_office,N,A,east,16,geocoded,x; y\n",
        )
        .unwrap();
        assert_eq!(rows[0].problems[0].field, "lon");
        assert_eq!(rows[0].draft.services, ["x", "y"]);
        assert!(parse_csv("id,kind,colour\n").unwrap_err().reason.contains("colour"));
        assert!(parse_csv("id,kind\n").unwrap_err().reason.contains("missing"));
    }

    #[test]
    fn rows_are_named_by_their_line_whatever_the_line_endings() {
        let unix = "id,kind,name,address,lon,lat,position_precision\na,post_office,N,A,107.5,16.4,geocoded\nb,post_office,M,B,107.6,16.5,geocoded\n";
        for text in [unix.to_string(), unix.replace('\n', "\r\n")] {
            let rows = parse_csv(&text).unwrap();
            let lines: Vec<&str> = rows.iter().map(|r| r.location.as_str()).collect();
            assert_eq!(lines, ["line 2", "line 3"], "{text:?}");
        }
    }

    #[test]
    fn geojson_points_read_with_their_properties() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"po-1","geometry":{"type":"Point","coordinates":[107.58,16.46]},
             "properties":{"kind":"post_office","name":"Bưu cục","address":"1 Lê Lợi","position_precision":"geocoded"}},
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},"properties":{"lon":1}}]}"#;
        let rows = parse_geojson(text).unwrap();
        assert_eq!(rows[0].draft.id.as_deref(), Some("po-1"));
        assert_eq!(rows[0].draft.lon, Some(107.58));
        assert!(rows[0].problems.is_empty());
        let fields: Vec<&str> = rows[1].problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["lon", "geometry"]);
        assert!(parse_geojson("[]").is_err());
    }
}
