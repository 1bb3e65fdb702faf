//! Bulk import: reading offices from CSV (the columns of the dataset's `offices.csv`, plus
//! the registry's optional ones) or a GeoJSON FeatureCollection of points, and what an import
//! did to each row.
//!
//! Reading is lenient per row and strict per file: a malformed file or an unknown column is
//! one error for the whole file, while a row whose `lon` is not a number still comes back,
//! carrying that problem, so the import can report every bad row in one pass. Planning an
//! import (what each row would do) lives here too; the registry runs the plan in one
//! transaction.
//!
//! Two shapes of sheet: a whole sheet has every required column and describes whole offices
//! (new or existing); a partial sheet, such as a survey's `id,lon,lat,position_precision,version`,
//! has `id` and some other columns, and updates existing offices: the fields it lacks, and its
//! empty cells, keep the office's current values. Either may carry a `version` column, the
//! office's version the row was made from, so a row for an office edited since fails instead
//! of overwriting the newer edit.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{FieldError, WriteError};
use crate::gate::{write_office, ChangeMeta};
use crate::model::FieldChange;
use crate::store::Tx;
use crate::validate::{validate_parsed, Communes, OfficeDraft, DRAFT_FIELDS};

/// One row to import, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Where it came from: the CSV line or the feature's position, for messages.
    pub location: String,
    /// The office as given.
    pub draft: OfficeDraft,
    /// What could not be read (wrong types, unknown properties).
    pub problems: Vec<FieldError>,
    /// `None` for a whole office. For a row of a partial sheet, the fields it gives (its
    /// non-empty cells): every other field keeps the office's current value.
    pub given: Option<Vec<String>>,
    /// The office's version the row was made from (a `version` column or property): the row
    /// fails if the office has changed since.
    pub expected_version: Option<u64>,
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
    /// For a new or changed office, each changed field's value before and after (`null`
    /// before, for a new office), so a preview can show exactly what the row does.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub changes: BTreeMap<String, FieldChange>,
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

/// Columns a whole sheet has: a sheet without one of them is partial.
const REQUIRED_COLUMNS: [&str; 7] = ["id", "kind", "name", "address", "lon", "lat", "position_precision"];

/// The column (or GeoJSON property) naming the office version a row was made from.
const VERSION_COLUMN: &str = "version";

/// Reads offices from CSV with a header row.
///
/// A whole sheet has the columns `id, kind, name, address, lon, lat, position_precision`,
/// and optionally every other draft field (`commune_code`, `source`, `opening_hours`,
/// `phone`, `notes`, `allow_outside_commune` as `true`/`false`, `outside_commune_reason`,
/// and `services` separated by `;`). The dataset's `offices.csv` reads as is.
///
/// A sheet with `id` and only some of the others is partial: each row updates an existing
/// office, and an empty cell keeps the current value. Either kind may have a `version` column.
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
        if !DRAFT_FIELDS.contains(&column.as_str()) && column != VERSION_COLUMN {
            return Err(ImportParseError {
                location: "header".into(),
                reason: format!(
                    "unknown column {column:?}; the columns are {}, {VERSION_COLUMN}",
                    DRAFT_FIELDS.join(", ")
                ),
            });
        }
    }
    if !headers.iter().any(|h| h == "id") {
        return Err(ImportParseError {
            location: "header".into(),
            reason: "missing column id: every row must name the office it is about".into(),
        });
    }
    let partial = REQUIRED_COLUMNS.into_iter().any(|c| !headers.iter().any(|h| h == c));
    if partial && !headers.iter().any(|h| h != "id" && h != VERSION_COLUMN) {
        return Err(ImportParseError {
            location: "header".into(),
            reason: format!(
                "no column to change: a partial sheet has id and some of {} (a whole sheet all of {})",
                DRAFT_FIELDS[1..].join(", "),
                REQUIRED_COLUMNS.join(", ")
            ),
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
        let mut expected_version = None;
        let mut given = Vec::new();
        for (column, value) in headers.iter().zip(record.iter()) {
            let value = value.trim();
            if column == VERSION_COLUMN {
                expected_version = read_version(value, &mut problems);
                continue;
            }
            read_csv_field(&mut draft, column, value, &mut problems);
            if !value.is_empty() && column != "id" {
                given.push(column.clone());
            }
        }
        rows.push(ImportRow {
            location: format!("line {line}"),
            draft,
            problems,
            given: partial.then_some(given),
            expected_version,
        });
    }
    Ok(rows)
}

/// A `version` cell: empty, or an office version (1, 2, …).
fn read_version(value: &str, problems: &mut Vec<FieldError>) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    match value.parse::<u64>() {
        Ok(version) if version > 0 => Some(version),
        _ => {
            problems.push(FieldError::new(VERSION_COLUMN, format!("{value:?} is not an office version (1, 2, …)")));
            None
        }
    }
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
/// geometry), and optionally `version`; the id is the feature's `id` or its `id` property.
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
        let expected_version = match properties.remove(VERSION_COLUMN) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v > 0) => n.as_u64(),
            Some(other) => {
                problems.push(FieldError::new(VERSION_COLUMN, format!("{other} is not an office version (1, 2, …)")));
                None
            }
        };
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
        rows.push(ImportRow { location, draft, problems, given: None, expected_version });
    }
    Ok(rows)
}

/// Writes each row through the gate ([`crate::gate::write_office`]), in order, in the
/// caller's transaction, and says what happened to each. A row is validated here, over the
/// office's current values when it is partial, so it sees the rows before it. A row the
/// gate refuses is an error outcome and writes nothing; a store failure stops the import.
pub(crate) fn apply_import(
    tx: &mut dyn Tx,
    rows: &[ImportRow],
    communes: &dyn Communes,
    default_source: &str,
    meta: &ChangeMeta<'_>,
) -> Result<Vec<ImportOutcome>, WriteError> {
    let mut outcomes = Vec::with_capacity(rows.len());
    let mut seen = HashSet::new();
    for row in rows {
        let id = row.draft.id.as_deref().map(str::trim).unwrap_or_default().to_string();
        let (outcome, changes) = if !id.is_empty() && !seen.insert(id.clone()) {
            (Outcome::Error { reason: format!("id {id:?} appears on an earlier row") }, BTreeMap::new())
        } else {
            import_row(tx, row, &id, communes, default_source, meta)?
        };
        outcomes.push(ImportOutcome { id, location: row.location.clone(), outcome, changes });
    }
    Ok(outcomes)
}

/// One row's outcome, and the fields it changes.
fn import_row(
    tx: &mut dyn Tx,
    row: &ImportRow,
    id: &str,
    communes: &dyn Communes,
    default_source: &str,
    meta: &ChangeMeta<'_>,
) -> Result<(Outcome, BTreeMap<String, FieldChange>), WriteError> {
    let refuse = |reason: String| Ok((Outcome::Error { reason }, BTreeMap::new()));
    let before = if id.is_empty() { None } else { tx.office(id)? };
    let draft = match (&row.given, &before) {
        (None, _) => row.draft.clone(),
        (Some(given), Some(current)) => {
            let mut draft = OfficeDraft::from_record(current);
            draft.overlay(&row.draft, given);
            let moved = draft.lon != Some(current.lon) || draft.lat != Some(current.lat);
            if moved && !given.iter().any(|f| f == "position_precision") {
                return refuse(format!(
                    "position_precision: the row moves the office, so it must say how the new position \
                     was found (surveyed, hand_placed, geocoded…); the current one ({}) describes the old position",
                    current.position_precision.as_str()
                ));
            }
            draft
        }
        (Some(_), None) if id.is_empty() => return refuse("id: is required for an import".into()),
        (Some(_), None) => {
            return refuse(format!(
                "id: there is no office {id:?}; a partial sheet only updates existing offices \
                 (a new office needs the columns {})",
                REQUIRED_COLUMNS.join(", ")
            ))
        }
    };
    let office = validate_parsed(&draft, row.problems.clone(), communes)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
    if id.is_empty() {
        let missing = "id: is required for an import".to_string();
        return refuse(match office {
            Ok(_) => missing,
            Err(e) => format!("{missing}; {e}"),
        });
    }
    let office = match office {
        Ok(office) => office,
        Err(reason) => return refuse(reason),
    };
    if let Some(expected) = row.expected_version {
        match &before {
            None => return refuse(format!("version: there is no office {id:?} to be at version {expected}")),
            Some(current) if current.version != expected => {
                return refuse(format!(
                    "version: the row was made from version {expected}, but the office is at version {} \
                     now (edited since); this row would overwrite that edit: take the office's current values \
                     and try again",
                    current.version
                ))
            }
            Some(_) => {}
        }
    }
    let next = match &before {
        None => office.to_record(id, default_source, meta.at, 1),
        Some(current) => office.to_record(id, &current.source, current.valid_from, current.version + 1),
    };
    let is_new = before.is_none();
    match write_office(tx, before, next, meta) {
        Ok(change) if is_new => Ok((Outcome::New, change.fields)),
        Ok(change) => Ok((Outcome::Changed { fields: change.fields.keys().cloned().collect() }, change.fields)),
        Err(WriteError::NoChange { .. }) => Ok((Outcome::Unchanged, BTreeMap::new())),
        Err(error @ (WriteError::Store(_) | WriteError::Unavailable { .. })) => Err(error),
        Err(refused) => refuse(refused.to_string()),
    }
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
        assert!(parse_csv("kind,name\n").unwrap_err().reason.contains("missing column id"));
        assert!(parse_csv("id,version\n").unwrap_err().reason.contains("no column to change"));
    }

    #[test]
    fn a_sheet_without_every_column_is_partial_and_its_empty_cells_keep_values() {
        let rows =
            parse_csv("id,lon,lat,position_precision,version\nseat-1,107.58,16.47,surveyed,3\nseat-2,,,,\n").unwrap();
        assert_eq!(rows[0].given.as_deref(), Some(&["lon".to_string(), "lat".into(), "position_precision".into()][..]));
        assert_eq!(rows[0].expected_version, Some(3));
        assert_eq!(rows[1].given.as_deref(), Some(&[][..]));
        let whole =
            parse_csv("id,kind,name,address,lon,lat,position_precision,version\na,post_office,N,A,1,2,geocoded,x\n")
                .unwrap();
        assert_eq!(whole[0].given, None);
        assert_eq!(whole[0].problems[0].field, "version");
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
